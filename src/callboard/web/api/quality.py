"""/api/v1/quality: forms (versions, import), evaluations (answers, submit, acknowledge, disputes, decisions,
comments), QA figures, notifications, exemplars, reconcile. Every rule is in QualityService (runtime.quality);
this module parses and renders. Calls that touch the analytics store run under the engine lock."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from callboard.core.viewer import Viewer
from callboard.quality.evaluations import EvaluationView
from callboard.quality.form_store import FormSummary
from callboard.web.api.models import ErrorResponse
from callboard.web.auth import allow, signed_in
from callboard.web.context import WebContext, get_context
from callboard.web.params import parse_day

router = APIRouter(prefix="/api/v1", tags=["quality"])

ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "outside the viewer's evaluations or role"},
    404: {"model": ErrorResponse, "description": "no such form, evaluation, contact or dispute"},
    409: {"model": ErrorResponse, "description": "not allowed in the evaluation's state (or window closed)"},
    422: {"model": ErrorResponse, "description": "invalid form or answers"}}
View = Annotated[Viewer, Depends(allow("view_evaluations"))]
Manage = Annotated[Viewer, Depends(allow("manage_evaluations"))]
Anyone = Annotated[Viewer, Depends(signed_in())]
Ctx = Annotated[WebContext, Depends(get_context)]


class FormIn(BaseModel):
    definition: dict[str, Any] = Field(description="form definition (see docs/quality.md)")


class ImportIn(BaseModel):
    kind: str = Field(description="genesys (Terraform .tf text) or amazon (evaluation form JSON text)")
    text: str


class EvaluationIn(BaseModel):
    contact_id: str
    form_id: int
    agent_id: str | None = Field(None, description="default: the contact's last handling agent")
    answers: dict[str, Any] = Field(default_factory=dict)
    submit: bool = False
    is_calibration: bool = False


class AnswersIn(BaseModel):
    answers: dict[str, Any]


class SubmitIn(BaseModel):
    answers: dict[str, Any] | None = None


class DisputeItem(BaseModel):
    question_id: str
    reason: str


class DisputeIn(BaseModel):
    items: list[DisputeItem]


class DecisionIn(BaseModel):
    accept: bool
    new_answer: Any = None
    note: str = ""


class CommentIn(BaseModel):
    text: str
    question_id: str | None = None


class ExemplarIn(BaseModel):
    contact_id: str
    title: str
    tags: list[str] | str = ""
    note: str = ""
    evaluation_id: int | None = None


class ReadIn(BaseModel):
    ids: list[int] | None = None


def form_json(f: FormSummary) -> dict[str, Any]:
    return dataclasses.asdict(f)


def evaluation_json(ev: EvaluationView, now: dt.datetime | None = None) -> dict[str, Any]:
    out = dataclasses.asdict(ev)
    out["form"] = {"form_id": ev.form.form_id, "version_id": ev.form.id, "version": ev.form.version,
                   "name": ev.form.name, "scoring_mode": ev.form.scoring_mode}
    result = ev.result()
    out["sections"] = [dataclasses.asdict(s) for s in result.sections]
    out["questions"] = [dataclasses.asdict(q) for q in result.questions]
    out["dispute_seconds_left"] = ev.dispute_seconds_left(now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
    return out


# -- forms -----------------------------------------------------------------------------------------
@router.get("/quality/forms", responses=ERRORS, summary="Evaluation forms with their versions")
def list_forms(ctx: Ctx, viewer: View, include_archived: bool = False) -> list[dict[str, Any]]:
    return [form_json(f) for f in ctx.runtime.quality.list_forms(viewer, include_archived=include_archived)]


@router.post("/quality/forms", status_code=201, responses=ERRORS, summary="Create a form (version 1, draft)")
def create_form(ctx: Ctx, viewer: Manage, body: FormIn) -> dict[str, Any]:
    fid = ctx.runtime.quality.create_form(viewer, body.definition)
    return form_json(ctx.runtime.quality.get_form(viewer, fid))


@router.post("/quality/forms/import", status_code=201, responses=ERRORS,
             summary="Import a Genesys Cloud Terraform form or an Amazon Connect form as a draft")
def import_form(ctx: Ctx, viewer: Manage, body: ImportIn) -> dict[str, Any]:
    fid = ctx.runtime.quality.import_form(viewer, kind=body.kind, text=body.text)
    return form_json(ctx.runtime.quality.get_form(viewer, fid))


@router.get("/quality/forms/{form_id}", responses=ERRORS, summary="One form with every version")
def get_form(ctx: Ctx, viewer: View, form_id: int) -> dict[str, Any]:
    return form_json(ctx.runtime.quality.get_form(viewer, form_id))


@router.put("/quality/forms/{form_id}", responses=ERRORS,
            summary="Edit a form: edits the draft, or starts a new version when the latest is published")
def save_form(ctx: Ctx, viewer: Manage, form_id: int, body: FormIn) -> dict[str, Any]:
    ctx.runtime.quality.save_form(viewer, form_id, body.definition)
    return form_json(ctx.runtime.quality.get_form(viewer, form_id))


@router.post("/quality/forms/{form_id}/publish", responses=ERRORS, summary="Publish the draft version")
def publish_form(ctx: Ctx, viewer: Manage, form_id: int) -> dict[str, Any]:
    ctx.runtime.quality.publish_form(viewer, form_id)
    return form_json(ctx.runtime.quality.get_form(viewer, form_id))


# -- evaluations -----------------------------------------------------------------------------------
@router.get("/quality/evaluations", responses=ERRORS, summary="Evaluations the viewer may see")
def list_evaluations(ctx: Ctx, viewer: View, agent_id: str | None = None, state: str | None = None,
                     from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None,
                     include_calibration: bool = False) -> list[dict[str, Any]]:
    evs = ctx.runtime.quality.list_evaluations(viewer, agent_id=agent_id, state=state, from_date=parse_day(from_, "from"),
                                               to_date=parse_day(to, "to"), include_calibration=include_calibration)
    return [evaluation_json(e) for e in evs]


@router.post("/quality/evaluations", status_code=201, responses=ERRORS, summary="Start (and optionally submit) an evaluation")
def create_evaluation(ctx: Ctx, viewer: Manage, body: EvaluationIn) -> dict[str, Any]:
    q = ctx.runtime.quality
    with ctx.engine():
        eid = q.start_evaluation(viewer, contact_id=body.contact_id, form_id=body.form_id, agent_id=body.agent_id,
                                 answers=body.answers, is_calibration=body.is_calibration)
        if body.submit:
            q.submit(viewer, eid)
    return evaluation_json(q.get_evaluation(viewer, eid))


@router.get("/quality/evaluations/{evaluation_id}", responses=ERRORS, summary="One evaluation with comments, disputes, revisions")
def get_evaluation(ctx: Ctx, viewer: View, evaluation_id: int) -> dict[str, Any]:
    return evaluation_json(ctx.runtime.quality.get_evaluation(viewer, evaluation_id))


@router.put("/quality/evaluations/{evaluation_id}", responses=ERRORS, summary="Save a draft's answers")
def save_answers(ctx: Ctx, viewer: Manage, evaluation_id: int, body: AnswersIn) -> dict[str, Any]:
    with ctx.engine():
        ctx.runtime.quality.save_answers(viewer, evaluation_id, body.answers)
    return evaluation_json(ctx.runtime.quality.get_evaluation(viewer, evaluation_id))


@router.post("/quality/evaluations/{evaluation_id}/submit", responses=ERRORS, summary="Submit a draft")
def submit(ctx: Ctx, viewer: Manage, evaluation_id: int, body: SubmitIn | None = None) -> dict[str, Any]:
    with ctx.engine():
        ctx.runtime.quality.submit(viewer, evaluation_id, body.answers if body else None)
    return evaluation_json(ctx.runtime.quality.get_evaluation(viewer, evaluation_id))


@router.post("/quality/evaluations/{evaluation_id}/acknowledge", responses=ERRORS, summary="The agent acknowledges")
def acknowledge(ctx: Ctx, viewer: View, evaluation_id: int) -> dict[str, Any]:
    with ctx.engine():
        ctx.runtime.quality.acknowledge(viewer, evaluation_id)
    return evaluation_json(ctx.runtime.quality.get_evaluation(viewer, evaluation_id))


@router.post("/quality/evaluations/{evaluation_id}/disputes", responses=ERRORS,
             summary="The agent disputes questions, with reasons, inside the dispute window")
def dispute(ctx: Ctx, viewer: View, evaluation_id: int, body: DisputeIn) -> dict[str, Any]:
    with ctx.engine():
        ctx.runtime.quality.dispute(viewer, evaluation_id, [(i.question_id, i.reason) for i in body.items])
    return evaluation_json(ctx.runtime.quality.get_evaluation(viewer, evaluation_id))


@router.post("/quality/evaluations/{evaluation_id}/disputes/{dispute_id}/decision", responses=ERRORS,
             summary="An arbiter accepts (re-scores with the corrected answer) or rejects a disputed question")
def decide(ctx: Ctx, viewer: View, evaluation_id: int, dispute_id: int, body: DecisionIn) -> dict[str, Any]:
    with ctx.engine():
        ctx.runtime.quality.decide(viewer, evaluation_id, dispute_id=dispute_id, accept=body.accept,
                                   new_answer=body.new_answer, note=body.note)
    return evaluation_json(ctx.runtime.quality.get_evaluation(viewer, evaluation_id))


@router.post("/quality/evaluations/{evaluation_id}/comments", status_code=201, responses=ERRORS, summary="Add a comment")
def comment(ctx: Ctx, viewer: View, evaluation_id: int, body: CommentIn) -> dict[str, Any]:
    ctx.runtime.quality.comment(viewer, evaluation_id, body.text, body.question_id)
    return evaluation_json(ctx.runtime.quality.get_evaluation(viewer, evaluation_id))


# -- figures, notifications, exemplars, reconcile -------------------------------------------------------
@router.get("/quality/summary", responses=ERRORS, summary="qa_score, critical_fail_rate per agent/team/queue/evaluator/period")
def summary(ctx: Ctx, viewer: View, by: str = "all", from_: Annotated[str | None, Query(alias="from")] = None,
            to: str | None = None) -> list[dict[str, Any]]:
    rows = ctx.runtime.quality.summary(viewer, by=by, from_date=parse_day(from_, "from"), to_date=parse_day(to, "to"))
    return [dataclasses.asdict(r) for r in rows]


@router.get("/quality/fail-rates", responses=ERRORS, summary="Fail rate per question or section")
def fail_rates(ctx: Ctx, viewer: View, by: str = "all", kind: str = "question",
               from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None) -> list[dict[str, Any]]:
    rows = ctx.runtime.quality.fail_rates(viewer, by=by, kind=kind, from_date=parse_day(from_, "from"),
                                          to_date=parse_day(to, "to"))
    return [{**dataclasses.asdict(r), "fail_rate": r.fail_rate} for r in rows]


@router.get("/quality/notifications", responses=ERRORS, summary="The signed-in user's notifications")
def notifications(ctx: Ctx, viewer: Anyone, unread_only: bool = False) -> list[dict[str, Any]]:
    return [dataclasses.asdict(n) for n in ctx.runtime.quality.notifications(viewer, unread_only=unread_only)]


@router.post("/quality/notifications/read", responses=ERRORS, summary="Mark notifications read (all when ids is null)")
def mark_read(ctx: Ctx, viewer: Anyone, body: ReadIn) -> dict[str, Any]:
    ctx.runtime.quality.mark_read(viewer, body.ids)
    return {"ok": True}


@router.get("/quality/exemplars", responses=ERRORS, summary="Search the exemplar library")
def exemplars(ctx: Ctx, viewer: View, q: str = "", tag: str = "", channel: str = "") -> list[dict[str, Any]]:
    return [dataclasses.asdict(e) for e in ctx.runtime.quality.exemplars(viewer, text=q, tag=tag, channel=channel)]


@router.post("/quality/exemplars", status_code=201, responses=ERRORS, summary="Mark a contact as exemplary")
def add_exemplar(ctx: Ctx, viewer: Manage, body: ExemplarIn) -> dict[str, Any]:
    with ctx.engine():
        xid = ctx.runtime.quality.add_exemplar(viewer, contact_id=body.contact_id, title=body.title, tags=body.tags,
                                               note=body.note, evaluation_id=body.evaluation_id)
    return {"id": xid}


@router.delete("/quality/exemplars/{exemplar_id}", responses=ERRORS, summary="Remove an exemplar from the library")
def archive_exemplar(ctx: Ctx, viewer: Manage, exemplar_id: int) -> dict[str, Any]:
    ctx.runtime.quality.archive_exemplar(viewer, exemplar_id)
    return {"ok": True}


@router.post("/quality/reconcile", responses=ERRORS, summary="Repair the analytics store's QA rows (admins)")
def reconcile(ctx: Ctx, viewer: Manage, check: bool = False) -> dict[str, Any]:
    with ctx.engine():
        report = ctx.runtime.quality.reconcile(viewer, repair=not check)
    return {**dataclasses.asdict(report), "in_sync": report.in_sync}
