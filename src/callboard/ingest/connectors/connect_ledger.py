"""A small memory the Amazon Connect connectors keep between files, under the data directory.

Amazon Connect spreads one conversation over several files: a transferred call is one contact record
per leg, and each leg is exported when it ends, often in a different Firehose object; an agent's
current state is opened by one agent-event file and closed by a later one. A connector's cursor is
per file, so it cannot carry this across files, and the store replaces a contact whole. The ledger
keeps what a later file needs:

* `ctr_part`: every leg of a transfer chain (keyed by its ContactId, grouped by the chain's initial
  contact id), so a later leg re-emits the whole chain as one contact;
* `agent_open`: each agent's state still open at the end of a file, so the next file closes it.

It is an SQLite file (`<data_dir>/connectors/amazon-connect.sqlite`) written before the load. Legs are
a union keyed by ContactId (the highest LastUpdateTimestamp wins), so writing them for a load that then
fails is harmless: they are valid legs and load with the chain's next file. Open agent states are kept
per file (stream) and a file never reads its own entries, so a re-run after a failed load starts from
the state the previous files left.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
  kind TEXT NOT NULL, source TEXT NOT NULL, key TEXT NOT NULL, grp TEXT NOT NULL, stream TEXT NOT NULL,
  stamp_us INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (kind, source, key, stream)
);
CREATE INDEX IF NOT EXISTS ledger_grp ON ledger (kind, source, grp);
"""


@dataclass(frozen=True)
class Entry:
    key: str
    group: str
    stamp_us: int  # the entry's own time (LastUpdateTimestamp, last event), microseconds since 1970
    body: str  # JSON text
    stream: str = ""


class Ledger:
    """Open with `Ledger.open(data_dir)`; use as a context manager so the file is closed."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con

    @classmethod
    def open(cls, data_dir: Path) -> Ledger:
        path = ledger_path(data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path, timeout=30, check_same_thread=False)  # one user at a time, any thread
        con.executescript(_SCHEMA)
        return cls(con)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self._con.close()

    def groups(self, kind: str, source: str, groups: Iterable[str]) -> list[Entry]:
        """All entries of the given groups (e.g. every known leg of these chains)."""
        wanted = sorted(set(groups))
        found: list[Entry] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._con.execute(
                f"SELECT key, grp, stamp_us, body, stream FROM ledger WHERE kind = ? AND source = ? AND grp IN ({marks})",
                [kind, source, *chunk],
            ).fetchall()
            found.extend(Entry(k, g, s, b, st) for k, g, s, b, st in rows)
        return found

    def latest_before(self, kind: str, source: str, key: str, *, stamp_us: int, not_stream: str) -> Entry | None:
        """The newest entry for key no later than stamp_us, written by another stream than not_stream."""
        row = self._con.execute(
            "SELECT key, grp, stamp_us, body, stream FROM ledger WHERE kind = ? AND source = ? AND key = ? "
            "AND stream <> ? AND stamp_us <= ? ORDER BY stamp_us DESC LIMIT 1",
            [kind, source, key, not_stream, stamp_us],
        ).fetchone()
        return None if row is None else Entry(row[0], row[1], row[2], row[3], row[4])

    def keep_newest(self, kind: str, source: str, entries: Sequence[Entry]) -> None:
        """Insert entries; an existing one with the same key and stream is replaced only by a newer stamp."""
        for stream in sorted({e.stream for e in entries}):
            self.keep_newest_rows(kind, source, [(e.key, e.group, e.stamp_us, e.body) for e in entries
                                                 if e.stream == stream], stream)

    def keep_newest_rows(self, kind: str, source: str, rows: Iterable[Sequence[object]], stream: str = "") -> None:
        """keep_newest for (key, group, stamp_us, body) rows as a query returns them (no Entry per row)."""
        self._con.executemany(
            "INSERT INTO ledger (kind, source, key, grp, stream, stamp_us, body) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT (kind, source, key, stream) DO UPDATE SET grp = excluded.grp, "
            "stamp_us = excluded.stamp_us, body = excluded.body WHERE excluded.stamp_us >= ledger.stamp_us",
            ((kind, source, key, group, stream, stamp, body) for key, group, stamp, body in rows),
        )
        self._con.commit()

    def replace(self, kind: str, source: str, entries: Sequence[Entry]) -> None:
        """Insert or overwrite entries by (key, stream)."""
        self._con.executemany(
            "INSERT OR REPLACE INTO ledger (kind, source, key, grp, stream, stamp_us, body) VALUES (?,?,?,?,?,?,?)",
            [(kind, source, e.key, e.group, e.stream, e.stamp_us, e.body) for e in entries],
        )
        self._con.commit()

    def take_all(self, kind: str) -> list[tuple[str, str]]:
        """(source, body) of every entry of a kind (to move them elsewhere; see forget_all)."""
        return [(source, body) for source, body in self._con.execute(
            "SELECT source, body FROM ledger WHERE kind = ? ORDER BY source, key", [kind]).fetchall()]

    def forget_all(self, kind: str) -> None:
        self._con.execute("DELETE FROM ledger WHERE kind = ?", [kind])
        self._con.commit()

    def prune(self, kind: str, source: str, *, older_than_us: int) -> None:
        """Forget entries older than the retention window (measured in the data's own time)."""
        self._con.execute(
            "DELETE FROM ledger WHERE kind = ? AND source = ? AND stamp_us < ?", [kind, source, older_than_us]
        )
        self._con.commit()


def ledger_path(data_dir: Path) -> Path:
    return data_dir / "connectors" / "amazon-connect.sqlite"
