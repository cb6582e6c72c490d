"""Which connectors exist: Callboard's own plus any installed under the `callboard.connectors` entry point."""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points

from callboard.core.errors import unknown_name
from callboard.ingest.connector import Connector

ENTRY_POINT_GROUP = "callboard.connectors"

# module:attribute of each built-in connector object; imported only when asked for
BUILT_IN: dict[str, str] = {
    "queue-log": "callboard.ingest.connectors.asterisk:CONNECTOR",
    "connect-ctr": "callboard.ingest.connectors.connect_ctr:CONNECTOR",
    "connect-agent-events": "callboard.ingest.connectors.connect_agent_events:CONNECTOR",
    "contact-lens": "callboard.ingest.connectors.contact_lens:CONNECTOR",
    "transcribe": "callboard.ingest.connectors.transcribe:CONNECTOR",
    "transcript": "callboard.ingest.connectors.transcript:CONNECTOR",
    "survey": "callboard.ingest.connectors.survey:CONNECTOR",
    "genesys": "callboard.ingest.connectors.genesys:CONNECTOR",
}


def _load(target: str) -> Connector:
    module, _, attribute = target.partition(":")
    connector = getattr(importlib.import_module(module), attribute)
    if not isinstance(connector, Connector):
        raise TypeError(f"{target} is not a Callboard connector (see callboard.ingest.connector.Connector)")
    return connector


@cache
def connectors() -> dict[str, Connector]:
    """All connectors by CLI name. Built-ins whose module is not there yet are skipped."""
    found: dict[str, Connector] = {}
    for name, target in BUILT_IN.items():
        try:
            found[name] = _load(target)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("callboard.ingest.connectors"):
                continue
            raise
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        connector = entry.load()
        if not isinstance(connector, Connector):
            raise TypeError(f"entry point {entry.value} is not a Callboard connector")
        found.setdefault(connector.name, connector)
    return found


def get_connector(name: str) -> Connector:
    found = connectors()
    if name not in found:
        raise unknown_name("connector", name, sorted(found))
    return found[name]

