"""The audit log: every change to users, settings, goals, scorecards (and later evaluations, coaching)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callboard.store.appdb.models import AuditEntry


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: str | int,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    """Add an entry in the caller's transaction, so the change and its audit land together."""
    session.add(AuditEntry(at=utc_now(), actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                           before_json=_dump(before), after_json=_dump(after)))


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def entries(session: Session, *, entity: str | None = None, limit: int = 200) -> list[AuditRow]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    return [
        AuditRow(e.id, e.at, e.actor, e.action, e.entity, e.entity_id,
                 json.loads(e.before_json) if e.before_json else None,
                 json.loads(e.after_json) if e.after_json else None)
        for e in session.scalars(query)
    ]
