"""Staffing plan: forecast + targets -> agents per queue and interval (reference §15, docs/erlang.md).

Per queue, each interval's forecast volume and AHT go to the Erlang module (callboard.workforce.erlang):
- voice: Erlang C, fewest agents meeting the queue's service level within its threshold, then the occupancy cap;
- chat and messaging: Erlang C on chat slots, whole agents = ceil(slots / concurrency) (digital.py);
- email: backlog staffing, every item handled within `answer_within_s` of its arrival (digital.py).
`agents_raw` = agents needed on queue; `agents` = scheduled agents = ceil(raw / (1 − total shrinkage)),
exact. Queues are staffed separately (no pooling), so the interval total is the sum over queues.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from callboard.workforce.digital import backlog_required_agents, chat_required_agents
from callboard.workforce.erlang import required_agents
from callboard.workforce.forecast_adjust import Point
from callboard.workforce.staffing_plan_config import ShrinkagePlan, Target


@dataclass(frozen=True)
class StaffingRow:
    queue: str
    interval_start: dt.datetime
    volume: float
    aht_s: float | None
    agents_raw: float
    agents: int
    service_level: float | None


@dataclass(frozen=True)
class IntervalTotal:
    interval_start: dt.datetime
    volume: float
    agents_raw: float
    agents: int


@dataclass(frozen=True)
class StaffingPlan:
    interval_minutes: int
    shrinkage: ShrinkagePlan
    targets: dict[str, Target]
    channels: dict[str, str]
    rows: tuple[StaffingRow, ...]

    def totals(self) -> list[IntervalTotal]:
        by: dict[dt.datetime, list[StaffingRow]] = {}
        for row in self.rows:
            by.setdefault(row.interval_start, []).append(row)
        return [IntervalTotal(ts, sum(r.volume for r in rs), sum(r.agents_raw for r in rs), sum(r.agents for r in rs))
                for ts, rs in sorted(by.items())]

    def queues(self) -> tuple[str, ...]:
        return tuple(sorted({r.queue for r in self.rows}))


def _nan_to_none(value: float) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


def _queue_rows(queue: str, points: list[Point], target: Target, channel: str, interval_s: int,
                shrinkage: float) -> list[StaffingRow]:
    volume = np.array([p.volume for p in points], dtype=float)
    aht = np.array([np.nan if p.aht_s is None else p.aht_s for p in points], dtype=float)
    aht[aht <= 0] = np.nan  # no handle time measured (e.g. Asterisk logs no hold or wrap-up): fill like a gap
    aht = np.where(np.isnan(aht) & (volume > 0), np.nanmean(aht) if np.isfinite(aht).any() else 180.0, aht)
    if channel == "email":
        result = backlog_required_agents(items=volume, interval_s=interval_s, aht_s=np.nan_to_num(aht),
                                         clear_within_s=target.answer_within_s, max_occupancy=target.max_occupancy,
                                         shrinkage=shrinkage)
        raw, agents, sl = result.agents_raw.astype(float), result.agents, np.full(volume.shape, np.nan)
    elif channel in ("chat", "messaging") and target.concurrency > 1:
        chat = chat_required_agents(chats=volume, interval_s=interval_s, handle_s=aht,
                                    answer_within_s=target.answer_within_s, concurrency=target.concurrency,
                                    target_sl=target.target_sl, max_occupancy=target.max_occupancy, shrinkage=shrinkage)
        raw, agents, sl = chat.staffing.agents_raw, chat.staffing.agents, chat.staffing.service_level
    else:
        result = required_agents(calls=volume, interval_s=interval_s, aht_s=aht, answer_within_s=target.answer_within_s,
                                 target_sl=target.target_sl, max_occupancy=target.max_occupancy, shrinkage=shrinkage)
        raw, agents, sl = result.agents_raw, result.agents, result.service_level
    return [StaffingRow(queue, p.interval_start, p.volume, p.aht_s, float(r), int(a), _nan_to_none(s))
            for p, r, a, s in zip(points, raw, agents, sl, strict=True)]


def build_plan(points: list[Point], *, interval_minutes: int, targets: dict[str, Target], channels: dict[str, str],
               shrinkage: ShrinkagePlan) -> StaffingPlan:
    by_queue: dict[str, list[Point]] = {}
    for p in points:
        by_queue.setdefault(p.queue, []).append(p)
    rows: list[StaffingRow] = []
    for queue, queue_points in sorted(by_queue.items()):
        queue_points.sort(key=lambda p: p.interval_start)
        rows += _queue_rows(queue, queue_points, targets[queue], channels.get(queue, "voice"), interval_minutes * 60,
                            shrinkage.total_ratio)
    return StaffingPlan(interval_minutes, shrinkage, targets, channels, tuple(rows))
