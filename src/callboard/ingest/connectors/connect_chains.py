"""The legs of Amazon Connect transfer chains, remembered between files in a DuckDB file.

A transferred contact is one contact record per leg, and each leg is exported when it ends, often in another
file. The store replaces a contact whole, so a file holding only a later leg must re-emit the chain with every
leg known. Each load therefore remembers every leg of a chain (a part whose chain id is not its own ContactId,
or that names a next contact) in `<data_dir>/connectors/amazon-connect-chains.duckdb`, keyed by source and
ContactId (the newest LastUpdateTimestamp wins).

The file is attached to the connector's own in-memory DuckDB, so looking legs up and remembering them are SQL
over the parsed parts: no leg passes through Python (the SQLite ledger this replaces cost 0.2 s to fetch and
0.35 s to write the 45k legs of 200k records). It is written before the store load: if the load then fails,
the remembered legs are still valid legs and load with the chain's next file. Legs an earlier Callboard kept in
the SQLite ledger (connect_ledger, kind `ctr_part`) move here the first time the file is opened.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from callboard.core.errors import Conflict
from callboard.ingest.connectors.connect_ledger import Ledger, ledger_path
from callboard.ingest.connectors.connect_sql import quote

FILE_NAME = "amazon-connect-chains.duckdb"
_ALIAS = "chains"
_LEGACY_KIND = "ctr_part"
_WAIT_S = 30.0  # another Callboard process loading Connect records holds the file for a few seconds at most


def attach(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """Attach the chain file as `chains`, waiting while another process holds it."""
    path = data_dir / "connectors" / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + _WAIT_S
    while True:
        try:
            con.execute(f"ATTACH {quote(str(path))} AS {_ALIAS}")
            return
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() > deadline:
                raise Conflict(f"{path} is held by another Callboard process loading Amazon Connect records",
                               hint="run the loads one after the other") from exc
            time.sleep(0.2)


def prepare(con: duckdb.DuckDBPyConnection, parts: str, data_dir: Path) -> list[str]:
    """Make sure `chains.parts` has every column of the part table `parts` (without its file line), adding the
    columns a newer Callboard parses; when the table is new, move legacy SQLite legs in. Returns the part
    column names."""
    columns = [(name, kind) for name, kind, *_ in con.execute(f"DESCRIBE SELECT * EXCLUDE (line) FROM {parts}").fetchall()]
    present = {row[0] for row in con.execute(
        f"SELECT column_name FROM duckdb_columns() WHERE database_name = '{_ALIAS}' AND table_name = 'parts'").fetchall()}
    if not present:
        definition = ", ".join(f'"{name}" {kind}' for name, kind in columns)
        con.execute(f"CREATE TABLE {_ALIAS}.parts (source VARCHAR NOT NULL, {definition})")
        _move_legacy(con, columns, data_dir)
    for name, kind in columns:
        if present and name not in present:
            con.execute(f'ALTER TABLE {_ALIAS}.parts ADD COLUMN "{name}" {kind}')
    return [name for name, _ in columns]


def _move_legacy(con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]], data_dir: Path) -> None:
    if not ledger_path(data_dir).exists():
        return
    with Ledger.open(data_dir) as ledger:
        entries = ledger.take_all(_LEGACY_KIND)
        if not entries:
            return
        sources, bodies = zip(*entries, strict=True)
        con.register("_legacy", pa.table({"source": list(sources), "body": list(bodies)}))
        structure = json.dumps({name: kind for name, kind in columns})
        con.execute(
            f"""INSERT INTO {_ALIAS}.parts BY NAME
            SELECT source, unnest(json_transform(body, {quote(structure)})) FROM _legacy"""
        )
        con.unregister("_legacy")
        ledger.forget_all(_LEGACY_KIND)  # only once they are stored here


def known_legs(con: duckdb.DuckDBPyConnection, columns: list[str], source: str, chained: str) -> int:
    """Temp table `_ledger_parts`: every remembered leg of the chains in table `chained` (line 0)."""
    names = ", ".join(f'"{name}"' for name in columns)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ledger_parts AS
        SELECT {names}, 0 AS line FROM {_ALIAS}.parts
        WHERE source = $source AND chain_id IN (SELECT chain_id FROM {chained})""",
        {"source": source},
    )
    found = con.execute("SELECT count(*) FROM _ledger_parts").fetchone()
    return int(found[0]) if found else 0


def remember(con: duckdb.DuckDBPyConnection, source: str, chained: str, retention_days: int) -> None:
    """Keep this file's chained legs (a stored leg is replaced by one at least as new) and forget legs older than
    the retention window, counted back from this file's newest leg (the data's own time), in one transaction."""
    values = {"source": source}
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"""DELETE FROM {_ALIAS}.parts t WHERE t.source = $source AND EXISTS (
              SELECT 1 FROM {chained} c WHERE c.contact_id = t.contact_id AND c.last_update >= t.last_update)""",
            values,
        )
        con.execute(
            f"""INSERT INTO {_ALIAS}.parts BY NAME SELECT $source AS source, c.* FROM {chained} c
            WHERE NOT EXISTS (SELECT 1 FROM {_ALIAS}.parts t WHERE t.source = $source AND t.contact_id = c.contact_id)""",
            values,
        )
        con.execute(
            f"""DELETE FROM {_ALIAS}.parts WHERE source = $source
            AND last_update < (SELECT max(last_update) FROM {chained}) - INTERVAL {int(retention_days)} DAY""",
            values,
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
