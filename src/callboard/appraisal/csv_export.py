"""The appraisal packet as CSV: one long table (section, item, period, value, ...), raw values, empty for null."""

from __future__ import annotations

import csv
import io
from typing import Any

from callboard.appraisal.model import AppraisalPacket

COLUMNS = ("section", "item", "metric", "period", "value", "unit", "previous_value", "team_value", "target",
           "status", "detail")


def _cell(value: Any) -> Any:
    return "" if value is None else value


def packet_rows(packet: AppraisalPacket) -> list[dict[str, Any]]:
    label = packet.period.label
    rows: list[dict[str, Any]] = [
        {"section": "agent", "item": "agent_id", "period": label, "value": packet.agent_id},
        {"section": "agent", "item": "name", "period": label, "value": packet.agent_name},
        {"section": "agent", "item": "teams", "period": label, "value": "; ".join(packet.teams)},
        {"section": "agent", "item": "period", "period": label, "value": packet.period.start.isoformat(),
         "detail": f"{packet.period.start.isoformat()} to {packet.period.end.isoformat()} ({packet.time_zone})"},
    ]
    for k in packet.kpis:
        rows.append({"section": "kpi", "item": k.label, "metric": k.resolved, "period": label, "value": k.value,
                     "unit": k.unit, "previous_value": k.previous_value, "team_value": k.team_value,
                     "target": k.goal.target if k.goal else None, "status": k.goal.status_text if k.goal else None})
    for k in packet.qa:
        rows.append({"section": "quality", "item": k.label, "metric": k.resolved, "period": label, "value": k.value,
                     "unit": k.unit, "previous_value": k.previous_value})
    for g in packet.goals:
        span = f"; {g.starts_on.isoformat()} to {g.ends_on.isoformat()}" if g.starts_on and g.ends_on else ""
        rows.append({"section": "goal", "item": g.name, "metric": g.metric, "period": label, "value": g.actual,
                     "unit": g.unit, "target": g.target, "status": g.status_text,
                     "detail": f"{g.scope_label or g.scope}{span}; {g.direction} is better"
                               + ("; period ended" if g.final else f"; projected {g.projected}"
                                  if g.projected is not None else "")
                               + (f"; agent's own value {g.agent_value}" if g.agent_value is not None else "")})
    for series in packet.trends:
        for point in series.points:
            rows.append({"section": "trend_week", "item": series.label, "metric": series.metric,
                         "period": point.label, "value": point.value, "unit": series.unit})
    for s in packet.scorecards:
        rows.append({"section": "scorecard", "item": "overall score", "period": s.period_label,
                     "value": s.score, "unit": "points", "team_value": s.team_score,
                     "detail": f"rank {s.rank} of {s.team_size}" if s.rank else "not ranked"})
    for c in packet.comments:
        rows.append({"section": "comment", "item": c.author, "period": c.period_label,
                     "value": c.created_at.isoformat(timespec="minutes"), "detail": c.text})
    return rows


def packet_csv(packet: AppraisalPacket) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in packet_rows(packet):
        writer.writerow({c: _cell(row.get(c)) for c in COLUMNS})
    return buffer.getvalue()
