"""Demo quality operations: two more QA analysts (qa2, qa3, password 'demo'), two sampling plans drawn for the
last two weeks, evaluations of sampled contacts by evaluators of planted severity (qa2 lenient, qa3 strict)
with a few disputes, and three calibration sessions (two closed a fortnight apart for drift, one open and
still blind). Idempotent: each part is skipped when it already exists.

If no published evaluation form exists yet (the quality seed runs first when present), a demo form is created
and published through QualityService.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from callboard.core.viewer import LOCAL_OWNER
from callboard.quality.sampling import Targeting

DEMO_FORM: dict[str, Any] = {
    "name": "Customer care standard", "scoring_mode": "points_weighted_by_group", "sections": [
        {"id": "opening", "title": "Opening", "weight": 1, "questions": [
            {"id": "greeting", "text": "Greeted and gave their name", "type": "yes_no"},
            {"id": "verified", "text": "Verified the customer's identity", "type": "yes_no", "critical": True}]},
        {"id": "resolution", "title": "Resolution", "weight": 2, "questions": [
            {"id": "understood", "text": "Understood the need", "type": "scale", "min": 1, "max": 5},
            {"id": "resolved", "text": "Resolved or set a clear next step", "type": "yes_no"},
            {"id": "accurate", "text": "Information given was accurate", "type": "yes_no"}]},
        {"id": "manner", "title": "Manner", "weight": 1, "questions": [
            {"id": "empathy", "text": "Showed empathy", "type": "scale", "min": 1, "max": 5},
            {"id": "hold", "text": "Asked before putting on hold", "type": "yes_no", "na_allowed": True}]}]}
SEVERITY = {"qa": 0.0, "qa2": 0.12, "qa3": -0.15, "admin": 0.0}  # shift of each answer's pass probability
EXTRA_QA = ("qa2", "qa3")


def _unit(*parts: object) -> float:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _answers(form: Any, agent: str, evaluator: str, contact: str) -> dict[str, Any]:
    skill = 0.55 + 0.4 * _unit("skill", agent)
    p = min(max(skill + SEVERITY.get(evaluator, 0.0), 0.05), 0.98)
    out: dict[str, Any] = {}
    for _, q in form.questions():
        u = _unit(evaluator, contact, q.id)
        if q.type == "yes_no":
            out[q.id] = "na" if q.na_allowed and u > 0.85 else ("yes" if u < p else "no")
        elif q.type == "scale":
            ids = [o.id for o in q.options]
            out[q.id] = ids[min(len(ids) - 1, int(p * len(ids) + (u - 0.5) * 2))]
    return out


def _ensure_users(runtime: Any) -> None:
    from sqlalchemy import select

    from callboard.store.appdb.models import User, UserSite

    known = {u.username for u in runtime.users.users(LOCAL_OWNER)}
    with runtime.app_db.session() as s:
        qa_sites = list(s.scalars(select(UserSite.site_id).join(User, User.id == UserSite.user_id)
                                  .where(User.username == "qa")))
    for name in EXTRA_QA:
        if name not in known:
            runtime.users.create_user(LOCAL_OWNER, username=name, password="demo", role="qa_analyst",
                                      display_name=f"QA analyst {name[-1]}", allow_short_password=True)
            for site in qa_sites:
                runtime.org.assign_site(LOCAL_OWNER, username=name, site_id=site)


def _form_version(runtime: Any) -> int:
    """The published version id of the demo's own "Customer care standard" form (created on first use): its
    answers are generated for its question types (the quality seed's forms have conditional and free-text
    questions this generator does not fill)."""

    def ours() -> list[int]:
        return [vid for vid, label in runtime.calibration.form_versions(LOCAL_OWNER)
                if label.rsplit(" v", 1)[0] == DEMO_FORM["name"]]

    if not ours():
        runtime.quality.publish_form(LOCAL_OWNER, runtime.quality.create_form(LOCAL_OWNER, DEMO_FORM))
    return int(ours()[0])


def _last_day(runtime: Any) -> dt.date:
    seg = runtime.store.table("agent_segments")
    return runtime.store.execute(seg.connected_at.max()).date()  # type: ignore[no-any-return]


def seed_demo_calibration(runtime: Any) -> dict[str, int]:
    """Seed sampling, evaluations for the reports, disputes and calibration sessions; returns counts added."""
    _ensure_users(runtime)
    version_id = _form_version(runtime)
    form = runtime.calibration.load_form(version_id)
    last = _last_day(runtime)
    added = {"plans": 0, "evaluations": 0, "sessions": 0}
    sampling = runtime.sampling
    if not sampling.plans(LOCAL_OWNER):
        weekly = sampling.create_plan(LOCAL_OWNER, name="Weekly random, 3 per agent", n_per_agent=3, period="week",
                                      stratify_by="channel", evaluators=["qa", "qa2", "qa3"], seed=20261102)
        targeted = sampling.create_plan(LOCAL_OWNER, name="Targeted: low CSAT, repeats, transfers", n_per_agent=1,
                                        period="week", targeting=Targeting(low_csat_max=2, transfers=True, repeats=True),
                                        evaluators=["qa"], seed=77)
        for plan, weeks in ((weekly, (35, 28, 21, 14, 7, 0)), (targeted, (14, 7, 0))):
            for back in weeks:
                sampling.draw(LOCAL_OWNER, plan, last - dt.timedelta(days=back))
        added["plans"] = 2
    # The quality seed's evaluations are all by `qa`: these add qa2 and qa3 (severity needs several evaluators).
    if len({r.evaluator for r in runtime.calibration.ops.source.records()}) < 2:
        added["evaluations"] = _evaluate_samples(runtime, form, version_id, last)
    if not runtime.calibration.sessions(LOCAL_OWNER):
        added["sessions"] = _sessions(runtime, form, version_id, last)
    return added


def _evaluate_samples(runtime: Any, form: Any, version_id: int, last: dt.date) -> int:
    """Evaluate most sampled contacts from before the current week (clock set to the contact's next day)."""
    from callboard.quality.service import QualityService
    from callboard.store.appdb.quality_models import QaFormVersion

    with runtime.app_db.session() as s:
        form_id = s.get(QaFormVersion, version_id).form_id
    now = [dt.datetime.combine(last, dt.time(9))]
    quality = QualityService(runtime.app_db, runtime.store, runtime.kpi, runtime.org, clock=lambda: now[0])
    viewers = {name: runtime.users.viewer(name) for name in ("qa", "qa2", "qa3")}
    cutoff = last - dt.timedelta(days=last.weekday())
    rng = random.Random(6)
    done = 0
    items = [i for i in runtime.sampling.items(LOCAL_OWNER) if i.contact_at.date() < cutoff and i.assigned_to in viewers]
    for item in items[:: -(-len(items) // 160) or 1]:  # at most ~160 evaluations
        start = item.contact_at + dt.timedelta(hours=rng.randint(16, 40))
        now[0] = start
        viewer = viewers[item.assigned_to]  # type: ignore[index]
        evaluation = quality.start_evaluation(viewer, contact_id=item.contact_id, form_id=form_id,
                                              agent_id=item.agent_id)
        now[0] = start + dt.timedelta(minutes=rng.randint(6, 24))
        quality.submit(viewer, evaluation, _answers(form, item.agent_id, item.assigned_to or "", item.contact_id))
        done += 1
        if item.agent_id in ("a005", "a020", "a029"):  # the agents with demo logins dispute; strict qa3 loses most
            _dispute(runtime, quality, now, evaluation, item.agent_id,
                     accept=item.assigned_to == "qa3" or done % 3 == 0)
    return done


def _dispute(runtime: Any, quality: Any, now: list[dt.datetime], evaluation: int, agent: str, accept: bool) -> None:
    now[0] += dt.timedelta(hours=5)
    try:
        quality.dispute(runtime.users.viewer(agent), evaluation, [("resolved", "I gave the customer a clear next step")])
        dispute = quality.get_evaluation(LOCAL_OWNER, evaluation).disputes[0]
        now[0] += dt.timedelta(hours=20)
        quality.decide(runtime.users.viewer("admin"), evaluation, dispute_id=dispute.id, accept=accept,
                       new_answer="yes" if accept else None, note="reviewed the recording")
    except Exception:  # an agent without a demo login, or rules the evaluations module tightened: skip
        return


def _sessions(runtime: Any, form: Any, version_id: int, last: dt.date) -> int:
    cal = runtime.calibration
    qa = runtime.users.viewer("qa")
    items = [i for i in runtime.sampling.items(LOCAL_OWNER) if i.assigned_to == "qa"]
    people = ["qa2", "qa3", "admin"]
    count = 0
    used: set[str] = set()
    for n, (back, close) in enumerate(((28, True), (14, True), (1, False))):
        day = last - dt.timedelta(days=back)
        before = sorted((i for i in items if i.contact_at.date() < day and i.contact_id not in used),
                        key=lambda i: i.contact_at, reverse=True)
        contacts = [i.contact_id for i in before[:5]] or [i.contact_id for i in items if i.contact_id not in used][:5]
        used.update(contacts)
        if len(contacts) < 3:
            break
        sid = cal.create_session(qa, name=f"Calibration {day.strftime('%d %b')}",
                                 form_version_id=version_id, contact_ids=contacts, participants=people,
                                 reference="expert", expert="qa", scheduled_on=day)
        detail = cal.detail(qa, sid)
        scorers = ["qa", *people] if close else ["qa", "qa2"]
        for name in scorers:
            viewer = runtime.users.viewer(name)
            drift = {"qa2": 0.05 * (2 - n), "qa3": -0.05 * n}.get(name, 0.0)  # qa2 calms down, qa3 hardens
            for c in detail.session.contacts:
                answers = _answers(form, c.agent_id, name, c.contact_id if name == "qa" else f"{c.contact_id}{drift}")
                cal.score_contact(viewer, sid, c.id, answers, submit=True)
        if close:
            cal.close_session(qa, sid)
        count += 1
    return count
