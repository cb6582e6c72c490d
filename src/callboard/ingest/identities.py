"""Identity mapping: source identities (PJSIP/1001, an agent ARN, a Genesys userId) -> Callboard agents.

Rows load with the mapped agent id when a mapping exists; otherwise with the source identity itself,
which is then listed as unmapped in the load report (never dropped). Mapping it later rewrites the
stored rows (store.map_identities).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from callboard.core.errors import InvalidInput
from callboard.records.batch import LoadBatch
from callboard.records.schemas import AGENT_ID_TABLES
from callboard.store.base import AnalyticsStore

MAPPING_COLUMNS = ("source", "source_identity", "agent_id")


def apply_identity_map(batch: LoadBatch, store: AnalyticsStore) -> tuple[str, ...]:
    """Replace mapped identities in the batch in place; return the identities nobody has mapped."""
    mapping = {identity: agent for _, identity, agent in store.identity_rows(batch.source)}
    known = store.known_agent_ids() | set(mapping.values())
    unmapped: set[str] = set()
    for name in AGENT_ID_TABLES:
        table = batch.tables.get(name)
        if table is None or table.num_rows == 0:
            continue
        ids = table.column("agent_id")
        distinct = [v for v in pc.unique(ids).to_pylist() if v is not None]
        unmapped.update(v for v in distinct if v not in mapping and v not in known)
        hits = [v for v in distinct if v in mapping]
        if hits:
            keys = pa.array(hits, pa.string())
            values = pa.array([mapping[v] for v in hits], pa.string())
            index = pc.index_in(ids, value_set=keys)
            mapped = pc.if_else(pc.is_null(index), ids, pc.take(values, index))
            batch.tables[name] = table.set_column(table.schema.get_field_index("agent_id"), "agent_id", mapped)
    return tuple(sorted(unmapped))


def read_mapping_file(path: Path) -> list[tuple[str, str, str]]:
    """A CSV with header source,source_identity,agent_id (docs/connectors.md)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in MAPPING_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InvalidInput(
                    f"{path}: identity mapping lacks column(s) {', '.join(missing)}",
                    hint="the header must be: source,source_identity,agent_id",
                )
            rows = []
            for line, row in enumerate(reader, start=2):
                values = tuple((row.get(c) or "").strip() for c in MAPPING_COLUMNS)
                if not all(values):
                    raise InvalidInput(f"{path}, line {line}: every column needs a value", hint="fill or delete the line")
                rows.append((values[0], values[1], values[2]))
            return rows
    except FileNotFoundError as exc:
        raise InvalidInput(f"{path} does not exist", hint="name an identity mapping CSV") from exc
