"""Forms and their versions in the app database. A draft version is edited in place; saving a form whose latest
version is published makes a new draft version; publishing makes the draft the version new evaluations use
(the previous published one is retired, and old evaluations keep the version they were scored with)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callboard.core.errors import Conflict, NotFound
from callboard.org import audit
from callboard.quality.forms import Form, parse_form
from callboard.store.appdb.quality_models import QaEvaluation, QaForm, QaFormVersion


@dataclass(frozen=True)
class FormVersionView:
    id: int
    form_id: int
    version: int
    status: str
    scoring_mode: str
    definition: dict[str, Any]
    created_at: dt.datetime
    created_by: str
    published_at: dt.datetime | None

    @property
    def form(self) -> Form:
        return parse_form(self.definition)

    @property
    def name(self) -> str:
        return str(self.definition.get("name", ""))


@dataclass(frozen=True)
class FormSummary:
    id: int
    name: str
    published: FormVersionView | None  # what new evaluations use
    draft: FormVersionView | None  # the version being edited, if any
    versions: tuple[FormVersionView, ...]  # newest first
    evaluations: int


def version_view(v: QaFormVersion) -> FormVersionView:
    return FormVersionView(v.id, v.form_id, v.version, v.status, v.scoring_mode, json.loads(v.definition_json),
                           v.created_at, v.created_by, v.published_at)


def create_form(s: Session, actor: str, definition: dict[str, Any], now: dt.datetime) -> int:
    form = parse_form(definition)  # validate before anything is written
    row = QaForm(name=form.name, archived=False, created_at=now, created_by=actor)
    s.add(row)
    s.flush()
    s.add(QaFormVersion(form_id=row.id, version=1, status="draft", scoring_mode=form.scoring_mode,
                        definition_json=json.dumps(definition, sort_keys=True), created_at=now, created_by=actor))
    audit.record(s, actor=actor, action="create", entity="qa_form", entity_id=row.id,
                 after={"name": form.name, "version": 1, "definition": definition})
    return row.id


def _latest(s: Session, form_id: int) -> QaFormVersion:
    row = s.scalars(select(QaFormVersion).where(QaFormVersion.form_id == form_id)
                    .order_by(QaFormVersion.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"no form {form_id}", hint="see /quality/forms")
    return row


def save_form(s: Session, actor: str, form_id: int, definition: dict[str, Any], now: dt.datetime) -> int:
    """Save an edit; returns the version number written (a new one when the latest was published)."""
    form = parse_form(definition)
    latest = _latest(s, form_id)
    before = json.loads(latest.definition_json)
    text = json.dumps(definition, sort_keys=True)
    if latest.status == "draft":
        latest.definition_json, latest.scoring_mode = text, form.scoring_mode
        version = latest.version
    else:
        version = latest.version + 1
        s.add(QaFormVersion(form_id=form_id, version=version, status="draft", scoring_mode=form.scoring_mode,
                            definition_json=text, created_at=now, created_by=actor))
    row = s.get(QaForm, form_id)
    assert row is not None
    row.name = form.name
    audit.record(s, actor=actor, action="update", entity="qa_form", entity_id=form_id,
                 before={"version": latest.version, "definition": before},
                 after={"version": version, "definition": definition})
    return version


def publish_form(s: Session, actor: str, form_id: int, now: dt.datetime) -> int:
    latest = _latest(s, form_id)
    if latest.status != "draft":
        raise Conflict(f"form {form_id} has no draft to publish (version {latest.version} is {latest.status})",
                       hint="edit the form to start a new version")
    for old in s.scalars(select(QaFormVersion).where(QaFormVersion.form_id == form_id,
                                                     QaFormVersion.status == "published")):
        old.status = "retired"
    latest.status, latest.published_at = "published", now
    audit.record(s, actor=actor, action="publish", entity="qa_form", entity_id=form_id,
                 after={"version": latest.version})
    return latest.version


def archive_form(s: Session, actor: str, form_id: int) -> None:
    row = s.get(QaForm, form_id)
    if row is None:
        raise NotFound(f"no form {form_id}")
    row.archived = True
    audit.record(s, actor=actor, action="archive", entity="qa_form", entity_id=form_id,
                 before={"archived": False}, after={"archived": True})


def get_version(s: Session, version_id: int) -> FormVersionView:
    row = s.get(QaFormVersion, version_id)
    if row is None:
        raise NotFound(f"no form version {version_id}")
    return version_view(row)


def published_version(s: Session, form_id: int) -> FormVersionView:
    row = s.scalars(select(QaFormVersion).where(QaFormVersion.form_id == form_id,
                                                QaFormVersion.status == "published")).first()
    if row is None:
        raise Conflict(f"form {form_id} has no published version", hint="publish the form before evaluating with it")
    return version_view(row)


def list_forms(s: Session, *, include_archived: bool = False) -> list[FormSummary]:
    forms = s.scalars(select(QaForm).order_by(QaForm.name)).all()
    counts = dict(s.execute(select(QaFormVersion.form_id, func.count(QaEvaluation.id))
                            .join(QaEvaluation, QaEvaluation.form_version_id == QaFormVersion.id)
                            .group_by(QaFormVersion.form_id)).all())
    out = []
    for f in forms:
        if f.archived and not include_archived:
            continue
        versions = [version_view(v) for v in s.scalars(select(QaFormVersion).where(QaFormVersion.form_id == f.id)
                                                        .order_by(QaFormVersion.version.desc()))]
        out.append(FormSummary(f.id, f.name, next((v for v in versions if v.status == "published"), None),
                               next((v for v in versions if v.status == "draft"), None), tuple(versions),
                               int(counts.get(f.id, 0))))
    return out
