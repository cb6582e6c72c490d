"""Talk to a running `callboard serve` for the same data directory (it owns the DuckDB file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx

from callboard.core.errors import CallboardError, InvalidInput, NotFound
from callboard.metrics.service import KpiResult, MetricColumn
from callboard.records.batch import LoadReport, Rejection
from callboard.runtime.server_file import TOKEN_HEADER, ServerHandle

_ERRORS: dict[int, type[CallboardError]] = {404: NotFound, 422: InvalidInput}


def _raise_for(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
        message, hint = error.get("message", response.text), error.get("hint")
    except (ValueError, KeyError, TypeError):
        message, hint = f"server answered {response.status_code}: {response.text[:200]}", None
    raise _ERRORS.get(response.status_code, CallboardError)(message, hint=hint)


class RemoteCallboard:
    def __init__(self, handle: ServerHandle, timeout_s: float = 600.0) -> None:
        self.handle = handle
        self.client = httpx.Client(base_url=handle.url, headers={TOKEN_HEADER: handle.token}, timeout=timeout_s)

    def kpi(self, *, metrics: str, by: str, from_date: str | None, to_date: str | None,
            where: dict[str, list[str]]) -> KpiResult:
        params: list[tuple[str, str]] = [("metrics", metrics), ("by", by)]
        if from_date:
            params.append(("from", from_date))
        if to_date:
            params.append(("to", to_date))
        params += [("where", f"{k}={','.join(v)}") for k, v in where.items()]
        response = self.client.get("/api/v1/kpi", params=params)
        _raise_for(response)
        body: dict[str, Any] = response.json()
        return KpiResult(
            dimensions=tuple(body["dimensions"]),
            metrics=tuple(MetricColumn(**{k: m[k] for k in MetricColumn.__dataclass_fields__}) for m in body["metrics"]),
            rows=tuple(body["rows"]),
            time_zone=body.get("time_zone", "UTC"),
            from_date=dt.date.fromisoformat(body["from"]) if body.get("from") else None,
            to_date=dt.date.fromisoformat(body["to"]) if body.get("to") else None,
            provisional_from=dt.date.fromisoformat(body["provisional_from"]) if body.get("provisional_from") else None,
        )

    def ingest_csv(self, paths: list[Path], *, mapping: Path | None,
                   source: str | None) -> tuple[LoadReport, list[Rejection]]:
        """Load one file through the server; returns its report and a few quarantine examples."""
        payload = {"paths": [str(p.resolve()) for p in paths], "mapping": str(mapping.resolve()) if mapping else None,
                   "source": source}
        response = self.client.post("/api/v1/local/ingest/csv", json=payload)
        _raise_for(response)
        body = response.json()
        [raw] = body["reports"]
        report = LoadReport(**{**raw, "unmapped_identities": tuple(raw.get("unmapped_identities", ()))})
        examples = [Rejection(**x) for x in body.get("quarantine_examples", {}).get(report.batch_id, [])]
        return report, examples

    def ingest(self, connector: str, paths: list[Path], *, options: dict[str, Any], source: str | None,
               only_new: bool = False) -> list[tuple[LoadReport, list[Rejection]]]:
        """Load files with a platform connector through the server; a report and examples per file."""
        payload = {"paths": [str(p.resolve()) for p in paths], "options": options, "source": source,
                   "only_new": only_new}
        response = self.client.post(f"/api/v1/local/ingest/{connector}", json=payload)
        _raise_for(response)
        body = response.json()
        out = []
        for raw in body["reports"]:
            report = LoadReport(**{**raw, "unmapped_identities": tuple(raw.get("unmapped_identities", ()))})
            examples = [Rejection(**x) for x in body.get("quarantine_examples", {}).get(report.batch_id, [])]
            out.append((report, examples))
        return out
