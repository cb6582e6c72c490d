"""The connector interface: what a source plug-in implements so Callboard can load it.

A connector reads one stream (a file) from where its cursor says it stopped and returns one LoadBatch
of canonical tables plus quarantined records, with the cursor to save. The IngestService does the
rest the same way for every source: identity mapping, the one-transaction load, the report,
`--follow`. Third parties register a `Connector` object under the entry-point group
`callboard.connectors` (see docs/connectors.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from callboard.core.settings import Settings
from callboard.records.batch import Cursor, LoadBatch

OptionKind = Literal["str", "int", "float", "bool", "path"]
OptionValue = str | int | float | bool | Path | None
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ConnectorOption:
    """One option a connector takes; the CLI shows it as `--name` (dashes, lower case)."""

    name: str
    help: str
    kind: OptionKind = "str"
    default: OptionValue = None
    minimum: float | None = None  # for int and float options: the least value accepted


@dataclass(frozen=True)
class ReadContext:
    """What the service hands a connector for one stream.

    `stream` is the cursor key (the file's absolute path), `source` the name to stamp on every row
    (the connector's default unless the user gave `--source`).
    """

    settings: Settings
    source: str
    stream: str
    progress: Progress | None = None


@runtime_checkable
class Connector(Protocol):
    """A source Callboard can load. Attributes describe it for `callboard connectors list`."""

    name: str  # the CLI word: `callboard ingest <name> FILE...`
    default_source: str  # stamped in `source` unless --source is given, e.g. "asterisk"
    summary: str  # one line
    valid_record: str  # what counts as one valid record (the unit that loads or is quarantined whole)
    options: tuple[ConnectorOption, ...]
    follows: bool  # True when `--follow` can tail a growing file

    def read(
        self, path: Path, *, cursor: Cursor | None, options: Mapping[str, OptionValue], context: ReadContext
    ) -> LoadBatch:
        """Parse `path` from `cursor` on. Return the batch with `batch.cursor` set to where it stopped
        (Cursor(connector=self.name, stream=context.stream, ...)). Never raise for a bad record:
        quarantine it as a Rejection; raise InvalidInput only when the whole file is unreadable."""
        ...


def option_values(connector: Connector, given: Mapping[str, OptionValue]) -> dict[str, OptionValue]:
    """Every option of the connector, the given value or its default; unknown names are an error."""
    from callboard.core.errors import InvalidInput

    known = {o.name: o for o in connector.options}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise InvalidInput(
            f"connector {connector.name} has no option {', '.join(unknown)}",
            hint=f"its options: {', '.join(known) or 'none'}",
        )
    return {name: _checked(connector, option, given.get(name, option.default)) for name, option in known.items()}


def _checked(connector: Connector, option: ConnectorOption, value: OptionValue) -> OptionValue:
    """A number option's value as its kind (the API and tests may give text; none given: the default), at least
    its minimum."""
    from callboard.core.errors import InvalidInput

    if option.kind not in ("int", "float"):
        return value
    if value is None or value == "":
        value = option.default
        if value is None:
            return None
    flag = "--" + option.name.replace("_", "-")
    try:
        number = int(value) if option.kind == "int" else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(f"{connector.name} {flag} {value!r} is not a number", hint=option.help) from None
    if option.minimum is not None and number < option.minimum:
        raise InvalidInput(f"{connector.name} {flag} {number} is below {option.minimum:g}", hint=option.help)
    return number
