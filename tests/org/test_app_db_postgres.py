"""The app database on SQLite and on a real PostgreSQL (a throwaway cluster, tests/postgres_fixture.py).

Each test runs twice through the parametrized `app_db_url` fixture: migrations to head, users with
sign-in and lockout, the audit log, effective-dated team memberships and appraisal comments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from callboard.appraisal.comments import CommentBook
from callboard.appraisal.period import parse_period
from callboard.core.errors import Forbidden
from callboard.core.viewer import LOCAL_OWNER
from callboard.org import audit
from callboard.org.org import MembershipInfo, OrgService
from callboard.org.users import MAX_FAILED_LOGINS, UserService
from callboard.store.appdb.engine import AppDb, alembic_config, open_app_db
from callboard.store.appdb.models import Base
from callboard.store.duckdb_store import DuckDBStore
from tests.postgres_fixture import fresh_pg_database, pg_url  # noqa: F401 - the session fixture

PASSWORD = "long-enough-password"


@pytest.fixture(params=["sqlite", "postgresql"])
def app_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    with fresh_pg_database(request.getfixturevalue("pg_url")) as url:
        yield url


@pytest.fixture()
def db(app_db_url: str) -> Iterator[AppDb]:
    app_db = open_app_db(app_db_url)
    try:
        yield app_db
    finally:
        app_db.close()


def test_migrations_reach_head_and_go_back_down(app_db_url: str) -> None:
    db = open_app_db(app_db_url)
    try:
        # each area (quality, calibration, schedules, forecasts) owns a branch: every head is applied
        heads = set(ScriptDirectory.from_config(alembic_config(app_db_url)).get_heads())
        assert len(heads) >= 1
        with db.engine.connect() as conn:
            assert set(conn.execute(text("select version_num from alembic_version")).scalars()) == heads
        assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
        db.migrate()  # idempotent
        config = alembic_config(app_db_url)
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert not set(Base.metadata.tables) & set(inspect(db.engine).get_table_names())
        db.migrate()
        assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
    finally:
        db.close()


def test_users_sign_in_and_lockout(db: AppDb) -> None:
    users = UserService(db)
    users.create_user(LOCAL_OWNER, username="dana", password=PASSWORD, role="supervisor", display_name="Dana")
    signed = users.sign_in("dana", PASSWORD)
    assert signed.viewer.role == "supervisor"
    found = users.session_viewer(signed.token)
    assert found is not None and found[0].username == "dana" and found[1] == signed.csrf_token
    users.sign_out(signed.token)
    assert users.session_viewer(signed.token) is None
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(Forbidden):
            users.sign_in("dana", "wrong-password")
    with pytest.raises(Forbidden) as locked:
        users.sign_in("dana", PASSWORD)  # the right password, but the account is locked now
    assert "locked" in locked.value.message
    with db.session() as s:
        assert [(e.actor, e.action) for e in audit.entries(s, entity="user")][:2] == [("dana", "lock"),
                                                                                     ("local-cli", "create")]


def test_audit_keeps_before_and_after(db: AppDb) -> None:
    with db.session() as s:
        audit.record(s, actor="ann", action="update", entity="settings", entity_id=7,
                     before={"sl_threshold_s": 20, "note": "Zürich"}, after={"sl_threshold_s": 30, "note": None})
    with db.session() as s:
        (entry,) = audit.entries(s, entity="settings")
    assert (entry.actor, entry.action, entry.entity_id) == ("ann", "update", "7")
    assert entry.before == {"sl_threshold_s": 20, "note": "Zürich"} and entry.after == {"sl_threshold_s": 30,
                                                                                        "note": None}


def test_effective_dated_memberships(db: AppDb, tmp_path: Path) -> None:
    store = DuckDBStore(tmp_path / "analytics.duckdb")
    try:
        org = OrgService(db, store)
        org.add_site(LOCAL_OWNER, site_id="s1", name="North")
        org.add_team(LOCAL_OWNER, team_id="care", name="Care", site_id="s1")
        org.add_team(LOCAL_OWNER, team_id="tech", name="Tech", site_id="s1")
        jan, mar = dt.datetime(2026, 1, 1), dt.datetime(2026, 3, 1)
        org.add_memberships(LOCAL_OWNER, [MembershipInfo("a1", "care", jan, None)])
        org.move_agent(LOCAL_OWNER, agent_id="a1", team_id="tech", valid_from=mar)
        assert org.memberships() == [MembershipInfo("a1", "care", jan, mar), MembershipInfo("a1", "tech", mar, None)]
        mirrored = store.to_pyarrow(store.table("team_memberships")).to_pylist()
        assert sorted((r["team_id"], r["valid_to"]) for r in mirrored) == [("care", mar), ("tech", None)]
    finally:
        store.close()


def test_appraisal_comments(db: AppDb, tmp_path: Path) -> None:
    users = UserService(db)
    store = DuckDBStore(tmp_path / "analytics.duckdb")
    try:
        org = OrgService(db, store)
        org.add_site(LOCAL_OWNER, site_id="s1", name="North")
        org.add_team(LOCAL_OWNER, team_id="care", name="Care", site_id="s1")
        org.add_memberships(LOCAL_OWNER, [MembershipInfo("a1", "care", dt.datetime(2026, 1, 1), None)])
        users.create_user(LOCAL_OWNER, username="sup", password=PASSWORD, role="supervisor", display_name="Sam Sup")
        users.create_user(LOCAL_OWNER, username="a1", password=PASSWORD, role="agent", agent_id="a1")
        org.set_supervisor(LOCAL_OWNER, username="sup", team_id="care")
    finally:
        store.close()
    book = CommentBook(db)
    added = book.add(users.viewer("sup"), agent_id="a1", period=parse_period("2026-10"), text="Steady month.")
    shown = book.for_period(users.viewer("a1"), agent_id="a1", period=parse_period("2026-Q4"))
    assert [(c.id, c.author, c.period_label, c.text) for c in shown] == [(added.id, "Sam Sup", "2026-10",
                                                                          "Steady month.")]
    assert book.for_period(users.viewer("a1"), agent_id="a1", period=parse_period("2026-11")) == ()
    with pytest.raises(Forbidden):
        book.add(users.viewer("a1"), agent_id="a1", period=parse_period("2026-10"), text="me")
    with db.session() as s:
        assert audit.entries(s, entity="appraisal_comment")[0].after == {"agent_id": "a1", "period": "2026-10",
                                                                         "text": "Steady month."}
