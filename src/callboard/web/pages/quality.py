"""Quality pages: /quality (home: notifications, evaluations, QA figures, contacts to evaluate),
/quality/evaluate/{contact_id} (transcript and the contact's metrics beside the form), /quality/evaluations/{id}
(score, answers, comments, acknowledge or dispute with the window's countdown, arbiter decisions, revisions).
Forms and exemplars are in quality_forms.py (included here). Rules are QualityService's; this module parses forms
and renders."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.core.errors import CallboardError, InvalidInput
from callboard.core.viewer import Viewer
from callboard.quality.evaluations import EvaluationView
from callboard.quality.forms import NA, Form
from callboard.quality.scoring import score
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.pages.quality_forms import router as forms_router

router = APIRouter(tags=["pages"])
router.include_router(forms_router)
Ctx = Annotated[WebContext, Depends(get_context)]
View = Annotated[Viewer, Depends(allow("view_evaluations"))]
Manage = Annotated[Viewer, Depends(allow("manage_evaluations"))]


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def back(url: str, error: CallboardError | None = None, note: str | None = None) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    if error is not None:
        url += f"{sep}error={quote(str(error))}"
    elif note:
        url += f"{sep}note={quote(note)}"
    return RedirectResponse(url, status_code=303)


def answers_from(form: Form, data: Any) -> dict[str, Any]:
    """Answers from a posted form: field a_<question id> (several for multiple choice); empty means unanswered."""
    out: dict[str, Any] = {}
    for _, q in form.questions():
        values = [v for v in data.getlist(f"a_{q.id}") if str(v).strip() != ""]
        if not values:
            continue
        if q.type == "multiple":
            out[q.id] = NA if NA in values else [str(v) for v in values]
        elif q.type == "numeric" and values[0] != NA:
            try:
                out[q.id] = float(values[0])
            except ValueError:
                raise InvalidInput(f"question '{q.id}': '{values[0]}' is not a number") from None
        else:
            out[q.id] = str(values[0])
    return out


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


@router.get("/quality", response_class=HTMLResponse)
def quality_home(request: Request, ctx: Ctx, viewer: View) -> Response:
    q = ctx.runtime.quality
    evaluations = q.list_evaluations(viewer, limit=200)
    summary = q.summary(viewer, by="all")
    by_agent = q.summary(viewer, by="agent") if viewer.role != "agent" else []
    rates = sorted((r for r in q.fail_rates(viewer, kind="question") if r.applicable),
                   key=lambda r: -(r.fail_rate or 0))[:8]
    to_evaluate = []
    if viewer.can("manage_evaluations"):
        with ctx.engine():
            to_evaluate = q.recent_contacts(viewer, limit=12)
    total = summary[0] if summary else None
    open_disputes = sum(1 for e in evaluations if e.state == "disputed")
    context = {"nav": "quality", "evaluations": evaluations[:60], "total": total, "by_agent": by_agent,
               "rates": rates, "to_evaluate": to_evaluate, "open_disputes": open_disputes, "pct": _pct,
               "notifications": q.notifications(viewer, limit=8), "forms": q.list_forms(viewer),
               "now": now_utc(), "error": request.query_params.get("error")}
    return ctx.templates.TemplateResponse(request, "quality_home.html", context)


@router.post("/quality/notifications/read")
async def read_notifications(request: Request, ctx: Ctx, viewer: View) -> Response:
    ctx.runtime.quality.mark_read(viewer)
    return back("/quality")


def own_draft(ctx: WebContext, viewer: Viewer, contact_id: str, form_id: int | None) -> EvaluationView | None:
    """The viewer's newest open draft (not calibration) of this contact, on this form when one is named: a new
    evaluation of the contact continues it instead of starting a second draft."""
    drafts = [e for e in ctx.runtime.quality.list_evaluations(viewer, state="draft")
              if e.contact.contact_id == contact_id and e.evaluator == viewer.username
              and (form_id is None or e.form.form_id == form_id)]
    return max(drafts, key=lambda e: e.id) if drafts else None


def render_evaluate(request: Request, ctx: WebContext, viewer: Viewer, contact_id: str, *, form_id: int | None,
                    draft: EvaluationView | None, answers: dict[str, Any] | None = None, error: str | None = None,
                    missing: tuple[str, ...] = (), status_code: int = 200) -> HTMLResponse:
    q = ctx.runtime.quality
    with ctx.engine():
        contact = q.contact(viewer, contact_id)
    forms = [f for f in q.list_forms(viewer) if f.published]
    version = draft.form if draft else next((f.published for f in forms if f.id == form_id), None) or (
        forms[0].published if forms else None)
    context = {"nav": "quality", "contact": contact, "forms": forms, "version": version,
               "form": version.form if version else None, "draft": draft,
               "answers": answers if answers is not None else (draft.answers if draft else {}),
               "error": error or request.query_params.get("error"), "missing": set(missing)}
    return ctx.templates.TemplateResponse(request, "quality_evaluate.html", context, status_code=status_code)


@router.get("/quality/evaluate/{contact_id}", response_class=HTMLResponse)
def evaluate_page(request: Request, ctx: Ctx, viewer: Manage, contact_id: str, form_id: int | None = None,
                  evaluation_id: int | None = None) -> Response:
    q = ctx.runtime.quality
    draft = q.get_evaluation(viewer, evaluation_id) if evaluation_id else own_draft(ctx, viewer, contact_id, form_id)
    return render_evaluate(request, ctx, viewer, contact_id, form_id=form_id, draft=draft)


def unanswered(form: Form, answers: dict[str, Any]) -> tuple[str, ...]:
    """The visible scored questions a submit would refuse as unanswered (the scoring rule's own list)."""
    return tuple(score(form, answers).missing)


@router.post("/quality/evaluate/{contact_id}")
async def evaluate_post(request: Request, ctx: Ctx, viewer: Manage, contact_id: str) -> Response:
    data = await request.form()
    q = ctx.runtime.quality
    here = f"/quality/evaluate/{quote(contact_id)}"
    submitting = data.get("action") == "submit"
    calibration = bool(data.get("is_calibration"))
    try:
        form_id = int(str(data.get("form_id") or 0))
        eid_text = str(data.get("evaluation_id") or "")
        with ctx.engine():
            if eid_text:
                eid = int(eid_text)
                draft = q.get_evaluation(viewer, eid)
                version = draft.form
            else:
                version = next(f.published for f in q.list_forms(viewer) if f.id == form_id and f.published)
                draft = None if calibration else own_draft(ctx, viewer, contact_id, form_id)
            answers = answers_from(version.form, data)
            missing = unanswered(version.form, answers) if submitting else ()
            if draft is not None:
                eid = draft.id
                q.save_answers(viewer, eid, answers)
            elif missing:  # a submit that cannot succeed creates no draft: the answers stay on the page
                pass
            else:
                eid = q.start_evaluation(viewer, contact_id=contact_id, form_id=form_id, answers=answers,
                                         is_calibration=calibration)
            if missing:
                texts = {question.id: question.text for _, question in version.form.questions()}
                shown = "; ".join(texts.get(m, m) for m in missing)
                return render_evaluate(request, ctx, viewer, contact_id, form_id=form_id, draft=draft,
                                       answers=answers, missing=missing, status_code=422,
                                       error=f"Answer every question before submitting (N/A where the form allows "
                                             f"it). Unanswered: {shown}")
            if submitting:
                q.submit(viewer, eid)
    except StopIteration:
        return back(here, InvalidInput("pick a published form"))
    except CallboardError as exc:
        target = f"{here}?evaluation_id={eid}" if "eid" in locals() else f"{here}?form_id={data.get('form_id', '')}"
        return back(target, exc)
    comment = str(data.get("comment") or "").strip()
    if comment:
        q.comment(viewer, eid, comment)
    return back(f"/quality/evaluations/{eid}")


@router.get("/quality/evaluations/{evaluation_id}", response_class=HTMLResponse)
def evaluation_page(request: Request, ctx: Ctx, viewer: View, evaluation_id: int) -> Response:
    q = ctx.runtime.quality
    ev = q.get_evaluation(viewer, evaluation_id)
    now = now_utc()
    context = {"nav": "quality", "ev": ev, "form": ev.form.form, "result": ev.result(), "pct": _pct,
               "seconds_left": ev.dispute_seconds_left(now), "can_respond": q.can_respond(viewer, ev),
               "can_arbitrate": q.can_arbitrate(viewer, ev), "can_edit": q.can_edit(viewer, ev),
               "can_mark": viewer.can("manage_evaluations"), "error": request.query_params.get("error"),
               "note": request.query_params.get("note")}
    return ctx.templates.TemplateResponse(request, "quality_evaluation.html", context)


@router.post("/quality/evaluations/{evaluation_id}/acknowledge")
async def acknowledge_post(request: Request, ctx: Ctx, viewer: View, evaluation_id: int) -> Response:
    here = f"/quality/evaluations/{evaluation_id}"
    try:
        with ctx.engine():
            ctx.runtime.quality.acknowledge(viewer, evaluation_id)
    except CallboardError as exc:
        return back(here, exc)
    return back(here, note="Acknowledged")


@router.post("/quality/evaluations/{evaluation_id}/dispute")
async def dispute_post(request: Request, ctx: Ctx, viewer: View, evaluation_id: int) -> Response:
    data = await request.form()
    here = f"/quality/evaluations/{evaluation_id}"
    items = [(str(qid), str(data.get(f"reason_{qid}") or "")) for qid in data.getlist("dispute")]
    try:
        with ctx.engine():
            ctx.runtime.quality.dispute(viewer, evaluation_id, items)
    except CallboardError as exc:
        return back(here, exc)
    return back(here, note="Dispute sent")


@router.post("/quality/evaluations/{evaluation_id}/disputes/{dispute_id}")
async def decide_post(request: Request, ctx: Ctx, viewer: View, evaluation_id: int, dispute_id: int) -> Response:
    data = await request.form()
    here = f"/quality/evaluations/{evaluation_id}"
    q = ctx.runtime.quality
    try:
        accept = data.get("decision") == "accept"
        new_answer: Any = None
        if accept:
            ev = q.get_evaluation(viewer, evaluation_id)
            question_id = next(d.question_id for d in ev.disputes if d.id == dispute_id)
            given = answers_from(ev.form.form, _Renamed(data, question_id))
            new_answer = given.get(question_id)
        with ctx.engine():
            q.decide(viewer, evaluation_id, dispute_id=dispute_id, accept=accept, new_answer=new_answer,
                     note=str(data.get("note") or ""))
    except StopIteration:
        return back(here, InvalidInput(f"no dispute {dispute_id}"))
    except CallboardError as exc:
        return back(here, exc)
    return back(here, note="Decision saved")


class _Renamed:
    """The decision form posts the corrected answer as `new_answer`: read it as `a_<question id>`."""

    def __init__(self, data: Any, question_id: str) -> None:
        self.data, self.question_id = data, question_id

    def getlist(self, key: str) -> list[Any]:
        return list(self.data.getlist("new_answer")) if key == f"a_{self.question_id}" else []


@router.post("/quality/evaluations/{evaluation_id}/comment")
async def comment_post(request: Request, ctx: Ctx, viewer: View, evaluation_id: int) -> Response:
    data = await request.form()
    here = f"/quality/evaluations/{evaluation_id}"
    try:
        ctx.runtime.quality.comment(viewer, evaluation_id, str(data.get("text") or ""),
                                    str(data.get("question_id") or "") or None)
    except CallboardError as exc:
        return back(here, exc)
    return back(here + "#comments")
