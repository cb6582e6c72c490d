"""Fail-rate trends per question or section for the QA operations reports, read from the KPI catalog
(`question_fail_rate` / `section_fail_rate` over `qa_item_results`, metrics/catalog/quality.yaml), so the report
and `callboard kpi --metrics question_fail_rate --by question,week` give the same numbers: failed applicable
answers / applicable answers (N/A excluded), sections with a failed question / scored non-bonus sections, latest
revision, by the contact's day, week or month in the organisation's time zone, calibration and drafts excluded.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from callboard.core.errors import InvalidInput
from callboard.core.viewer import Viewer
from callboard.metrics.service import KpiService
from callboard.quality.ops_reports import FailTrendRow

PERIODS = ("day", "week", "month")
_COUNTS = {"question": ("qa_questions", "qa_questions_failed"), "section": ("qa_sections", "qa_sections_failed")}


def catalog_fail_trend(kpi: KpiService, viewer: Viewer | None, *, from_date: dt.date, to_date: dt.date,
                       kind: Literal["question", "section"] = "question", period: str = "week") -> list[FailTrendRow]:
    """Rows per item and period start, sorted by item then period; `viewer` limits them to its agents."""
    if kind not in _COUNTS:
        raise InvalidInput(f"fail rates are per question or section, not '{kind}'")
    if period not in PERIODS:
        raise InvalidInput(f"unknown period '{period}'", hint="periods: day, week, month")
    total, failed = _COUNTS[kind]
    result = kpi.query(metrics=[total, failed], by=[kind, period], from_date=from_date, to_date=to_date,
                       viewer=viewer)
    rows = [FailTrendRow(str(r[kind]), dt.date.fromisoformat(str(r[period])), int(r[total] or 0), int(r[failed] or 0))
            for r in result.rows if r[kind] is not None and r[total]]
    return sorted(rows, key=lambda r: (r.key, r.period_start))
