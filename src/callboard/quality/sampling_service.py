"""SamplingService: sampling plans, reproducible draws per period, assignment and evaluator workload.

Rules: plans and draws need `manage_evaluations` (QA analysts, admins); every change is audited. A draw for a
plan and period keeps what was drawn before and only tops up (late contacts can fill a shortfall, never
replace a drawn contact); a contact sampled by any plan, or already evaluated, is never drawn again. Periods
are calendar days, ISO weeks (Monday) or months in the local time of each agent's site (sampling_zones.py). The draw logic is in sampling.py (pure); candidates come
from the analytics store (sampling_candidates.py); evaluations through evaluation_source.py.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from callboard.core.errors import InvalidInput, NotFound
from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.org.org import OrgService
from callboard.quality.evaluation_source import AppDbSource, EvaluationSource
from callboard.quality.ops_reports import period_start as align
from callboard.quality.sampling import STRATA, Candidate, PlanSpec, Targeting, assign, draw
from callboard.quality.sampling_candidates import load_candidates
from callboard.quality.sampling_zones import MARGIN, UTC, agent_zones, utc_window
from callboard.store.appdb.calibration_models import QaSampleItem, QaSamplingPlan
from callboard.store.appdb.engine import AppDb
from callboard.store.base import AnalyticsStore

PERIODS = ("day", "week", "month")
ENTITY = "qa_sampling_plan"


@dataclass(frozen=True)
class PlanView:
    id: int
    name: str
    n_per_agent: int
    period: str
    stratify_by: str | None
    targeting: Targeting
    team_ids: tuple[str, ...] | None
    channels: tuple[str, ...] | None
    evaluators: tuple[str, ...]
    seed: int
    spread: bool
    form_id: int | None
    active: bool
    created_by: str
    created_at: dt.datetime


@dataclass(frozen=True)
class SampleItemView:
    id: int
    plan_id: int
    period_start: dt.date
    source: str
    contact_id: str
    agent_id: str
    stratum: str
    contact_at: dt.datetime
    channel: str | None
    queue_id: str | None
    reasons: tuple[str, ...]
    assigned_to: str | None
    status: str  # open | done


@dataclass(frozen=True)
class DrawReport:
    plan_id: int
    period_start: dt.date
    period_end: dt.date  # exclusive
    candidates: int
    kept: int
    added: int


@dataclass(frozen=True)
class Workload:
    evaluator: str
    assigned: int
    done: int

    @property
    def open(self) -> int:
        return self.assigned - self.done


def period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    start = align(day, period)
    if period == "day":
        return start, start + dt.timedelta(days=1)
    if period == "week":
        return start, start + dt.timedelta(days=7)
    nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, nxt


def _view(p: QaSamplingPlan) -> PlanView:
    teams = json.loads(p.team_ids_json) if p.team_ids_json else None
    channels = json.loads(p.channels_json) if p.channels_json else None
    return PlanView(p.id, p.name, p.n_per_agent, p.period, p.stratify_by, Targeting(**json.loads(p.filters_json)),
                    tuple(teams) if teams is not None else None, tuple(channels) if channels is not None else None,
                    tuple(json.loads(p.evaluators_json)), p.seed, p.spread, p.form_id, p.active, p.created_by,
                    p.created_at)


def _audit_body(p: PlanView) -> dict[str, Any]:
    body = asdict(p)
    body.pop("created_at")
    return body


class SamplingService:
    def __init__(self, app_db: AppDb, store: AnalyticsStore, org: OrgService, *,
                 evaluations: EvaluationSource | None = None) -> None:
        self.db = app_db
        self.store = store
        self.org = org
        self.evaluations: EvaluationSource = evaluations or AppDbSource(app_db)

    # -- plans -----------------------------------------------------------------------------------
    def plans(self, viewer: Viewer) -> list[PlanView]:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            return [_view(p) for p in s.scalars(select(QaSamplingPlan).order_by(QaSamplingPlan.id))]

    def plan(self, viewer: Viewer, plan_id: int) -> PlanView:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            row = s.get(QaSamplingPlan, plan_id)
            if row is None:
                raise NotFound(f"no sampling plan {plan_id}", hint="see GET /api/v1/sampling/plans")
            return _view(row)

    def create_plan(self, viewer: Viewer, *, name: str, n_per_agent: int, period: str = "week",
                    stratify_by: str | None = None, targeting: Targeting | None = None,
                    team_ids: list[str] | None = None, channels: list[str] | None = None,
                    evaluators: list[str], seed: int | None = None, spread: bool = True,
                    form_id: int | None = None) -> int:
        viewer.require("manage_evaluations")
        if not name.strip():
            raise InvalidInput("a sampling plan needs a name")
        if period not in PERIODS:
            raise InvalidInput(f"unknown period '{period}'", hint=f"periods: {', '.join(PERIODS)}")
        if stratify_by not in STRATA:
            raise InvalidInput(f"unknown stratum '{stratify_by}'", hint="stratify by: channel, queue or none")
        if not evaluators:
            raise InvalidInput("a sampling plan needs at least one evaluator", hint="QA analysts' usernames")
        PlanSpec(n_per_agent, 0, stratify_by)  # validates n
        if team_ids:
            known = {t.id for t in self.org.teams(viewer)}
            unknown = sorted(set(team_ids) - known)
            if unknown:
                raise InvalidInput(f"unknown team(s): {', '.join(unknown)}", hint=f"teams: {', '.join(sorted(known))}")
        now = audit.utc_now()
        with self.db.session() as s:
            row = QaSamplingPlan(
                name=name.strip(), n_per_agent=n_per_agent, period=period, stratify_by=stratify_by,
                filters_json=json.dumps(asdict(targeting or Targeting())),
                team_ids_json=json.dumps(sorted(team_ids)) if team_ids else None,
                channels_json=json.dumps(sorted(channels)) if channels else None,
                evaluators_json=json.dumps(list(dict.fromkeys(evaluators))),
                seed=secrets.randbelow(2**31) if seed is None else int(seed), spread=spread, form_id=form_id,
                active=True, created_at=now, created_by=viewer.username, updated_at=now)
            s.add(row)
            s.flush()
            audit.record(s, actor=viewer.username, action="create", entity=ENTITY, entity_id=row.id,
                         after=_audit_body(_view(row)))
            return row.id

    def update_plan(self, viewer: Viewer, plan_id: int, *, name: str | None = None, n_per_agent: int | None = None,
                    evaluators: list[str] | None = None, active: bool | None = None) -> PlanView:
        """Name, quota, evaluators and active flag may change; the seed, strata and filters never do (they
        define what the stored draws are reproducible from): make a new plan instead."""
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            row = s.get(QaSamplingPlan, plan_id)
            if row is None:
                raise NotFound(f"no sampling plan {plan_id}")
            before = _audit_body(_view(row))
            if name is not None:
                row.name = name.strip() or row.name
            if n_per_agent is not None:
                PlanSpec(n_per_agent, 0)
                row.n_per_agent = n_per_agent
            if evaluators is not None:
                if not evaluators:
                    raise InvalidInput("a sampling plan needs at least one evaluator")
                row.evaluators_json = json.dumps(list(dict.fromkeys(evaluators)))
            if active is not None:
                row.active = active
            row.updated_at = audit.utc_now()
            audit.record(s, actor=viewer.username, action="update", entity=ENTITY, entity_id=plan_id,
                         before=before, after=_audit_body(_view(row)))
            return _view(row)

    # -- draws -----------------------------------------------------------------------------------
    def _plan_agents(self, plan: PlanView, viewer: Viewer, start: dt.date, end: dt.date) -> frozenset[str] | None:
        agents: set[str] | None = None
        if plan.team_ids is not None:
            lo, hi = dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
            agents = {m.agent_id for m in self.org.memberships() if m.team_id in plan.team_ids
                      and m.valid_from < hi and (m.valid_to is None or m.valid_to > lo)}
        if viewer.agent_ids is not None:
            agents = set(viewer.agent_ids) if agents is None else agents & viewer.agent_ids
        return None if agents is None else frozenset(agents)

    def draw(self, viewer: Viewer, plan_id: int, day: dt.date) -> DrawReport:
        """Draw (or top up) the plan's sample for the period holding `day`."""
        plan = self.plan(viewer, plan_id)
        start, end = period_bounds(plan.period, day)  # local days of each agent's site (sampling_zones.py)
        lo, hi = dt.datetime.combine(start, dt.time()) - MARGIN, dt.datetime.combine(end, dt.time()) + MARGIN
        wide = load_candidates(self.store, start=lo, end=hi, agent_ids=self._plan_agents(plan, viewer, start, end),
                               channels=frozenset(plan.channels) if plan.channels else None)
        zones = agent_zones(self.db, self.org.memberships(), start, end)
        windows = {z: utc_window(start, end, z) for z in {*zones.values(), UTC}}
        by_zone: dict[str, list[Candidate]] = {}
        for c in wide:
            z = zones.get(c.agent_id, UTC)
            if windows[z][0] <= c.started_at < windows[z][1]:
                by_zone.setdefault(z, []).append(c)
        candidates = [c for z in sorted(by_zone) for c in by_zone[z]]
        spec = PlanSpec(plan.n_per_agent, plan.seed, plan.stratify_by, plan.targeting, plan.spread)
        evaluated = self.evaluations.evaluated_contacts()
        with self.db.session() as s:
            items = list(s.scalars(select(QaSampleItem)))
            sampled = {(i.source, i.contact_id) for i in items}
            mine = [i for i in items if i.plan_id == plan_id and i.period_start == start]
            already = Counter((i.agent_id, i.stratum) for i in mine)
            picks = [p for z in sorted(by_zone) for p in draw(spec, by_zone[z], start=windows[z][0], end=windows[z][1],
                                                              exclude=sampled | evaluated, already=already)]
            load = Counter(i.assigned_to for i in items if i.assigned_to and (i.source, i.contact_id) not in evaluated)
            pairs = Counter((i.assigned_to, i.agent_id) for i in items if i.assigned_to)
            given = {(a.source, a.contact_id): a.evaluator
                     for a in assign(picks, list(plan.evaluators), load=load, pairs=pairs)}
            now = audit.utc_now()
            for p in picks:
                c = p.candidate
                s.add(QaSampleItem(plan_id=plan_id, period_start=start, source=c.source, contact_id=c.contact_id,
                                   agent_id=c.agent_id, stratum=p.stratum, contact_at=c.started_at, channel=c.channel,
                                   queue_id=c.queue_id, rank=p.rank, reasons=",".join(p.reasons),
                                   assigned_to=given[c.key], status="open", evaluation_id=None, drawn_at=now))
            report = DrawReport(plan_id, start, end, len(candidates), len(mine), len(picks))
            audit.record(s, actor=viewer.username, action="draw", entity=ENTITY, entity_id=plan_id,
                         after={"period_start": start.isoformat(), "added": len(picks), "kept": len(mine),
                                "candidates": len(candidates)})
            return report

    def items(self, viewer: Viewer, *, plan_id: int | None = None, day: dt.date | None = None,
              evaluator: str | None = None) -> list[SampleItemView]:
        viewer.require("manage_evaluations")
        evaluated = self.evaluations.evaluated_contacts()
        with self.db.session() as s:
            query = select(QaSampleItem).order_by(QaSampleItem.agent_id, QaSampleItem.contact_at)
            if plan_id is not None:
                query = query.where(QaSampleItem.plan_id == plan_id)
                if day is not None:
                    period = self.plan(viewer, plan_id).period
                    query = query.where(QaSampleItem.period_start == period_bounds(period, day)[0])
            if evaluator is not None:
                query = query.where(QaSampleItem.assigned_to == evaluator)
            rows = list(s.scalars(query))
        return [SampleItemView(i.id, i.plan_id, i.period_start, i.source, i.contact_id, i.agent_id, i.stratum,
                               i.contact_at, i.channel, i.queue_id, tuple(x for x in i.reasons.split(",") if x),
                               i.assigned_to, "done" if (i.source, i.contact_id) in evaluated else "open")
                for i in rows if viewer.sees_agent(i.agent_id)]

    def periods(self, viewer: Viewer, plan_id: int) -> list[dt.date]:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            return sorted({d for d in s.scalars(select(QaSampleItem.period_start)
                                                .where(QaSampleItem.plan_id == plan_id))}, reverse=True)

    def workload(self, viewer: Viewer, *, plan_id: int | None = None) -> list[Workload]:
        items = self.items(viewer, plan_id=plan_id)
        assigned = Counter(i.assigned_to for i in items if i.assigned_to)
        done = Counter(i.assigned_to for i in items if i.assigned_to and i.status == "done")
        return [Workload(e, assigned[e], done[e]) for e in sorted(assigned)]

    def reassign(self, viewer: Viewer, item_id: int, evaluator: str) -> None:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            row = s.get(QaSampleItem, item_id)
            if row is None or not viewer.sees_agent(row.agent_id):
                raise NotFound(f"no sample item {item_id}")
            before = {"assigned_to": row.assigned_to}
            row.assigned_to = evaluator
            audit.record(s, actor=viewer.username, action="assign", entity="qa_sample_item", entity_id=item_id,
                         before=before, after={"assigned_to": evaluator})
