"""IngestService: load source files into the analytics store, one transaction per file."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from callboard.core.errors import InvalidInput
from callboard.core.settings import Settings
from callboard.ingest import connector_run
from callboard.ingest.connector import Connector, OptionValue
from callboard.ingest.connectors.csv_excel import read_file
from callboard.ingest.identities import read_mapping_file
from callboard.ingest.registry import connectors, get_connector
from callboard.ingest.mapping import load_mapping
from callboard.ingest.mapping_check import MappingOutcome, mapping_warnings
from callboard.ingest.suggest import Suggestion, suggest, write_suggestion
from callboard.records.batch import LoadBatch, LoadReport, Rejection
from callboard.store.base import AnalyticsStore


class IngestService:
    def __init__(self, *, store: AnalyticsStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._rejections: dict[str, list[Rejection]] = {}

    def ingest_csv(
        self,
        paths: list[Path],
        *,
        mapping: Path | None,
        source: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[LoadReport]:
        """Load CSV / Excel files. Without a mapping, one is inferred from each file (see suggest_mapping).

        A file that does not match its mapping raises InvalidInput before anything is written; rows that
        fail are quarantined and reported; each file lands in one transaction, or not at all.
        """
        if not paths:
            raise InvalidInput("no files given", hint="name one or more CSV or Excel files")
        given = load_mapping(mapping) if mapping is not None else None
        reports = []
        for path in paths:
            if given is not None:
                batch = read_file(path, given, source=source, progress=progress)
            else:
                inferred = self.suggest(path)
                batch = read_file(path, inferred.mapping, source=source, progress=progress, raw=inferred.raw)
            report = self._own_counts(self.store.load(batch), batch)
            self._rejections[report.batch_id] = batch.rejections
            reports.append(report)
        return reports

    # -- platform connectors (queue_log, Amazon Connect, Genesys, transcripts, surveys, plug-ins) --------
    def connectors(self) -> dict[str, Connector]:
        return connectors()

    def ingest(
        self,
        connector: str,
        paths: list[Path],
        *,
        options: Mapping[str, OptionValue] | None = None,
        source: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        only_new: bool = False,
    ) -> list[LoadReport]:
        """Load each file with the named connector, from where its cursor stopped, one transaction per file.

        `only_new`: skip files with nothing new since the cursor (no report), as a follow poll does.
        """
        if not paths:
            raise InvalidInput("no files given", hint=f"name one or more files for {connector}")
        found = get_connector(connector)
        reports = []
        for path in paths:
            before = self.store.read_cursor(found.name, connector_run.stream_key(path)) if only_new else None
            batch = connector_run.read_stream(
                found, path, store=self.store, settings=self.settings, options=options or {}, source=source,
                progress=progress,
            )
            if only_new and not connector_run.has_news(batch, before):
                continue
            report = connector_run.load_batch(batch, self.store)
            self._rejections[report.batch_id] = batch.rejections
            reports.append(report)
        return reports

    def follow(
        self,
        connector: str,
        paths: list[Path],
        *,
        on_report: Callable[[LoadReport], None],
        stop: threading.Event,
        options: Mapping[str, OptionValue] | None = None,
        source: str | None = None,
        poll_s: float = 0.5,
    ) -> None:
        """Tail growing files and load what is new every `poll_s` seconds until `stop` is set."""
        connector_run.follow(
            get_connector(connector), paths, store=self.store, settings=self.settings, options=options or {},
            source=source, on_report=on_report, stop=stop, poll_s=poll_s,
        )

    # -- identity mapping ------------------------------------------------------------------------
    def identities(self, source: str | None = None) -> list[tuple[str, str, str]]:
        return self.store.identity_rows(source)

    def map_identities(self, rows: list[tuple[str, str, str]]) -> MappingOutcome:
        """Tie source identities to agents; rows already loaded under the identity (or under the agent an earlier
        mapping gave it) are rewritten. Warns of an unknown source or agent and of history that cannot move."""
        if not rows:
            raise InvalidInput("no identity mappings given", hint="source,source_identity,agent_id")
        batches = self.store.table("load_batches")
        loaded = {str(s) for s in batches.select("source").distinct().to_pyarrow().column("source").to_pylist()}
        warnings = mapping_warnings(rows, current=self.store.identity_rows(), loaded_sources=loaded,
                                    known_agents=self.store.known_agent_ids())
        return MappingOutcome(self.store.map_identities(rows), warnings)

    def map_identities_file(self, path: Path) -> MappingOutcome:
        return self.map_identities(read_mapping_file(path))

    def suggest(self, path: Path, *, source: str | None = None) -> Suggestion:
        return suggest(
            path, time_zone=self.settings.time_zone, source=source,
            sl_threshold_s=self.settings.service_level_threshold_s,
        )

    def suggest_mapping(self, path: Path, out: Path, *, source: str | None = None) -> Path:
        """Infer a mapping from the file's header and sample values and write it as YAML for review."""
        return write_suggestion(self.suggest(path, source=source), out)

    def quarantine_examples(self, batch_id: str, limit: int = 5) -> list[Rejection]:
        """A few of the rows a load just quarantined (all of them are in the store's quarantine table)."""
        return self._rejections.get(batch_id, [])[:limit]

    def _own_counts(self, report: LoadReport, batch: LoadBatch) -> LoadReport:
        """The store counts survey responses with the contacts; report contacts only, so that
        read = loaded + updated + duplicates + rejected for a contact file."""
        surveys = batch.tables.get("survey_responses")
        if surveys is None or "contacts" not in batch.tables:
            return report
        table = self.store.table("survey_responses")
        new = int(table.filter(table.batch_id == report.batch_id).count().to_pyarrow().as_py())
        return dataclasses.replace(
            report,
            loaded=report.loaded - new,
            duplicates=report.duplicates - (surveys.num_rows - new),
        )
