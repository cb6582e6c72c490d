"""Open the app database (SQLite file by default, PostgreSQL by URL) and bring it to the latest schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DatabaseError

from callboard.core.errors import unreadable_store
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")  # the CLI and the server may share the file
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()


class AppDb:
    """Engine + session factory. `session()` commits on success and rolls back on any error."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url, future=True)
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Apply every Alembic migration not applied yet (idempotent). A database already at every head is
        recognised without loading Alembic (about 0.3 s saved on each CLI command that reads settings)."""
        if self.applied_revisions() == migration_heads():
            return
        from alembic import command

        config = alembic_config(self.url)
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")  # each area owns a branch of migrations

    def applied_revisions(self) -> frozenset[str]:
        """The revisions recorded in `alembic_version` (empty for a new database)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return frozenset()
            return frozenset(r[0] for r in connection.execute(text("SELECT version_num FROM alembic_version")))

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


@cache
def migration_heads() -> frozenset[str]:
    """The newest revision of each migration branch, read from the migration files' `revision` and
    `down_revision` lines (a revision no other file names as its parent)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        body = path.read_text(encoding="utf-8")
        found = _REVISION.search(body)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN.search(body)
        if down is not None:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions - parents)


# What SQLite says when the file it opens is not a readable database, and what that means to a user.
_NOT_A_DATABASE = {"file is not a database": "not an SQLite database file",
                   "database disk image is malformed": "corrupt: SQLite reports the file malformed"}


def open_app_db(url: str) -> AppDb:
    db = AppDb(url)
    try:
        db.migrate()
    except DatabaseError as exc:
        reason = next((why for marker, why in _NOT_A_DATABASE.items() if marker in str(exc.orig)), None)
        db.close()
        if reason is None or not url.startswith("sqlite:///"):
            raise
        raise unreadable_store("app database", url.removeprefix("sqlite:///"), reason) from exc
    return db
