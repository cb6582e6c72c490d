"""GoalService: create, edit, archive and read goals (audited, permission-checked), their progress and
projected attainment, and suggested targets from history. Rules: goals/access.py; projection and status:
goals/progress.py; suggestion: goals/suggest.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from callboard.core.errors import Forbidden, InvalidInput, NotFound
from callboard.core.timeutil import zone
from callboard.core.viewer import Viewer
from callboard.goals import access
from callboard.goals.model import GoalInput, GoalView
from callboard.goals.periods import PeriodBounds, period_bounds
from callboard.goals.progress import GoalProgress, Measurable, measure, member_value
from callboard.goals.resolve import resolve_goal_metric
from callboard.goals.suggest import Suggestion, suggest_from_kpi
from callboard.metrics.org_rules import OrgRules
from callboard.org import audit
from callboard.org.org import OrgService
from callboard.org.settings_service import OrgSettingsService
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.models import Goal, Team, User

ENTITY = "goal"


@dataclass(frozen=True)
class GoalWithProgress:
    goal: GoalView
    progress: GoalProgress


def default_band(unit: str, target: float) -> float:
    return 0.05 if unit == "ratio" else round(abs(target) * 0.10, 6)


class GoalService:
    def __init__(self, db: AppDb, kpi: Any, org: OrgService, settings: OrgSettingsService | None = None) -> None:
        self.db = db
        self.kpi = kpi
        self.org = org
        self.settings = settings or OrgSettingsService(db, getattr(kpi, "catalog", None))

    def today(self) -> dt.date:
        """Today in the organisation's time zone (the KPI service's clock)."""
        return self.kpi.clock().astimezone(zone(self.kpi.settings.time_zone)).date()  # type: ignore[no-any-return]

    def default_as_of(self) -> dt.date:
        """Progress is measured to yesterday by default: the last complete day of data."""
        return self.today() - dt.timedelta(days=1)

    # -- reading ---------------------------------------------------------------------------------
    def _view(self, goal: Goal, owner: str, rules: OrgRules | None = None) -> GoalView:
        """`rules`: the organisation rules in force, read once by callers that build many views."""
        rules = rules if rules is not None else self.kpi.rules()
        resolved = self.kpi.resolve([goal.metric], rules)[0]
        metric = resolved.metric
        return GoalView(goal.id, goal.name, goal.metric, metric.title, metric.unit, goal.target, goal.direction,
                        goal.amber_within, goal.period, goal.starts_on, goal.ends_on, goal.scope_kind, goal.scope_id,
                        goal.collaborative, owner, goal.created_at, goal.updated_at, goal.archived,
                        # the metric as the KPI engine reads it today (per-channel thresholds spelled out)
                        str(self.kpi.resolved_name(resolved, rules)))

    def _all(self, *, include_archived: bool = False) -> list[GoalView]:
        with self.db.session() as s:
            query = select(Goal, User.username).join(User, Goal.owner_user_id == User.id)
            if not include_archived:
                query = query.where(Goal.archived.is_(False))
            rows = s.execute(query.order_by(Goal.starts_on.desc(), Goal.id)).all()
            rules = self.kpi.rules()
            return [self._view(g, owner, rules) for g, owner in rows]

    def list_goals(self, viewer: Viewer, *, from_date: dt.date | None = None, to_date: dt.date | None = None,
             scope_kind: str | None = None, include_archived: bool = False) -> list[GoalView]:
        """The goals the viewer may see whose period overlaps [from_date, to_date]."""
        viewer.require("view_goals")
        return [g for g in self._all(include_archived=include_archived)
                if access.can_view(viewer, g.scope_kind, g.scope_id)
                and (scope_kind is None or g.scope_kind == scope_kind)
                and PeriodBounds(g.starts_on, g.ends_on).overlaps(from_date, to_date)]

    def get(self, viewer: Viewer, goal_id: int) -> GoalView:
        viewer.require("view_goals")
        goal = next((g for g in self._all(include_archived=True) if g.id == goal_id), None)
        if goal is None:
            raise NotFound(f"no goal {goal_id}", hint="see GET /api/v1/goals")
        access.require_view(viewer, goal.scope_kind, goal.scope_id)
        return goal

    # -- progress --------------------------------------------------------------------------------
    @staticmethod
    def _measurable(g: GoalView) -> Measurable:
        return Measurable(g.id, g.metric, g.unit, g.target, g.direction, g.amber_band, g.scope_kind, g.scope_id,
                          PeriodBounds(g.starts_on, g.ends_on))

    def with_progress(self, goals: list[GoalView], as_of: dt.date | None = None) -> list[GoalWithProgress]:
        """Progress of goals the caller already got through `list`/`get` (so already permission-checked)."""
        day = as_of or self.default_as_of()
        found = measure(self.kpi, [self._measurable(g) for g in goals], day)
        return [GoalWithProgress(g, found[g.id]) for g in goals]

    def progress(self, viewer: Viewer, goal_id: int, as_of: dt.date | None = None) -> GoalWithProgress:
        return self.with_progress([self.get(viewer, goal_id)], as_of)[0]

    def goals_for_agent(self, viewer: Viewer, agent_id: str, period: tuple[dt.date, dt.date] | None = None,
                        as_of: dt.date | None = None) -> list[GoalWithProgress]:
        """For the agent page: the agent's own goals and the collaborative goals of every team the agent was
        in during `period` (inclusive dates; default today), each with progress; a collaborative goal also
        carries the agent's own value (`progress.member_value`)."""
        viewer.require("view_goals")
        viewer.require_agent(agent_id)
        day = as_of or self.default_as_of()
        start, end = period or (day, day)
        lo = dt.datetime.combine(start, dt.time())
        hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
        teams = {m.team_id for m in self.org.memberships()
                 if m.agent_id == agent_id and m.valid_from < hi and (m.valid_to is None or m.valid_to > lo)}
        goals = [g for g in self._all() if PeriodBounds(g.starts_on, g.ends_on).overlaps(start, end)
                 and ((g.scope_kind == "agent" and g.scope_id == agent_id)
                      or (g.scope_kind == "team" and g.collaborative and g.scope_id in teams))
                 and access.can_view(viewer, g.scope_kind, g.scope_id)]
        out = []
        for item in self.with_progress(goals, day):
            if item.goal.scope_kind == "team":
                mine = member_value(self.kpi, self._measurable(item.goal), agent_id, day)
                item = GoalWithProgress(item.goal, _with_member(item.progress, mine))
            out.append(item)
        return out

    # -- changes ---------------------------------------------------------------------------------
    def _check_scope_exists(self, kind: str, scope_id: str) -> None:
        if kind == "team":
            with self.db.session() as s:
                if s.get(Team, scope_id) is None:
                    teams = sorted(s.scalars(select(Team.id)))
                    raise NotFound(f"no team '{scope_id}'", hint=f"teams: {', '.join(teams) or 'none yet'}")
        if kind == "agent" and not any(m.agent_id == scope_id for m in self.org.memberships()):
            raise NotFound(f"no agent '{scope_id}' in any team", hint="goals are for agents with a team membership")

    def _owner_id(self, viewer: Viewer, owner: str | None) -> tuple[int, str]:
        if owner is None or owner == viewer.username:
            if viewer.user_id is None:
                raise InvalidInput("give the goal an owner", hint="set owner to a username")
            return viewer.user_id, viewer.username
        if viewer.role != "admin":
            raise Forbidden("only an administrator can give a goal another owner", hint="leave owner empty")
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == owner))
            if user is None:
                raise NotFound(f"no user '{owner}'")
            return user.id, user.username

    def _fields(self, viewer: Viewer, spec: GoalInput) -> dict[str, Any]:
        access.require_manage(viewer, spec.scope_kind, spec.scope_id)
        self._check_scope_exists(spec.scope_kind, spec.scope_id)
        if spec.collaborative and spec.scope_kind != "team":
            raise InvalidInput("only a team goal can be collaborative", hint="set scope_kind to team")
        resolved = resolve_goal_metric(self.kpi, self.settings, spec.metric, spec.scope_kind, spec.scope_id)
        direction = spec.direction or resolved.metric.better
        if direction not in ("higher", "lower"):
            raise InvalidInput(f"{resolved.metric.id} has no better direction", hint="set direction: higher or lower")
        if spec.durations and resolved.metric.unit != "seconds":
            raise InvalidInput(f"{resolved.metric.title} is not a duration, so its {spec.durations[0]} cannot be m:ss",
                               hint="write a number in the metric's unit")
        if resolved.metric.unit == "ratio" and not 0.0 <= spec.target <= 1.0:
            raise InvalidInput(f"target {spec.target:g} is not a ratio", hint="write ratios as 0..1, e.g. 0.8 for 80%")
        bounds = period_bounds(spec.period, spec.starts_on, spec.ends_on)
        band = spec.amber_band if spec.amber_band is not None else default_band(resolved.metric.unit, spec.target)
        owner_id, _ = self._owner_id(viewer, spec.owner)
        return {"name": spec.name, "metric": resolved.resolved_name, "target": spec.target, "direction": direction,
                "amber_within": band, "red_beyond": band, "period": spec.period, "scope_kind": spec.scope_kind,
                "scope_id": spec.scope_id, "collaborative": spec.collaborative, "owner_user_id": owner_id,
                "starts_on": bounds.starts_on, "ends_on": bounds.ends_on}

    def create(self, viewer: Viewer, spec: GoalInput) -> GoalView:
        fields = self._fields(viewer, spec)
        now = audit.utc_now()
        with self.db.session() as s:
            goal = Goal(**fields, created_at=now, updated_at=now, archived=False)
            s.add(goal)
            s.flush()
            view = self._view(goal, s.get(User, goal.owner_user_id).username)  # type: ignore[union-attr]
            audit.record(s, actor=viewer.username, action="create", entity=ENTITY, entity_id=goal.id,
                         after=view.audit_dict())
        return view

    def update(self, viewer: Viewer, goal_id: int, spec: GoalInput) -> GoalView:
        before = self.get(viewer, goal_id)
        access.require_manage(viewer, before.scope_kind, before.scope_id)
        if before.archived:
            raise InvalidInput(f"goal {goal_id} is archived", hint="create a new goal instead")
        fields = self._fields(viewer, spec)
        with self.db.session() as s:
            goal = s.get(Goal, goal_id)
            for key, value in fields.items():
                setattr(goal, key, value)
            goal.updated_at = audit.utc_now()  # type: ignore[union-attr]
            s.flush()
            view = self._view(goal, s.get(User, goal.owner_user_id).username)  # type: ignore[arg-type,union-attr]
            audit.record(s, actor=viewer.username, action="update", entity=ENTITY, entity_id=goal_id,
                         before=before.audit_dict(), after=view.audit_dict())
        return view

    def archive(self, viewer: Viewer, goal_id: int) -> GoalView:
        before = self.get(viewer, goal_id)
        access.require_manage(viewer, before.scope_kind, before.scope_id)
        with self.db.session() as s:
            goal = s.get(Goal, goal_id)
            goal.archived = True  # type: ignore[union-attr]
            goal.updated_at = audit.utc_now()  # type: ignore[union-attr]
            s.flush()
            view = self._view(goal, before.owner)  # type: ignore[arg-type]
            audit.record(s, actor=viewer.username, action="archive", entity=ENTITY, entity_id=goal_id,
                         before=before.audit_dict(), after=view.audit_dict())
        return view

    # -- suggestion ------------------------------------------------------------------------------
    def suggest(self, viewer: Viewer, *, metric: str, scope_kind: str, scope_id: str, starts_on: dt.date | None = None,
                direction: str | None = None) -> Suggestion:
        """A target from the 8 weeks before `starts_on` (see goals/suggest.py), for someone who may set it."""
        access.require_manage(viewer, scope_kind, scope_id)
        resolved = resolve_goal_metric(self.kpi, self.settings, metric, scope_kind, scope_id)
        better = direction or resolved.metric.better
        if better not in ("higher", "lower"):
            raise InvalidInput(f"{resolved.metric.id} has no better direction", hint="give direction=higher or lower")
        start = starts_on or self.today()
        basis_kind, basis_id, label = scope_kind, scope_id, f"{scope_kind} {scope_id}"
        if scope_kind == "agent":
            basis_kind, basis_id = "team", self._team_of(scope_id, start)
            label = f"team {basis_id} (agent {scope_id}'s team)"
        elif scope_kind == "team":
            label = f"team {scope_id}"
        found = suggest_from_kpi(self.kpi, metric=resolved.resolved_name, direction=better, basis_kind=basis_kind,
                                 basis_id=basis_id, starts_on=start, label=label)
        return replace(found, unit=resolved.metric.unit)

    def _team_of(self, agent_id: str, day: dt.date) -> str:
        at = dt.datetime.combine(day, dt.time())
        rows = [m for m in self.org.memberships() if m.agent_id == agent_id]
        if not rows:
            raise NotFound(f"agent {agent_id} is in no team", hint="a suggestion uses the agent's team history")
        current = [m for m in rows if m.valid_from <= at and (m.valid_to is None or at < m.valid_to)]
        return (current or sorted(rows, key=lambda m: m.valid_from))[-1].team_id


def _with_member(p: GoalProgress, value: float | None) -> GoalProgress:
    return GoalProgress(p.goal_id, p.as_of, p.measured_to, p.elapsed_days, p.period_days, p.value, p.projected,
                        p.projection, p.attainment_ratio, p.status, value)
