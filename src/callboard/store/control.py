"""The store's control tables: connector cursors and the identity map (DuckDB, inside transactions)."""

from __future__ import annotations

import datetime as dt

import duckdb

from callboard.records.batch import Cursor
from callboard.records.schemas import AGENT_ID_TABLES


def read_cursor(con: duckdb.DuckDBPyConnection, connector: str, stream: str) -> Cursor | None:
    row = con.execute(
        "SELECT position, fingerprint, state FROM connector_cursors WHERE connector = ? AND stream = ?",
        [connector, stream],
    ).fetchone()
    if row is None:
        return None
    return Cursor(connector=connector, stream=stream, position=int(row[0]), fingerprint=row[1], state=row[2])


def identity_rows(con: duckdb.DuckDBPyConnection, source: str | None) -> list[tuple[str, str, str]]:
    sql = "SELECT source, source_identity, agent_id FROM identity_map"
    params: list[str] = []
    if source is not None:
        sql += " WHERE source = ?"
        params.append(source)
    return [(str(a), str(b), str(c)) for a, b, c in con.execute(sql + " ORDER BY 1, 2", params).fetchall()]


def shared_mapping(con: duckdb.DuckDBPyConnection, source: str, identity: str) -> tuple[str | None, list[str]]:
    """The agent the identity is mapped to now (None if unmapped) and the source's other identities mapped to it."""
    row = con.execute("SELECT agent_id FROM identity_map WHERE source = ? AND source_identity = ?",
                      [source, identity]).fetchone()
    if row is None:
        return None, []
    others = con.execute(
        "SELECT source_identity FROM identity_map WHERE source = ? AND agent_id = ? AND source_identity <> ? "
        "ORDER BY 1", [source, row[0], identity]).fetchall()
    return str(row[0]), [str(o[0]) for o in others]


def map_identities(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, str]]) -> int:
    """Tie (source, source identity) to agent ids and rewrite rows already stored under the identity.

    Rows loaded after an earlier mapping carry that mapping's agent: they move to the new agent too when the
    identity was the source's only one mapped to the old agent (else they cannot be told apart and stay).
    Returns how many fact rows were rewritten. The caller owns the transaction.
    """
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rewritten = 0
    for source, identity, agent_id in rows:
        previous, others = shared_mapping(con, source, identity)
        con.execute("DELETE FROM identity_map WHERE source = ? AND source_identity = ?", [source, identity])
        con.execute("INSERT INTO identity_map VALUES (?, ?, ?, ?)", [source, identity, agent_id, now])
        stored_as = [identity]
        if previous is not None and previous != agent_id and not others:
            stored_as.append(previous)
        for table in AGENT_ID_TABLES:
            for old in stored_as:
                where = f'FROM "{table}" WHERE source = ? AND agent_id = ?'
                hit = con.execute(f"SELECT count(*) {where}", [source, old]).fetchone()
                count = int(hit[0]) if hit else 0
                if count:
                    con.execute(f'UPDATE "{table}" SET agent_id = ? WHERE source = ? AND agent_id = ?',
                                [agent_id, source, old])
                    rewritten += count
    return rewritten


def known_agent_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(r[0]) for r in con.execute("SELECT agent_id FROM agents").fetchall()}
