"""Demo quality data: two published forms (Genesys-style points by group; Amazon-style percentages), the voice
form edited once (version 2) so the version history shows, ~4 evaluations per agent of each team's agents over the
last weeks of data by the QA analyst `qa`, short transcripts for the evaluated contacts, disputes (open for the
supervisors, accepted, rejected), acknowledgements, comments and a handful of exemplars.

Idempotent: nothing is added when a demo form already exists. Deterministic (seeded), except that submissions are
stamped relative to the real clock so the featured agents see dispute windows counting down.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import ibis
import pyarrow as pa

from callboard.core.viewer import LOCAL_OWNER
from callboard.quality.service import QualityService
from callboard.records.batch import LoadBatch, input_schema

VOICE_FORM: dict[str, Any] = {
    "name": "Voice quality", "scoring_mode": "points_weighted_by_group", "dispute_window_days": 7,
    "sections": [
        {"id": "opening", "title": "Opening", "weight": 20, "questions": [
            {"id": "greet", "text": "Greeted the customer and gave their name?", "type": "yes_no"},
            {"id": "verify", "text": "Verified the caller's identity?", "type": "yes_no", "critical": True}]},
        {"id": "resolution", "title": "Resolution", "weight": 50, "questions": [
            {"id": "understood", "text": "Understood the need without making the customer repeat it?", "type": "scale",
             "min": 1, "max": 5},
            {"id": "fixed", "text": "Resolved the issue or set a clear next step?", "type": "single", "options": [
                {"id": "resolved", "label": "Resolved", "points": 2}, {"id": "next_step", "label": "Next step set", "points": 1},
                {"id": "neither", "label": "Neither", "points": 0}]},
            {"id": "interruptions", "text": "How many times did the agent interrupt?", "type": "numeric", "min": 0,
             "max": 10, "ranges": [{"min": 0, "max": 0, "points": 10}, {"min": 1, "max": 4, "points": 5},
                                   {"min": 5, "max": 10, "points": 1}]},
            {"id": "offer", "text": "Offered the retention plan?", "type": "yes_no", "na_allowed": True,
             "visible_if": {"op": "and", "predicates": [{"question": "fixed", "answer": "neither"}]}}]},
        {"id": "compliance", "title": "Compliance", "weight": 30, "auto_fail": True, "questions": [
            {"id": "disclosure", "text": "Read the recording disclosure?", "type": "yes_no"},
            {"id": "abusive", "text": "Was the agent rude or abusive?", "type": "yes_no", "fatal": True,
             "options": [{"id": "no", "label": "No", "points": 1}, {"id": "yes", "label": "Yes", "points": 0}]}]},
        {"id": "extra", "title": "Going the extra mile", "bonus": True, "questions": [
            {"id": "wow", "text": "Did something memorable for the customer?", "type": "yes_no", "points": 5}]},
        {"id": "notes", "title": "Notes", "questions": [{"id": "coaching", "text": "Coaching note", "type": "text"}]}]}

DIGITAL_FORM: dict[str, Any] = {
    "name": "Digital care (percentages)", "scoring_mode": "pct_weighted_by_question", "dispute_window_days": 5,
    "sections": [
        {"id": "tone", "title": "Tone", "weight": 40, "questions": [
            {"id": "friendly", "text": "Friendly, on-brand tone?", "type": "yes_no"},
            {"id": "personal", "text": "Personalised (used the name, no canned text)?", "type": "yes_no", "na_allowed": True}]},
        {"id": "answer", "title": "Answer", "weight": 60, "questions": [
            {"id": "complete", "text": "Answered every question in the message?", "type": "yes_no", "critical": True},
            {"id": "steps", "text": "Steps included", "type": "multiple", "options": [
                {"id": "link", "label": "Help link", "points": 1}, {"id": "summary", "label": "Summary", "points": 1},
                {"id": "followup", "label": "Follow-up offer", "points": 1}]}]}]}

EXEMPLARS = [("Calm de-escalation of a billing complaint", "de-escalation, empathy, billing",
              "Listen to how the agent acknowledges the frustration before explaining the charge."),
             ("Clear next steps on a broadband fault", "troubleshooting, next steps",
              "A model summary at the end: what happens next, by when, and how to follow up."),
             ("Retention offer done right", "retention, sales",
              "The offer comes after the need is understood, never before."),
             ("Short, complete chat answer", "chat, concise",
              "Every question in the message answered in one reply with a help link."),
             ("Friendly verification", "verification, compliance", "Identity checked without sounding like an interrogation.")]

TURNS = [("agent", "Thanks for calling, this is {agent}. How can I help today?"),
         ("customer", "Hi, I have a question about my {topic}."),
         ("agent", "Of course. Can I confirm your name and postcode first?"),
         ("customer", "Sure, it's on the account, postcode as usual."),
         ("agent", "Thanks, you're verified. Let me look into the {topic} for you."),
         ("customer", "Great, it's been bothering me for a few days."),
         ("agent", "I can see what happened and I've fixed it. Is there anything else?"),
         ("customer", "No, that's all, thank you!")]


def _answers(rng: random.Random, form: str, skill: float) -> dict[str, Any]:
    yes = lambda p: "yes" if rng.random() < p else "no"  # noqa: E731
    if form == "digital":
        steps = [s for s in ("link", "summary", "followup") if rng.random() < skill]
        return {"friendly": yes(skill + 0.1), "personal": "na" if rng.random() < 0.2 else yes(skill),
                "complete": yes(skill + 0.05), "steps": steps or ["link"]}
    fixed = rng.choices(["resolved", "next_step", "neither"], [skill, 0.6 - skill / 2, 0.4 - skill / 2])[0]
    out: dict[str, Any] = {"greet": yes(skill + 0.1), "verify": yes(skill + 0.15), "understood": str(rng.choice(
        [3, 4, 5] if skill > 0.7 else [2, 3, 4])), "fixed": fixed, "interruptions": rng.choice([0, 0, 1, 2, 5]),
        "disclosure": yes(0.93), "abusive": "yes" if rng.random() < 0.02 else "no", "wow": yes(skill / 4),
        "coaching": rng.choice(["", "Good pace.", "Summarise before closing.", "Watch the interruptions."])}
    if fixed == "neither":
        out["offer"] = yes(0.6)
    return out


def _contacts(runtime: Any, per_agent: int) -> dict[str, list[str]]:
    """The newest contacts each agent handled last (not transferred away), a few per agent."""
    s = runtime.store.table("agent_segments")
    s = s.filter(~s.bot_only & ~s.transferred_out)
    ranked = s.mutate(_rn=ibis.row_number().over(ibis.window(group_by=s.agent_id, order_by=[ibis.desc(s.connected_at),
                                                                                              s.contact_id])))
    rows = ranked.filter(ranked._rn < per_agent * 3).select("agent_id", "contact_id", "_rn").to_pyarrow().to_pylist()
    out: dict[str, list[str]] = {}
    for r in sorted(rows, key=lambda r: (r["agent_id"], r["_rn"])):
        out.setdefault(r["agent_id"], []).append(r["contact_id"])
    return {a: ids[::3][:per_agent] for a, ids in out.items()}  # spread over the last days


def _transcripts(runtime: Any, contact_ids: list[str]) -> None:
    c = runtime.store.table("contacts")
    info = c.filter(c.contact_id.isin(contact_ids)).select("source", "contact_id", "topic", "channel").to_pyarrow().to_pylist()
    seg = runtime.store.table("agent_segments")
    agents = {r["contact_id"]: r["agent_id"] for r in seg.filter(seg.contact_id.isin(contact_ids))
              .select("contact_id", "agent_id").to_pyarrow().to_pylist()}
    by_source: dict[str, list[dict[str, Any]]] = {}
    for row in info:
        for i, (who, text) in enumerate(TURNS):
            by_source.setdefault(row["source"], []).append({
                "source": row["source"], "contact_id": row["contact_id"], "turn_seq": i, "participant": who,
                "agent_id": agents.get(row["contact_id"]) if who == "agent" else None,
                "begin_offset_ms": i * 14000, "end_offset_ms": i * 14000 + 12000, "started_at": None,
                "text": text.format(agent=agents.get(row["contact_id"], "your agent"), topic=row["topic"] or "account"),
                "sentiment": "positive" if i == len(TURNS) - 1 else "neutral", "sentiment_score": None,
                "loudness_score": None})
    for source, rows in by_source.items():
        table = pa.Table.from_pylist(rows, schema=input_schema("transcript_turns"))
        runtime.store.load(LoadBatch(source=source, file="demo-transcripts", file_sha256=None,
                                     tables={"transcript_turns": table}, rows_read=len(rows)))


def seed_demo_quality(runtime: Any) -> int:
    """Seed forms, evaluations (with disputes), transcripts and exemplars; returns evaluations added."""
    if any(f.name == VOICE_FORM["name"] for f in runtime.quality.list_forms(LOCAL_OWNER, include_archived=True)):
        return 0
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None).replace(microsecond=0)
    clock = {"now": now - dt.timedelta(days=12)}
    service = QualityService(runtime.app_db, runtime.store, runtime.kpi, runtime.org, clock=lambda: clock["now"])
    users = runtime.users
    qa = users.viewer("qa")
    voice = service.create_form(qa, VOICE_FORM)
    service.publish_form(qa, voice)
    digital = service.create_form(qa, DIGITAL_FORM)
    service.publish_form(qa, digital)
    logins = {u.agent_id: u.username for u in users.users(LOCAL_OWNER) if u.agent_id}
    supervisors = {t.id: f"sup.{t.id[2:]}" for t in runtime.org.teams(LOCAL_OWNER)}
    teams = {m.agent_id: m.team_id for m in runtime.org.memberships() if m.valid_to is None}
    rng = random.Random(6)
    contacts = _contacts(runtime, per_agent=4)
    agents = sorted(a for a in contacts if a in teams)
    chosen = [a for a in agents if a in logins]
    for team in sorted(set(teams.values())):  # six agents of every team
        chosen += [a for a in agents if teams[a] == team and a not in logins][:6 - sum(teams[c] == team for c in chosen)]
    added, evaluated = 0, []
    for n, agent in enumerate(chosen):
        skill = {"a005": 0.93, "a020": 0.45, "a029": 0.62}.get(agent, 0.55 + 0.4 * rng.random())  # persona
        for k, contact_id in enumerate(contacts[agent]):
            digital_team = teams.get(agent) == "t_digital"
            clock["now"] = now - dt.timedelta(days=11 - (k * 3 + n % 3), hours=rng.randint(0, 8))
            if k == len(contacts[agent]) - 1 and agent in logins:
                clock["now"] = now - dt.timedelta(hours=3 + n)  # the featured agents' newest: window open
            if n == 0 and k == 2:  # version history: the voice form gets version 2 part-way through
                edited = {**VOICE_FORM, "sections": [dict(VOICE_FORM["sections"][0], weight=25), *VOICE_FORM["sections"][1:]]}
                service.save_form(qa, voice, edited)
                service.publish_form(qa, voice)
            eid = service.start_evaluation(qa, contact_id=contact_id, form_id=digital if digital_team else voice)
            service.submit(qa, eid, _answers(rng, "digital" if digital_team else "voice", skill))
            evaluated.append(contact_id)
            added += 1
            if rng.random() < 0.4:
                service.comment(qa, eid, rng.choice(["Nice ownership of the issue.", "Remember the disclosure.",
                                                     "Good verification, keep it friendly."]))
            login = logins.get(agent)
            if login is None or clock["now"] > now - dt.timedelta(days=1):
                continue
            me = users.viewer(login)
            sup = users.viewer(supervisors.get(teams.get(agent, ""), "admin")) if teams.get(agent) in supervisors else users.viewer("admin")
            question = next(iter(service.get_evaluation(qa, eid).answers))
            clock["now"] += dt.timedelta(hours=5)
            if k == 0:
                service.acknowledge(me, eid)
            elif k == 1:
                service.dispute(me, eid, [(question, "I did this: listen at 0:20.")])
                clock["now"] += dt.timedelta(hours=20)
                d = service.get_evaluation(sup, eid).disputes[0]
                accept = n % 2 == 0
                answer = service.get_evaluation(sup, eid).form.form.question(question)
                service.decide(sup, eid, dispute_id=d.id, accept=accept, note="Checked the recording.",
                               new_answer=(answer.options[0].id if answer and answer.options else None) if accept else None)
            elif k == 2:
                service.dispute(me, eid, [(question, "The customer asked me to skip this.")])  # left open
    clock["now"] = now
    _transcripts(runtime, evaluated)
    for i, (title, tags, note) in enumerate(EXEMPLARS):
        service.add_exemplar(qa, contact_id=evaluated[(i * 7) % len(evaluated)], title=title, tags=tags, note=note)
    return added
