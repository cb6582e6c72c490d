"""Reading the audit log (administrators only): who changed what, when, before and after."""

from __future__ import annotations

from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.org.audit import AuditRow
from callboard.store.appdb.engine import AppDb

MAX_ROWS = 5000


class AuditLogService:
    def __init__(self, db: AppDb) -> None:
        self.db = db

    def entries(self, viewer: Viewer, *, entity: str | None = None, limit: int = 200) -> list[AuditRow]:
        """Newest first; `entity` filters (user, settings, goal, scorecard, team, membership, ...)."""
        viewer.require("view_audit")
        with self.db.session() as s:
            return audit.entries(s, entity=entity or None, limit=max(1, min(limit, MAX_ROWS)))

    def entities(self, viewer: Viewer) -> list[str]:
        """The entity kinds present in the log, for the filter."""
        viewer.require("view_audit")
        from sqlalchemy import select

        from callboard.store.appdb.models import AuditEntry

        with self.db.session() as s:
            return sorted(set(s.scalars(select(AuditEntry.entity).distinct())))
