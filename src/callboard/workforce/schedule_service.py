"""ScheduleService: generate (CP-SAT), import/export, edit (new version), view, agent rules, exceptions,
adherence and real-time adherence. Every method takes the viewer and checks it here:
- view_schedules: agents see only their own shifts and adherence, supervisors their teams' agents
  (Viewer.agent_ids), planners/managers/admins everyone in their scope;
- manage_schedules (planners, admins): generate, import, edit, work rules, approve exceptions.
Every change is audited in the same transaction (callboard.org.audit).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass

import numpy as np
from sqlalchemy import select

from callboard.core.errors import InvalidInput, NotFound
from callboard.core.settings import Settings
from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.org.members_now import agents_in_scope_at
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.schedule_models import AdherenceException, AgentWorkRules, Schedule
from callboard.store.base import AnalyticsStore
from callboard.workforce import schedule_store as db
from callboard.workforce.adherence_report import AdherenceReport, build_report, default_now, realtime_board
from callboard.workforce.realtime import DEFAULT_GRACE_S, AgentNow
from callboard.workforce.schedule_csv import ActivityRow, ShiftRow, check_no_overlap, export_csv, parse_csv
from callboard.workforce.schedule_model import SchedulingProblem, coverage_of
from callboard.workforce.schedule_from_plan import merge_with_history, requirement_from_plan
from callboard.workforce.schedule_requirement import local_to_utc, requirement_from_history
from callboard.workforce.schedule_rules import AgentRules, ShiftRules, standard_breaks
from callboard.workforce.schedule_verify import verify
from callboard.workforce.scheduler import SolverOptions, solve


@dataclass(frozen=True)
class ScheduleInfo:
    id: int
    name: str
    first_day: dt.date
    last_day: dt.date
    version: int
    versions: int
    solver_status: str
    created_by: str


@dataclass(frozen=True)
class ScheduleView:
    info: ScheduleInfo
    version: int
    shifts: tuple[ShiftRow, ...]
    requirement: list[list[float]] | None  # agents per slot per day (planners/managers/admins only)
    coverage: list[list[float]] | None


def default_rules() -> ShiftRules:
    return ShiftRules(lengths_min=(510,), earliest_start_min=7 * 60, latest_start_min=12 * 60 + 30,
                      breaks=standard_breaks())


class ScheduleService:
    def __init__(self, app_db: AppDb, store: AnalyticsStore, settings: Settings, org: object,
                 forecasting: object | None = None) -> None:
        self.db, self.store, self.settings, self.org = app_db, store, settings, org
        self.forecasting = forecasting  # ForecastService: its staffing plan is the default requirement

    def _planned_requirement(self, viewer: Viewer, days: tuple[dt.date, ...]) -> tuple[np.ndarray, str]:
        """Requirement per 30-min slot: the latest forecast's staffing plan where it covers the days, the
        handled workload of past weeks elsewhere (schedule_requirement)."""
        history = requirement_from_history(self.store, days, tz=self.tz)
        forecasting = self.forecasting
        if forecasting is None or not viewer.can("view_forecasts"):
            return history, "history"
        run = forecasting.latest_run(viewer, covering=days[0])  # type: ignore[attr-defined]
        if run is None:
            return history, "history"
        plan = forecasting.staffing(viewer, run.version, from_date=days[0], to_date=days[-1])  # type: ignore[attr-defined]
        totals = [(t.interval_start, t.agents_raw) for t in plan.totals()]
        planned = requirement_from_plan(totals, plan.interval_minutes, days, tz=self.tz)
        return merge_with_history(planned, history), f"forecast v{run.version}"

    @property
    def tz(self) -> str:
        return getattr(self.settings, "time_zone", "UTC") or "UTC"

    # ---- schedules ----
    def _info(self, session: object, s: Schedule) -> ScheduleInfo:
        versions = db.versions_of(session, s.id)  # type: ignore[arg-type]
        last = versions[-1] if versions else None
        return ScheduleInfo(s.id, s.name, s.first_day, s.last_day, last.version if last else 0, len(versions),
                            last.solver_status if last else "", s.created_by)

    def list_schedules(self, viewer: Viewer) -> list[ScheduleInfo]:
        viewer.require("view_schedules")
        with self.db.session() as session:
            rows = session.scalars(select(Schedule).order_by(Schedule.first_day.desc(), Schedule.id.desc()))
            return [self._info(session, s) for s in rows]

    def _schedule(self, session: object, schedule_id: int) -> Schedule:
        s = session.get(Schedule, schedule_id)  # type: ignore[attr-defined]
        if s is None:
            raise NotFound(f"no schedule {schedule_id}", hint="see /api/v1/schedules")
        return s  # type: ignore[no-any-return]

    def _version_id(self, session: object, schedule_id: int, version: int | None) -> tuple[int, int]:
        versions = db.versions_of(session, schedule_id)  # type: ignore[arg-type]
        chosen = versions[-1] if version is None and versions else next((v for v in versions if v.version == version), None)
        if chosen is None:
            raise NotFound(f"schedule {schedule_id} has no version {version}", hint="omit version for the latest")
        return chosen.id, chosen.version

    def view(self, viewer: Viewer, schedule_id: int, version: int | None = None) -> ScheduleView:
        viewer.require("view_schedules")
        with self.db.session() as session:
            s = self._schedule(session, schedule_id)
            vid, number = self._version_id(session, schedule_id, version)
            shifts = db.load_shifts(session, vid, viewer.agent_ids)
            info = self._info(session, s)
            aggregate = viewer.agent_ids is None
            req = json.loads(s.requirement_json) if aggregate else None
            cov = None
            if aggregate:
                cov = self._coverage(shifts, s).tolist()
            return ScheduleView(info, number, tuple(shifts), req, cov)

    def _coverage(self, shifts: list[ShiftRow], s: Schedule) -> np.ndarray:
        days = tuple(s.first_day + dt.timedelta(days=k) for k in range((s.last_day - s.first_day).days + 1))
        from callboard.workforce.schedule_model import PlannedActivity, PlannedShift
        planned = []
        for sh in shifts:
            base = local_to_utc(sh.day, 0, self.tz)
            acts = tuple(PlannedActivity(a.activity, int((a.start_at - base).total_seconds() // 60),
                                         int((a.end_at - base).total_seconds() // 60), a.paid, a.productive)
                         for a in sh.activities)
            planned.append(PlannedShift(sh.agent_id, sh.day, acts[0].start_min if acts else 0,
                                        acts[-1].end_min if acts else 0, acts))
        clipped = [p for p in planned if all(0 <= a.start_min and a.end_min <= 1440 for a in p.activities)]
        return coverage_of(clipped, days, s.slot_min)

    def agent_schedule(self, viewer: Viewer, agent_id: str, first: dt.date, last: dt.date) -> list[ShiftRow]:
        """The agent's shifts on [first, last] from the newest schedule covering each day."""
        viewer.require("view_schedules")
        viewer.require_agent(agent_id)
        return [s for s in self.shifts_between(first, last, frozenset({agent_id}))]

    def shifts_between(self, first: dt.date, last: dt.date, agent_ids: frozenset[str] | None,
                       version_of: object = None) -> list[ShiftRow]:
        """Internal (no viewer): the newest schedule wins each day; `version_of(schedule, day, versions)` may
        pick an older version per day (adherence variants with a recompute window)."""
        out: list[ShiftRow] = []
        taken: set[dt.date] = set()
        with self.db.session() as session:
            for s in db.schedules_covering(session, first, last):
                versions = db.versions_of(session, s.id)
                if not versions:
                    continue
                lo, hi = max(first, s.first_day), min(last, s.last_day)
                days = [lo + dt.timedelta(days=k) for k in range((hi - lo).days + 1) if lo + dt.timedelta(days=k) not in taken]
                by_version: dict[int, list[dt.date]] = {}
                for day in days:
                    chosen = version_of(day, [(v.id, v.created_at) for v in versions]) if version_of else versions[-1].id  # type: ignore[operator]
                    by_version.setdefault(chosen, []).append(day)
                for vid, vdays in by_version.items():
                    wanted = set(vdays)
                    out += [sh for sh in db.load_shifts(session, vid, agent_ids, (min(vdays), max(vdays))) if sh.day in wanted]
                taken.update(days)
        return out

    def _save(self, viewer: Viewer, name: str, days: tuple[dt.date, ...], requirement: np.ndarray,
              shifts: list[ShiftRow], status: str, objective: float | None, note: str, slot_min: int = 30) -> ScheduleInfo:
        now = audit.utc_now()
        with self.db.session() as session:
            s = Schedule(name=name, first_day=min(days), last_day=max(days), slot_min=slot_min,
                         requirement_json=json.dumps(np.round(requirement, 3).tolist()), created_at=now,
                         created_by=viewer.username)
            session.add(s)
            session.flush()
            v = db.add_version(session, s, shifts, actor=viewer.username, note=note, status=status,
                               objective=objective, at=now)
            audit.record(session, actor=viewer.username, action="create", entity="schedule", entity_id=s.id,
                         after={"name": name, "first_day": s.first_day.isoformat(), "last_day": s.last_day.isoformat(),
                                "version": v.version, "shifts": len(shifts), "status": status})
            session.flush()
            return self._info(session, s)

    def generate(self, viewer: Viewer, *, name: str, first_day: dt.date, n_days: int = 7,
                 requirement: np.ndarray | None = None, agent_ids: list[str] | None = None,
                 rules: ShiftRules | None = None, options: SolverOptions | None = None) -> ScheduleInfo:
        """Solve with CP-SAT, verify every hard rule, store version 1. Requirement: agents per 30-min slot
        (days x 48); default: handled workload of past weeks (schedule_requirement)."""
        viewer.require("manage_schedules")
        days = tuple(first_day + dt.timedelta(days=k) for k in range(n_days))
        rules = rules or default_rules()
        basis = "given"
        if requirement is None:
            requirement, basis = self._planned_requirement(viewer, days)
        req = requirement
        agents = self._agent_rules(agent_ids)
        if not agents:
            raise InvalidInput("no agents to schedule", hint="load agents or set work rules first")
        problem = SchedulingProblem(days, np.asarray(req, dtype=float), agents, rules)
        solution = solve(problem, options)
        if solution.status not in ("OPTIMAL", "FEASIBLE"):
            raise InvalidInput(f"no schedule meets the rules ({solution.status})",
                               hint="relax contract hours, availability or time off")
        problems = verify(problem, solution)
        if problems:  # a model bug: never store a schedule that breaks a hard rule
            raise InvalidInput(f"schedule breaks {len(problems)} rule(s): {problems[0]}", hint="report this bug")
        shifts = [ShiftRow(p.agent_id, p.day, local_to_utc(p.day, p.start_min, self.tz), local_to_utc(p.day, p.end_min, self.tz),
                           tuple(ActivityRow(a.activity, local_to_utc(p.day, a.start_min, self.tz),
                                             local_to_utc(p.day, a.end_min, self.tz), a.productive, a.paid,
                                             a.adherence_tracked) for a in p.activities))
                  for p in solution.shifts]
        return self._save(viewer, name, days, problem.requirement, shifts, solution.status, solution.objective,
                          f"CP-SAT {solution.status}, short {solution.short_agent_hours:.1f} agent-h, "
                          f"requirement from {basis}")

    def import_csv(self, viewer: Viewer, name: str, text: str) -> ScheduleInfo:
        viewer.require("manage_schedules")
        shifts = parse_csv(text)
        if not shifts:
            raise InvalidInput("the CSV has no rows", hint="one row per activity")
        days = tuple(sorted({s.day for s in shifts}))
        span = tuple(days[0] + dt.timedelta(days=k) for k in range((days[-1] - days[0]).days + 1))
        return self._save(viewer, name, span, np.zeros((len(span), 48)), shifts, "imported", None, "CSV import")

    def export_csv(self, viewer: Viewer, schedule_id: int, version: int | None = None) -> str:
        return export_csv(list(self.view(viewer, schedule_id, version).shifts))

    def edit_shift(self, viewer: Viewer, schedule_id: int, agent_id: str, day: dt.date,
                   activities: list[ActivityRow], note: str = "") -> ScheduleInfo:
        """Replace one agent-day (no activities = remove the shift): a new version, so adherence recomputes."""
        viewer.require("manage_schedules")
        with self.db.session() as session:
            s = self._schedule(session, schedule_id)
            if not s.first_day <= day <= s.last_day:
                raise InvalidInput(f"{day} is outside schedule {schedule_id}", hint=f"{s.first_day}..{s.last_day}")
            vid, number = self._version_id(session, schedule_id, None)
            shifts = db.load_shifts(session, vid)
            before = [asdict(x) for x in shifts if x.agent_id == agent_id and x.day == day]
            kept = [x for x in shifts if not (x.agent_id == agent_id and x.day == day)]
            acts = tuple(sorted(activities, key=lambda a: a.start_at))
            if acts:
                kept.append(ShiftRow(agent_id, day, acts[0].start_at, max(a.end_at for a in acts), acts))
            check_no_overlap(kept)
            v = db.add_version(session, s, kept, actor=viewer.username, note=note or f"edit {agent_id} {day}",
                               status="edited", objective=None, at=audit.utc_now())
            audit.record(session, actor=viewer.username, action="update", entity="schedule_shift",
                         entity_id=f"{schedule_id}:{agent_id}:{day.isoformat()}",
                         before={"version": number, "shifts": json.loads(json.dumps(before, default=str))},
                         after={"version": v.version, "activities": [[a.activity, a.start_at.isoformat(),
                                                                       a.end_at.isoformat()] for a in acts]})
            session.flush()
            return self._info(session, s)

    # ---- work rules and exceptions ----
    def _agent_rules(self, agent_ids: list[str] | None) -> tuple[AgentRules, ...]:
        with self.db.session() as session:
            stored = {r.agent_id: r for r in session.scalars(select(AgentWorkRules))}
        ids = agent_ids or sorted(stored) or sorted(self.store.known_agent_ids())
        out = []
        for agent_id in ids:
            r = stored.get(agent_id)
            if r is None:
                out.append(AgentRules(agent_id, min_week_paid_min=0, max_week_paid_min=40 * 60))
                continue
            avail = {int(k): (int(v[0]), int(v[1])) for k, v in json.loads(r.availability_json).items()}
            lengths = tuple(json.loads(r.lengths_json)) if r.lengths_json else None
            out.append(AgentRules(agent_id, r.min_week_paid_min, r.max_week_paid_min, r.max_days, avail,
                                  frozenset(dt.date.fromisoformat(d) for d in json.loads(r.time_off_json)), lengths))
        return tuple(out)

    def agent_rules(self, viewer: Viewer) -> list[AgentRules]:
        viewer.require("manage_schedules")
        return list(self._agent_rules(None))

    def set_agent_rules(self, viewer: Viewer, rules: AgentRules) -> None:
        viewer.require("manage_schedules")
        if rules.min_week_paid_min > rules.max_week_paid_min:
            raise InvalidInput("minimum hours above maximum", hint="check the contract")
        after = {"min_week_paid_min": rules.min_week_paid_min, "max_week_paid_min": rules.max_week_paid_min,
                 "max_days": rules.max_days, "availability": {str(k): list(v) for k, v in rules.availability.items()},
                 "time_off": sorted(d.isoformat() for d in rules.time_off),
                 "lengths_min": list(rules.lengths_min) if rules.lengths_min else None}
        with self.db.session() as session:
            row = session.get(AgentWorkRules, rules.agent_id)
            before = None if row is None else {"min_week_paid_min": row.min_week_paid_min,
                                               "max_week_paid_min": row.max_week_paid_min, "max_days": row.max_days,
                                               "availability": json.loads(row.availability_json),
                                               "time_off": json.loads(row.time_off_json)}
            if row is None:
                row = AgentWorkRules(agent_id=rules.agent_id)
                session.add(row)
            row.min_week_paid_min, row.max_week_paid_min, row.max_days = (
                rules.min_week_paid_min, rules.max_week_paid_min, rules.max_days)
            row.availability_json = json.dumps(after["availability"])
            row.time_off_json = json.dumps(after["time_off"])
            row.lengths_json = json.dumps(after["lengths_min"]) if after["lengths_min"] else None
            row.updated_at, row.updated_by = audit.utc_now(), viewer.username
            audit.record(session, actor=viewer.username, action="update" if before else "create",
                         entity="agent_work_rules", entity_id=rules.agent_id, before=before, after=after)

    def add_exception(self, viewer: Viewer, agent_id: str, start: dt.datetime, end: dt.datetime, reason: str) -> int:
        viewer.require("manage_schedules")
        viewer.require_agent(agent_id)
        if end <= start or not reason.strip():
            raise InvalidInput("an exception needs end after start and a reason", hint="e.g. 'fire drill'")
        with self.db.session() as session:
            row = AdherenceException(agent_id=agent_id, start_at=start, end_at=end, reason=reason.strip()[:200],
                                     approved_by=viewer.username, approved_at=audit.utc_now())
            session.add(row)
            session.flush()
            audit.record(session, actor=viewer.username, action="create", entity="adherence_exception",
                         entity_id=row.id, after={"agent_id": agent_id, "start": start.isoformat(),
                                                  "end": end.isoformat(), "reason": row.reason})
            return row.id

    # ---- adherence ----
    def adherence(self, viewer: Viewer, first: dt.date, last: dt.date, variant: str = "adherence.callboard",
                  agent_ids: frozenset[str] | None = None) -> AdherenceReport:
        viewer.require("view_schedules")
        scope = viewer.agent_ids if agent_ids is None else (agent_ids if viewer.agent_ids is None
                                                           else agent_ids & viewer.agent_ids)
        return build_report(self, scope, first, last, variant)

    def realtime(self, viewer: Viewer, now: dt.datetime | None = None, grace_s: float = DEFAULT_GRACE_S,
                 variant: str = "adherence.callboard") -> tuple[dt.datetime, list[AgentNow]]:
        viewer.require("view_schedules")
        at = now or default_now(self)
        # who is in the viewer's teams now: an agent who moved away is the new team's to watch
        return realtime_board(self, agents_in_scope_at(self.store, viewer, at), at, grace_s, variant)
