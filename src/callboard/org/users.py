"""Users: create, sign in with lockout, change password, sessions. Every change is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from callboard.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from callboard.core.viewer import ROLES, Viewer
from callboard.org import audit
from callboard.org.passwords import check_strength, hash_password, verify_password
from callboard.org.scope import viewer_for
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.models import User, WebSession

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(hours=12)
LOGIN_FAILED = "wrong username or password"


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    agent_id: str | None
    site_id: str | None
    active: bool
    locked: bool


@dataclass(frozen=True)
class SignedIn:
    """A new browser session: the cookie token (only its hash is stored) and its CSRF token."""

    token: str
    csrf_token: str
    viewer: Viewer


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _info(user: User, now: dt.datetime) -> UserInfo:
    locked = user.locked_until is not None and user.locked_until > now
    return UserInfo(user.id, user.username, user.display_name, user.role, user.agent_id, user.site_id,
                    user.active, locked)


def _public(user: User) -> dict[str, object]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "agent_id": user.agent_id, "site_id": user.site_id, "active": user.active}


class UserService:
    def __init__(self, db: AppDb) -> None:
        self.db = db

    @staticmethod
    def now() -> dt.datetime:
        return audit.utc_now()

    def create_user(self, viewer: Viewer, *, username: str, password: str, role: str, display_name: str | None = None,
                    agent_id: str | None = None, site_id: str | None = None, allow_short_password: bool = False) -> UserInfo:
        viewer.require("manage_users")
        if role not in ROLES:
            raise InvalidInput(f"unknown role '{role}'", hint=f"roles: {', '.join(ROLES)}")
        if role == "agent" and not agent_id:
            raise InvalidInput("an agent user needs --agent-id (the agent id in the data, e.g. a001)")
        username = username.strip()
        if not username:
            raise InvalidInput("the username is empty")
        check_strength(password, allow_short=allow_short_password)
        now = self.now()
        with self.db.session() as s:
            if s.scalar(select(User).where(User.username == username)) is not None:
                raise Conflict(f"user '{username}' already exists", hint="pick another username")
            user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                        role=role, agent_id=agent_id, site_id=site_id, active=True, failed_logins=0,
                        password_changed_at=now, created_at=now)
            s.add(user)
            s.flush()
            audit.record(s, actor=viewer.username, action="create", entity="user", entity_id=user.id, after=_public(user))
            return _info(user, now)

    def users(self, viewer: Viewer) -> list[UserInfo]:
        viewer.require("manage_users")
        now = self.now()
        with self.db.session() as s:
            return [_info(u, now) for u in s.scalars(select(User).order_by(User.username))]

    def count(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(User)) or 0)

    def sign_in(self, username: str, password: str) -> SignedIn:
        """Check the password; five failures in a row lock the account for 15 minutes (audited)."""
        now = self.now()
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username.strip()))
            if user is None or not user.active:
                verify_password(hash_password("x"), password)  # same work either way: no user enumeration by timing
                raise Forbidden(LOGIN_FAILED)
            if user.locked_until is not None and user.locked_until > now:
                raise Forbidden("this account is locked after repeated failed sign-ins",
                                hint=f"try again after {user.locked_until:%H:%M} UTC or ask an administrator")
            if not verify_password(user.password_hash, password):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.locked_until = now + LOCKOUT
                    user.failed_logins = 0
                    audit.record(s, actor=user.username, action="lock", entity="user", entity_id=user.id,
                                 after={"locked_until": user.locked_until.isoformat()})
                s.commit()
                raise Forbidden(LOGIN_FAILED)
            user.failed_logins = 0
            user.locked_until = None
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            s.add(WebSession(token_sha256=_token_hash(token), user_id=user.id, csrf_token=csrf, created_at=now,
                             expires_at=now + SESSION_LIFETIME))
            s.flush()
            return SignedIn(token=token, csrf_token=csrf, viewer=viewer_for(s, user))

    def session_viewer(self, token: str) -> tuple[Viewer, str] | None:
        """The viewer and CSRF token of a live session, or None (unknown or expired)."""
        now = self.now()
        with self.db.session() as s:
            row = s.get(WebSession, _token_hash(token))
            if row is None or row.expires_at <= now:
                return None
            user = s.get(User, row.user_id)
            if user is None or not user.active:
                return None
            return viewer_for(s, user), row.csrf_token

    def sign_out(self, token: str) -> None:
        with self.db.session() as s:
            s.execute(delete(WebSession).where(WebSession.token_sha256 == _token_hash(token)))

    def change_password(self, viewer: Viewer, *, current: str, new: str) -> None:
        check_strength(new)
        with self.db.session() as s:
            user = s.get(User, viewer.user_id) if viewer.user_id is not None else None
            if user is None:
                raise NotFound("no such user")
            if not verify_password(user.password_hash, current):
                raise Forbidden("the current password is wrong")
            user.password_hash = hash_password(new)
            user.password_changed_at = self.now()
            s.execute(delete(WebSession).where(WebSession.user_id == user.id))  # sign out everywhere
            audit.record(s, actor=viewer.username, action="update", entity="user", entity_id=user.id,
                         before={"password": "(set)"}, after={"password": "(changed)"})

    def viewer(self, username: str) -> Viewer:
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound(f"no user '{username}'")
            return viewer_for(s, user)
