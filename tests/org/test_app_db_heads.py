"""Opening the app database skips Alembic when every migration head is applied: the heads read from the
migration files must be Alembic's own, and a database at those heads must be recognised."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from callboard.store.appdb.engine import alembic_config, migration_heads, open_app_db


def test_heads_from_the_files_are_alembics_heads() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert migration_heads() == frozenset(script.get_heads())


def test_a_migrated_database_is_at_every_head_and_reopens_without_change(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    db = open_app_db(url)
    assert db.applied_revisions() == migration_heads()
    db.close()
    again = open_app_db(url)  # the fast path: nothing to upgrade
    assert again.applied_revisions() == migration_heads()
    again.close()
