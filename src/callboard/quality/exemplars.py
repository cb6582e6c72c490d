"""The exemplar library: contacts marked as examples of a good job, with tags and a note.

Anyone who may view evaluations browses and searches the whole library (it exists so agents can see what good
looks like); marking needs `manage_evaluations` and the contact's agent in scope (the service checks). Audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from callboard.core.errors import InvalidInput, NotFound
from callboard.org import audit
from callboard.store.appdb.quality_models import QaExemplar


@dataclass(frozen=True)
class ExemplarView:
    id: int
    source: str
    contact_id: str
    agent_id: str | None
    channel: str | None
    title: str
    tags: tuple[str, ...]
    note: str
    evaluation_id: int | None
    created_by: str
    created_at: dt.datetime


def parse_tags(text: str | list[str]) -> tuple[str, ...]:
    parts = text if isinstance(text, list) else text.replace(";", ",").split(",")
    return tuple(sorted({p.strip().lower() for p in parts if p.strip()}))


def _view(e: QaExemplar) -> ExemplarView:
    return ExemplarView(e.id, e.source, e.contact_id, e.agent_id, e.channel, e.title,
                        tuple(t for t in e.tags.split(",") if t), e.note, e.evaluation_id, e.created_by, e.created_at)


def add(s: Session, *, actor: str, source: str, contact_id: str, agent_id: str | None, channel: str | None,
        title: str, tags: tuple[str, ...], note: str, evaluation_id: int | None, now: dt.datetime) -> int:
    if not title.strip():
        raise InvalidInput("an exemplar needs a title")
    row = QaExemplar(source=source, contact_id=contact_id, agent_id=agent_id, channel=channel, title=title.strip(),
                     tags=",".join(tags), note=note.strip(), evaluation_id=evaluation_id, created_by=actor,
                     created_at=now, archived=False)
    s.add(row)
    s.flush()
    audit.record(s, actor=actor, action="create", entity="qa_exemplar", entity_id=row.id,
                 after={"contact_id": contact_id, "title": row.title, "tags": list(tags), "note": row.note})
    return row.id


def archive(s: Session, *, actor: str, exemplar_id: int) -> ExemplarView:
    row = s.get(QaExemplar, exemplar_id)
    if row is None or row.archived:
        raise NotFound(f"no exemplar {exemplar_id}")
    row.archived = True
    audit.record(s, actor=actor, action="archive", entity="qa_exemplar", entity_id=exemplar_id,
                 before={"archived": False}, after={"archived": True})
    return _view(row)


def get(s: Session, exemplar_id: int) -> ExemplarView:
    row = s.get(QaExemplar, exemplar_id)
    if row is None or row.archived:
        raise NotFound(f"no exemplar {exemplar_id}")
    return _view(row)


def search(s: Session, *, text: str = "", tag: str = "", channel: str = "") -> list[ExemplarView]:
    """Exemplars whose title, note or tags contain `text` (case-insensitive), with `tag`, on `channel`."""
    q = select(QaExemplar).where(QaExemplar.archived.is_(False)).order_by(QaExemplar.created_at.desc(), QaExemplar.id.desc())
    if text.strip():
        like = f"%{text.strip().lower()}%"
        q = q.where(or_(QaExemplar.title.ilike(like), QaExemplar.note.ilike(like), QaExemplar.tags.ilike(like),
                        QaExemplar.contact_id.ilike(like)))
    if channel:
        q = q.where(QaExemplar.channel == channel)
    rows = [_view(e) for e in s.scalars(q)]
    if tag.strip():
        rows = [r for r in rows if tag.strip().lower() in r.tags]
    return rows


def all_tags(s: Session) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for tags in s.scalars(select(QaExemplar.tags).where(QaExemplar.archived.is_(False))):
        for t in tags.split(","):
            if t:
                counts[t] = counts.get(t, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
