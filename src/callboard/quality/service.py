"""QualityService: evaluation forms, evaluations with comments and disputes, notifications, the exemplar library,
QA figures and their feed to the analytics store.

Permissions (checked here; the web and CLI only pass the viewer):
- reading needs `view_evaluations`; an agent sees only their own evaluations once submitted (never drafts or
  calibration evaluations); supervisors their teams' agents, managers their site's, QA analysts their assigned
  sites', admins everyone; drafts and calibration evaluations only with `manage_evaluations`;
- forms and evaluating need `manage_evaluations` (QA analysts, admins), the contact's agent in scope; a draft is
  edited and submitted by its evaluator (or an admin);
- acknowledging and disputing: the evaluated agent only; deciding a dispute (arbiter): a supervisor, QA analyst,
  manager or admin with the agent in scope who is not the evaluator;
- the exemplar library is readable by every role that views evaluations; marking needs `manage_evaluations`.
Every change is audited (org/audit.py) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from callboard.core.errors import Forbidden, InvalidInput, NotFound
from callboard.core.viewer import Viewer
from callboard.metrics.service import KpiService
from callboard.org.audit import utc_now
from callboard.org.org import OrgService
from callboard.quality import evaluations as ev_rules
from callboard.quality import exemplars as ex_rules
from callboard.quality import form_store, reports
from callboard.quality.adjusted import AdjustedQa, adjusted_qa
from callboard.quality.contacts import ContactView, RecentContact, load_contact, recent_contacts
from callboard.quality.evaluations import ContactRef, EvaluationView
from callboard.quality.fail_trend import catalog_fail_trend
from callboard.quality.form_store import FormSummary, FormVersionView
from callboard.quality.imports import import_amazon_connect, import_genesys_tf
from callboard.quality.ops_reports import FailTrendRow
from callboard.quality.results import QaResultsStore, ReconcileReport
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.quality_models import QaEvaluation, QaNotification
from callboard.store.base import AnalyticsStore

log = logging.getLogger(__name__)
ARBITER_ROLES = ("supervisor", "qa_analyst", "manager", "admin")


@dataclass(frozen=True)
class AgentQaScore:
    """Duck-compatible with scorecards' QaScore: an agent's mean QA score (0-100) and the evaluations behind it."""

    value: float
    evaluations: int


@dataclass(frozen=True)
class Notification:
    id: int
    text: str
    link: str
    created_at: dt.datetime
    read: bool


class QualityService:
    def __init__(self, app_db: AppDb, store: AnalyticsStore, kpi: KpiService, org: OrgService, *,
                 clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.db = app_db
        self.store = store
        self.kpi = kpi
        self.org = org
        self.clock = clock
        self.results = QaResultsStore(store)

    # -- access ------------------------------------------------------------------------------------
    def can_see(self, viewer: Viewer, ev: EvaluationView) -> bool:
        if not viewer.can("view_evaluations") or not viewer.sees_agent(ev.agent_id):
            return False
        if viewer.role == "agent" and ev.agent_id != viewer.agent_id:
            return False
        if ev.state == "draft" or ev.is_calibration:
            return viewer.can("manage_evaluations")
        return True

    def can_edit(self, viewer: Viewer, ev: EvaluationView) -> bool:
        return (ev.state == "draft" and viewer.can("manage_evaluations") and viewer.sees_agent(ev.agent_id)
                and (ev.evaluator == viewer.username or viewer.role == "admin"))

    def can_respond(self, viewer: Viewer, ev: EvaluationView) -> bool:
        """The evaluated agent may acknowledge or dispute a submitted evaluation."""
        return viewer.role == "agent" and viewer.agent_id == ev.agent_id and not ev.is_calibration

    def can_arbitrate(self, viewer: Viewer, ev: EvaluationView) -> bool:
        return (viewer.role in ARBITER_ROLES and viewer.can("view_evaluations") and viewer.sees_agent(ev.agent_id)
                and viewer.username != ev.evaluator)

    def _require_evaluate(self, viewer: Viewer, agent_id: str) -> None:
        viewer.require("manage_evaluations")
        viewer.require_agent(agent_id)

    # -- forms -------------------------------------------------------------------------------------
    def list_forms(self, viewer: Viewer, *, include_archived: bool = False) -> list[FormSummary]:
        viewer.require("view_evaluations")
        with self.db.session() as s:
            return form_store.list_forms(s, include_archived=include_archived)

    def get_form(self, viewer: Viewer, form_id: int) -> FormSummary:
        viewer.require("view_evaluations")
        with self.db.session() as s:
            found = [f for f in form_store.list_forms(s, include_archived=True) if f.id == form_id]
        if not found:
            raise NotFound(f"no form {form_id}", hint="see /quality/forms")
        return found[0]

    def form_version(self, viewer: Viewer, version_id: int) -> FormVersionView:
        viewer.require("view_evaluations")
        with self.db.session() as s:
            return form_store.get_version(s, version_id)

    def create_form(self, viewer: Viewer, definition: dict[str, Any]) -> int:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            return form_store.create_form(s, viewer.username, definition, self.clock())

    def save_form(self, viewer: Viewer, form_id: int, definition: dict[str, Any]) -> int:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            return form_store.save_form(s, viewer.username, form_id, definition, self.clock())

    def publish_form(self, viewer: Viewer, form_id: int) -> int:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            return form_store.publish_form(s, viewer.username, form_id, self.clock())

    def archive_form(self, viewer: Viewer, form_id: int) -> None:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            form_store.archive_form(s, viewer.username, form_id)

    def import_form(self, viewer: Viewer, *, kind: str, text: str) -> int:
        """Import a Genesys Terraform form (`genesys`) or an Amazon Connect form JSON (`amazon`) as a draft."""
        viewer.require("manage_evaluations")
        if kind == "genesys":
            definition = import_genesys_tf(text)
        elif kind == "amazon":
            definition = import_amazon_connect(text)
        else:
            raise InvalidInput(f"unknown import kind '{kind}'", hint="genesys or amazon")
        return self.create_form(viewer, definition)

    # -- contacts ----------------------------------------------------------------------------------
    def contact(self, viewer: Viewer, contact_id: str) -> ContactView:
        """The contact with its segments, surveys and transcript, if its agents are in the viewer's scope."""
        viewer.require("view_evaluations")
        found = load_contact(self.store, contact_id)
        if not any(viewer.sees_agent(seg.agent_id) for seg in found.segments) or (
                viewer.role == "agent" and found.agent_id != viewer.agent_id):
            raise Forbidden(f"{viewer.username} may not see contact {contact_id}")
        return found

    def recent_contacts(self, viewer: Viewer, *, limit: int = 15) -> list[RecentContact]:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            done = set(s.scalars(select(QaEvaluation.contact_id)))
        return recent_contacts(self.store, viewer.agent_ids, limit=limit, exclude=done)

    def _team_at(self, agent_id: str, at: dt.datetime) -> str | None:
        for m in self.org.memberships():
            if m.agent_id == agent_id and m.valid_from <= at and (m.valid_to is None or at < m.valid_to):
                return m.team_id
        return None

    # -- evaluations -------------------------------------------------------------------------------
    def start_evaluation(self, viewer: Viewer, *, contact_id: str, form_id: int, agent_id: str | None = None,
                         answers: dict[str, Any] | None = None, is_calibration: bool = False) -> int:
        viewer.require("manage_evaluations")
        found = load_contact(self.store, contact_id, with_transcript=False)
        agents = [seg.agent_id for seg in found.segments]
        agent = agent_id or found.agent_id
        if agent is None or agent not in agents:
            raise InvalidInput(f"contact {contact_id} was not handled by {agent_id or 'any agent'}",
                               hint=f"agents on this contact: {', '.join(agents) or 'none'}")
        self._require_evaluate(viewer, agent)
        queue = next((seg.queue_id for seg in reversed(found.segments) if seg.agent_id == agent), None)
        ref = ContactRef(found.source, contact_id, agent, self._team_at(agent, found.arrived_at), queue,
                         found.channel, found.arrived_at)
        with self.db.session() as s:
            version = form_store.published_version(s, form_id)
            return ev_rules.create(s, actor=viewer.username, version=version, contact=ref, answers=answers or {},
                                   is_calibration=is_calibration, now=self.clock())

    def get_evaluation(self, viewer: Viewer, evaluation_id: int) -> EvaluationView:
        with self.db.session() as s:
            ev = ev_rules.view(s, ev_rules.get_row(s, evaluation_id))
        if not self.can_see(viewer, ev):
            raise Forbidden(f"{viewer.username} may not see evaluation {evaluation_id}")
        return ev

    def list_evaluations(self, viewer: Viewer, *, agent_id: str | None = None, state: str | None = None,
                         from_date: dt.date | None = None, to_date: dt.date | None = None,
                         include_calibration: bool = False, limit: int = 500) -> list[EvaluationView]:
        """Evaluations the viewer may see, newest contact first; dates filter the contact's date."""
        viewer.require("view_evaluations")
        q = select(QaEvaluation).order_by(QaEvaluation.contact_at.desc(), QaEvaluation.id.desc())
        if viewer.agent_ids is not None:
            q = q.where(QaEvaluation.agent_id.in_(sorted(viewer.agent_ids)))
        if agent_id:
            q = q.where(QaEvaluation.agent_id == agent_id)
        if state:
            q = q.where(QaEvaluation.state == state)
        if not include_calibration:
            q = q.where(QaEvaluation.is_calibration.is_(False))
        if from_date:
            q = q.where(QaEvaluation.contact_at >= dt.datetime.combine(from_date, dt.time()))
        if to_date:
            q = q.where(QaEvaluation.contact_at < dt.datetime.combine(to_date + dt.timedelta(days=1), dt.time()))
        with self.db.session() as s:
            views = [ev_rules.view(s, row, detail=False) for row in s.scalars(q.limit(limit))]
        return [v for v in views if self.can_see(viewer, v)]

    def _change(self, viewer: Viewer, evaluation_id: int, check: Callable[[EvaluationView], bool], what: str,
                apply: Callable[[Any, QaEvaluation], Any]) -> Any:
        with self.db.session() as s:
            row = ev_rules.get_row(s, evaluation_id)
            current = ev_rules.view(s, row, detail=False)
            if not self.can_see(viewer, current) or not check(current):
                raise Forbidden(f"{viewer.username} may not {what} evaluation {evaluation_id}")
            out = apply(s, row)
        self._sync([evaluation_id])
        return out

    def save_answers(self, viewer: Viewer, evaluation_id: int, answers: dict[str, Any]) -> None:
        self._change(viewer, evaluation_id, lambda e: self.can_edit(viewer, e), "edit", lambda s, row: ev_rules.save_answers(
            s, row, actor=viewer.username, answers=answers, now=self.clock()))

    def submit(self, viewer: Viewer, evaluation_id: int, answers: dict[str, Any] | None = None) -> None:
        def apply(s: Any, row: QaEvaluation) -> None:
            if answers is not None:
                ev_rules.save_answers(s, row, actor=viewer.username, answers=answers, now=self.clock())
            ev_rules.submit(s, row, actor=viewer.username, now=self.clock())
        self._change(viewer, evaluation_id, lambda e: self.can_edit(viewer, e), "submit", apply)

    def acknowledge(self, viewer: Viewer, evaluation_id: int) -> None:
        self._change(viewer, evaluation_id, lambda e: self.can_respond(viewer, e), "acknowledge",
                     lambda s, row: ev_rules.acknowledge(s, row, actor=viewer.username, now=self.clock()))

    def dispute(self, viewer: Viewer, evaluation_id: int, items: list[tuple[str, str]]) -> None:
        self._change(viewer, evaluation_id, lambda e: self.can_respond(viewer, e), "dispute",
                     lambda s, row: ev_rules.dispute(s, row, actor=viewer.username, items=items, now=self.clock()))

    def decide(self, viewer: Viewer, evaluation_id: int, *, dispute_id: int, accept: bool, new_answer: Any = None,
               note: str = "") -> None:
        self._change(viewer, evaluation_id, lambda e: self.can_arbitrate(viewer, e), "decide disputes on",
                     lambda s, row: ev_rules.decide(s, row, actor=viewer.username, dispute_id=dispute_id, accept=accept,
                                                    new_answer=new_answer, note=note, now=self.clock()))

    def comment(self, viewer: Viewer, evaluation_id: int, text: str, question_id: str | None = None) -> int:
        return int(self._change(viewer, evaluation_id, lambda e: True, "comment on",
                                lambda s, row: ev_rules.add_comment(s, row, actor=viewer.username, role=viewer.role,
                                                                    text=text, question_id=question_id, now=self.clock())))

    # -- notifications -----------------------------------------------------------------------------
    def notifications(self, viewer: Viewer, *, unread_only: bool = False, limit: int = 50) -> list[Notification]:
        q = select(QaNotification).where(QaNotification.username == viewer.username)
        if unread_only:
            q = q.where(QaNotification.read_at.is_(None))
        with self.db.session() as s:
            rows = s.scalars(q.order_by(QaNotification.id.desc()).limit(limit)).all()
            return [Notification(n.id, n.text, n.link, n.created_at, n.read_at is not None) for n in rows]

    def mark_read(self, viewer: Viewer, ids: Iterable[int] | None = None) -> None:
        q = update(QaNotification).where(QaNotification.username == viewer.username, QaNotification.read_at.is_(None))
        if ids is not None:
            q = q.where(QaNotification.id.in_(list(ids)))
        with self.db.session() as s:
            s.execute(q.values(read_at=self.clock()))

    # -- exemplars ---------------------------------------------------------------------------------
    def exemplars(self, viewer: Viewer, *, text: str = "", tag: str = "", channel: str = "") -> list[ex_rules.ExemplarView]:
        viewer.require("view_evaluations")
        with self.db.session() as s:
            return ex_rules.search(s, text=text, tag=tag, channel=channel)

    def exemplar_tags(self, viewer: Viewer) -> list[tuple[str, int]]:
        viewer.require("view_evaluations")
        with self.db.session() as s:
            return ex_rules.all_tags(s)

    def add_exemplar(self, viewer: Viewer, *, contact_id: str, title: str, tags: str | list[str], note: str,
                     evaluation_id: int | None = None) -> int:
        viewer.require("manage_evaluations")
        found = load_contact(self.store, contact_id, with_transcript=False)
        if found.agent_id is not None:
            viewer.require_agent(found.agent_id)
        with self.db.session() as s:
            return ex_rules.add(s, actor=viewer.username, source=found.source, contact_id=contact_id,
                                agent_id=found.agent_id, channel=found.channel, title=title,
                                tags=ex_rules.parse_tags(tags), note=note, evaluation_id=evaluation_id, now=self.clock())

    def archive_exemplar(self, viewer: Viewer, exemplar_id: int) -> None:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            ex_rules.archive(s, actor=viewer.username, exemplar_id=exemplar_id)

    # -- figures and the analytics feed ----------------------------------------------------------
    def summary(self, viewer: Viewer, *, by: str = "all", from_date: dt.date | None = None,
                to_date: dt.date | None = None) -> list[reports.QaSummaryRow]:
        if viewer.role == "agent" and by not in ("agent", "all", "day", "week", "month", "form"):
            raise Forbidden("agents see their own QA figures only", hint="group by day, week, month or form")
        return reports.summary(self.list_evaluations(viewer, from_date=from_date, to_date=to_date, limit=100_000), by)

    def fail_rates(self, viewer: Viewer, *, by: str = "all", kind: str = "question", from_date: dt.date | None = None,
                   to_date: dt.date | None = None) -> list[reports.FailRateRow]:
        if viewer.role == "agent" and by not in ("agent", "all", "day", "week", "month", "form"):
            raise Forbidden("agents see their own QA figures only", hint="group by day, week, month or form")
        evs = self.list_evaluations(viewer, from_date=from_date, to_date=to_date, limit=100_000)
        return reports.fail_rates(evs, by, kind=kind)

    def fail_trend(self, viewer: Viewer, *, from_date: dt.date, to_date: dt.date, kind: str = "question",
                   period: str = "week") -> list[FailTrendRow]:
        """The QA operations report's fail-rate trend, from the catalog metrics (quality/fail_trend.py); for
        supervisors, QA analysts, managers and admins, limited to the agents they see."""
        viewer.require("view_evaluations")
        if not viewer.can("view_teams"):
            raise Forbidden("QA operations reports are for supervisors, QA analysts and managers",
                            hint="agents see their own evaluations under Quality")
        return catalog_fail_trend(self.kpi, viewer, from_date=from_date, to_date=to_date,
                                  kind=kind, period=period)  # type: ignore[arg-type]

    def qa_scores_for_agents(self, agent_ids: Iterable[str], start: dt.date, end: dt.date) -> dict[str, AgentQaScore]:
        """Trusted (no viewer): each agent's mean QA score over contacts dated start..end (inclusive), for the
        scorecard's QA slot; the caller (ScorecardService) has already limited the agents to the viewer's scope."""
        wanted = set(agent_ids)
        q = (select(QaEvaluation.agent_id, QaEvaluation.score_pct)
             .where(QaEvaluation.agent_id.in_(sorted(wanted)), QaEvaluation.state != "draft",
                    QaEvaluation.is_calibration.is_(False), QaEvaluation.score_pct.is_not(None),
                    QaEvaluation.contact_at >= dt.datetime.combine(start, dt.time()),
                    QaEvaluation.contact_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time())))
        sums: dict[str, list[float]] = {}
        with self.db.session() as s:
            for agent, value in s.execute(q).all():
                sums.setdefault(agent, []).append(float(value))
        return {a: AgentQaScore(sum(v) / len(v), len(v)) for a, v in sums.items()}

    def adjusted_scores(self, viewer: Viewer, agent_ids: Iterable[str], start: dt.date, end: dt.date
                        ) -> dict[str, AdjustedQa]:
        """Raw and evaluator-adjusted QA scores (quality/adjusted.py) of the agents the viewer may see evaluations
        of (an agent: their own); contacts dated start..end."""
        viewer.require("view_evaluations")
        mine = [a for a in agent_ids if viewer.sees_agent(a) and (viewer.role != "agent" or a == viewer.agent_id)]
        return adjusted_qa(self.db, mine, start, end)

    def _all_views(self) -> list[EvaluationView]:
        with self.db.session() as s:
            return [ev_rules.view(s, row, detail=False) for row in s.scalars(select(QaEvaluation))]

    def _sync(self, evaluation_ids: list[int]) -> None:
        """Write the evaluations' QA rows to the analytics store (idempotent); `reconcile` repairs any miss."""
        try:
            with self.db.session() as s:
                views = [ev_rules.view(s, ev_rules.get_row(s, i), detail=False) for i in evaluation_ids]
            self.results.write(views)
        except Exception:  # noqa: BLE001 - the app database is the source of truth; reconcile repairs
            log.exception("QA results not written to the analytics store; run `callboard reconcile`")

    def reconcile(self, viewer: Viewer, *, repair: bool = True) -> ReconcileReport:
        viewer.require("manage_evaluations")
        if viewer.agent_ids is not None:
            raise Forbidden("reconcile covers every evaluation", hint="run it as an administrator or from the CLI")
        return self.results.reconcile(self._all_views(), repair=repair)
