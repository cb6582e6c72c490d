"""`generate_demo`: a whole contact centre's history as canonical LoadBatches, deterministic per seed.

Pipeline: organisation -> weekday shifts that follow demand -> rosters -> arrivals -> per-contact draws
-> ACD simulation -> contacts / queue entries / agent segments (+ repeats, dispositions) -> agent
states -> surveys -> the legacy ACD's interval aggregates. Each step has its own random stream
(seed, step), so changing one step leaves the others' draws alone. The organisation time zone is UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from callboard.core.errors import InvalidInput
from callboard.demo.acd import simulate
from callboard.demo.contacts import build_contact_tables
from callboard.demo.handling import draw_contacts, queue_rules
from callboard.demo.legacy import build_interval_stats
from callboard.demo.org import LEGACY_SOURCE, SOURCE, Org, Queue, build_org
from callboard.demo.roster import build_roster
from callboard.demo.staffing import regular_starts
from callboard.demo.states import build_agent_states
from callboard.demo.surveys import build_surveys
from callboard.demo.traffic import generate_arrivals
from callboard.records.batch import LoadBatch

Progress = Callable[[str], None]
MAX_DAYS = 400


@dataclass(frozen=True)
class DemoData:
    """The generated centre: its organisation and the batches to load (organisation first)."""

    seed: int
    days: int
    scale: float
    start_date: dt.date
    end_date: dt.date
    org: Org
    incident_date: dt.date | None  # the Tech Support outage day, if the period has one
    batches: tuple[LoadBatch, ...]

    def table(self, name: str) -> pa.Table:
        """All rows of one canonical table across the batches."""
        parts = [b.tables[name] for b in self.batches if name in b.tables]
        if not parts:
            raise KeyError(name)
        return pa.concat_tables(parts)

    def row_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for batch in self.batches:
            for name, table in batch.tables.items():
                counts[name] = counts.get(name, 0) + table.num_rows
        return counts


def default_end_date() -> dt.date:
    """Yesterday (UTC), the last complete day."""
    return dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)


def _batch(source: str, file: str, tables: dict[str, pa.Table]) -> LoadBatch:
    batch = LoadBatch(source=source, file=file, file_sha256=None)
    for name, table in tables.items():
        batch.add(name, table)
    batch.rows_read = sum(t.num_rows for t in tables.values())
    return batch


def _org_tables(org: Org) -> dict[str, pa.Table]:
    agents = pa.table(
        {
            "agent_id": [a.agent_id for a in org.agents],
            "display_name": [a.display_name for a in org.agents],
        }
    )
    memberships = pa.table(
        {
            "agent_id": [m.agent_id for m in org.memberships],
            "team_id": [m.team_id for m in org.memberships],
            "valid_from": pa.array([m.valid_from for m in org.memberships], pa.timestamp("us")),
            "valid_to": pa.array([m.valid_to for m in org.memberships], pa.timestamp("us")),
        }
    )
    return {"agents": agents, "queues": queue_table(org.queues), "team_memberships": memberships}


def queue_table(queues: Sequence[Queue]) -> pa.Table:
    """The `queues` dimension rows: each demo queue's display name and channel."""
    return pa.table({"queue_id": [q.queue_id for q in queues], "display_name": [q.name for q in queues],
                     "channel": [q.channel for q in queues]})


def generate_demo(
    *,
    seed: int = 7,
    days: int = 90,
    end_date: dt.date | None = None,
    scale: float = 1.0,
    progress: Progress | None = None,
) -> DemoData:
    """Generate `days` days ending on `end_date` (default yesterday). Same arguments -> identical rows."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"--days {days} is out of range", hint=f"use 1 to {MAX_DAYS} days")
    if not 0.05 <= scale <= 50:
        raise InvalidInput(f"scale {scale} is out of range", hint="use 0.05 to 50 (1 = 40 agents)")
    step = progress or (lambda _msg: None)
    end = end_date or default_end_date()
    start_date = end - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(start_date, dt.time())

    def rng(stream: int) -> np.random.Generator:
        return np.random.default_rng([seed, stream])

    step("organisation and rosters")
    org = build_org(rng(1), start=start, days=days, scale=scale)
    roster = build_roster(rng(2), org, regular_starts(org))
    step("arrivals")
    arrivals = generate_arrivals(rng(3), org, scale)
    draws = draw_contacts(rng(4), org, arrivals.queue)
    step("routing contacts to agents")
    acd = simulate(org, roster, queue_rules(org), arrivals.t_ms, arrivals.queue, draws)
    step("contacts, queue entries and segments")
    contact_tables = build_contact_tables(rng(5), org, arrivals.t_ms, arrivals.queue, draws, acd)
    step("agent states")
    states = build_agent_states(org, roster, acd)
    step("surveys")
    surveys = build_surveys(rng(6), org, contact_tables.facts)
    step("legacy ACD intervals")
    intervals = build_interval_stats(rng(7), org, scale)
    batches = (
        _batch(SOURCE, "demo:organisation", _org_tables(org)),
        _batch(
            SOURCE,
            "demo:contacts",
            {
                "contacts": contact_tables.contacts,
                "queue_entries": contact_tables.queue_entries,
                "agent_segments": contact_tables.agent_segments,
            },
        ),
        _batch(SOURCE, "demo:agent_states", {"agent_states": states}),
        _batch(SOURCE, "demo:surveys", {"survey_responses": surveys}),
        _batch(LEGACY_SOURCE, "demo:legacy_acd_intervals", {"interval_stats": intervals}),
    )
    incident = arrivals.incident_day
    return DemoData(
        seed=seed,
        days=days,
        scale=scale,
        start_date=start_date,
        end_date=end,
        org=org,
        incident_date=None if incident is None else start_date + dt.timedelta(days=incident),
        batches=batches,
    )
