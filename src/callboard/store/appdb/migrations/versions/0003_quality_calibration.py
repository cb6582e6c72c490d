"""quality sampling plans and calibration sessions

Revision ID: 0003_quality_calibration
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_quality_calibration"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "qa_sampling_plans", _id(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("n_per_agent", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("stratify_by", sa.String(length=10), nullable=True),
        sa.Column("filters_json", sa.Text(), nullable=False),
        sa.Column("team_ids_json", sa.Text(), nullable=True),
        sa.Column("channels_json", sa.Text(), nullable=True),
        sa.Column("evaluators_json", sa.Text(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("spread", sa.Boolean(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "qa_sample_items", _id(),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=200), nullable=False),
        sa.Column("agent_id", sa.String(length=100), nullable=False),
        sa.Column("stratum", sa.String(length=200), nullable=False),
        sa.Column("contact_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("queue_id", sa.String(length=200), nullable=True),
        sa.Column("rank", sa.String(length=64), nullable=False),
        sa.Column("reasons", sa.String(length=200), nullable=False),
        sa.Column("assigned_to", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["qa_sampling_plans.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "contact_id", name="uq_qa_sample_items_contact"),
    )
    with op.batch_alter_table("qa_sample_items") as batch:
        batch.create_index("ix_qa_sample_items_plan_id", ["plan_id"])
        batch.create_index("ix_qa_sample_items_period_start", ["period_start"])
        batch.create_index("ix_qa_sample_items_agent_id", ["agent_id"])
        batch.create_index("ix_qa_sample_items_assigned_to", ["assigned_to"])
    op.create_table(
        "qa_calibration_sessions", _id(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("form_version_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("expert", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "qa_calibration_contacts", _id(),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=200), nullable=False),
        sa.Column("agent_id", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("contact_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["qa_calibration_sessions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "source", "contact_id"),
    )
    with op.batch_alter_table("qa_calibration_contacts") as batch:
        batch.create_index("ix_qa_calibration_contacts_session_id", ["session_id"])
    op.create_table(
        "qa_calibration_participants",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["qa_calibration_sessions.id"]),
        sa.PrimaryKeyConstraint("session_id", "username"),
    )
    op.create_table(
        "qa_calibration_scores", _id(),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("calibration_contact_id", sa.Integer(), nullable=False),
        sa.Column("evaluator", sa.String(length=100), nullable=False),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("score_pct", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["qa_calibration_sessions.id"]),
        sa.ForeignKeyConstraint(["calibration_contact_id"], ["qa_calibration_contacts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("calibration_contact_id", "evaluator"),
    )
    with op.batch_alter_table("qa_calibration_scores") as batch:
        batch.create_index("ix_qa_calibration_scores_session_id", ["session_id"])


def downgrade() -> None:
    with op.batch_alter_table("qa_calibration_scores") as batch:
        batch.drop_index("ix_qa_calibration_scores_session_id")
    op.drop_table("qa_calibration_scores")
    op.drop_table("qa_calibration_participants")
    with op.batch_alter_table("qa_calibration_contacts") as batch:
        batch.drop_index("ix_qa_calibration_contacts_session_id")
    op.drop_table("qa_calibration_contacts")
    op.drop_table("qa_calibration_sessions")
    with op.batch_alter_table("qa_sample_items") as batch:
        for name in ("assigned_to", "agent_id", "period_start", "plan_id"):
            batch.drop_index(f"ix_qa_sample_items_{name}")
    op.drop_table("qa_sample_items")
    op.drop_table("qa_sampling_plans")
