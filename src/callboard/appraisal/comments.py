"""Supervisor comments on an agent's period: added by line managers, printed in the appraisal packet, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from callboard.appraisal.access import require_comment, require_view
from callboard.appraisal.period import AppraisalPeriod, period_of_dates
from callboard.core.errors import InvalidInput
from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.models import SupervisorComment, User

MAX_COMMENT_CHARS = 4000


@dataclass(frozen=True)
class CommentInfo:
    id: int
    agent_id: str
    period_label: str
    period_start: dt.date
    period_end: dt.date
    author: str  # the author's display name
    author_username: str
    text: str
    created_at: dt.datetime


def _check_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("the comment is empty", hint="write what went well and what to work on")
    if len(cleaned) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"the comment has {len(cleaned)} characters; at most {MAX_COMMENT_CHARS} fit",
                           hint="shorten it or split it in two")
    return cleaned


class CommentBook:
    def __init__(self, db: AppDb) -> None:
        self.db = db

    def add(self, viewer: Viewer, *, agent_id: str, period: AppraisalPeriod, text: str) -> CommentInfo:
        """A line manager's comment on `agent_id` for `period`; the audit entry lands in the same transaction."""
        require_comment(viewer, agent_id)
        body = _check_text(text)
        if viewer.user_id is None:
            raise InvalidInput("comments need a signed-in user as author",
                               hint="sign in to the web app (the local CLI has no user)")
        with self.db.session() as s:
            author = s.get(User, viewer.user_id)
            if author is None:
                raise InvalidInput(f"no user with id {viewer.user_id}")
            row = SupervisorComment(agent_id=agent_id, period_start=period.start, period_end=period.end,
                                    author_user_id=author.id, text=body, created_at=audit.utc_now())
            s.add(row)
            s.flush()
            audit.record(s, actor=viewer.username, action="create", entity="appraisal_comment", entity_id=row.id,
                         after={"agent_id": agent_id, "period": period.label, "text": body})
            return _info(row, author)

    def for_period(self, viewer: Viewer, *, agent_id: str, period: AppraisalPeriod) -> tuple[CommentInfo, ...]:
        """Comments on any period overlapping `period` (a month's comments show in its quarter), oldest first."""
        require_view(viewer, agent_id)
        with self.db.session() as s:
            rows = s.execute(
                select(SupervisorComment, User).join(User, SupervisorComment.author_user_id == User.id)
                .where(SupervisorComment.agent_id == agent_id, SupervisorComment.period_start <= period.end,
                       SupervisorComment.period_end >= period.start)
                .order_by(SupervisorComment.created_at, SupervisorComment.id)).all()
            return tuple(_info(comment, user) for comment, user in rows)


def _info(row: SupervisorComment, author: User) -> CommentInfo:
    return CommentInfo(row.id, row.agent_id, period_of_dates(row.period_start, row.period_end), row.period_start,
                       row.period_end, author.display_name, author.username, row.text, row.created_at)
