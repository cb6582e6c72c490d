"""Schedules as CSV: one row per activity (pure; the service stores and checks access).

Columns: agent_id, day (YYYY-MM-DD, organisation-local), activity, start, end (ISO 8601, naive UTC),
productive, paid, adherence_tracked (true/false; productive and paid default from the activity kind:
work is productive and paid, lunch is unpaid, break/training/meeting/coaching are paid non-productive).
A shift is the rows of one agent and day; it runs from its first start to its last end. Rows of one agent
must not overlap. Errors name the line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from callboard.core.errors import InvalidInput
from callboard.workforce.schedule_model import PAID, PRODUCTIVE

COLUMNS = ("agent_id", "day", "activity", "start", "end", "productive", "paid", "adherence_tracked")
_TRUE, _FALSE = {"true", "1", "yes", "y"}, {"false", "0", "no", "n"}


@dataclass(frozen=True)
class ActivityRow:
    activity: str
    start_at: dt.datetime
    end_at: dt.datetime
    productive: bool
    paid: bool
    adherence_tracked: bool = True


@dataclass(frozen=True)
class ShiftRow:
    agent_id: str
    day: dt.date
    start_at: dt.datetime
    end_at: dt.datetime
    activities: tuple[ActivityRow, ...]


def export_csv(shifts: list[ShiftRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for shift in sorted(shifts, key=lambda s: (s.day, s.agent_id, s.start_at)):
        for a in shift.activities:
            writer.writerow([shift.agent_id, shift.day.isoformat(), a.activity, a.start_at.isoformat(),
                             a.end_at.isoformat(), str(a.productive).lower(), str(a.paid).lower(),
                             str(a.adherence_tracked).lower()])
    return out.getvalue()


def _flag(value: str, default: bool, line: int, column: str) -> bool:
    v = (value or "").strip().lower()
    if not v:
        return default
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise InvalidInput(f"line {line}: {column} '{value}' is not true/false", hint="write true or false")


def _time(value: str, line: int, column: str) -> dt.datetime:
    try:
        stamp = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"line {line}: {column} '{value}' is not an ISO date-time",
                           hint="e.g. 2026-03-02T09:00:00") from None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return stamp


def parse_csv(text: str) -> list[ShiftRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS[:5] if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"CSV lacks column(s) {', '.join(missing)}", hint=f"columns: {', '.join(COLUMNS)}")
    groups: dict[tuple[str, dt.date], list[ActivityRow]] = defaultdict(list)
    for line, row in enumerate(reader, start=2):
        agent, kind = (row.get("agent_id") or "").strip(), (row.get("activity") or "").strip().lower()
        if not agent or not kind:
            raise InvalidInput(f"line {line}: agent_id and activity are required", hint="fill both")
        try:
            day = dt.date.fromisoformat((row.get("day") or "").strip())
        except ValueError:
            raise InvalidInput(f"line {line}: day '{row.get('day')}' is not YYYY-MM-DD", hint="e.g. 2026-03-02") from None
        start, end = _time(row["start"], line, "start"), _time(row["end"], line, "end")
        if end <= start:
            raise InvalidInput(f"line {line}: end is not after start", hint="check the times")
        groups[(agent, day)].append(ActivityRow(
            kind, start, end, _flag(row.get("productive", ""), PRODUCTIVE.get(kind, False), line, "productive"),
            _flag(row.get("paid", ""), PAID.get(kind, True), line, "paid"),
            _flag(row.get("adherence_tracked", ""), True, line, "adherence_tracked")))
    shifts = [ShiftRow(agent, day, min(a.start_at for a in acts), max(a.end_at for a in acts),
                       tuple(sorted(acts, key=lambda a: a.start_at))) for (agent, day), acts in groups.items()]
    check_no_overlap(shifts)
    return shifts


def check_no_overlap(shifts: list[ShiftRow]) -> None:
    by_agent: dict[str, list[ActivityRow]] = defaultdict(list)
    for s in shifts:
        by_agent[s.agent_id].extend(s.activities)
    for agent, acts in by_agent.items():
        acts.sort(key=lambda a: a.start_at)
        for first, second in zip(acts, acts[1:]):
            if second.start_at < first.end_at:
                raise InvalidInput(f"agent {agent}: {first.activity} and {second.activity} overlap at "
                                   f"{second.start_at.isoformat()}", hint="one activity at a time per agent")
