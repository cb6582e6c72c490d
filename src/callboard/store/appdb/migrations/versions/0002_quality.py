"""quality management: forms, versions, evaluations, revisions, comments, disputes, notifications, exemplars

Revision ID: 0002_quality
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_quality"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qa_forms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "qa_form_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("scoring_mode", sa.String(length=40), nullable=False),
        sa.Column("definition_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["form_id"], ["qa_forms.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("form_id", "version"),
    )
    op.create_index("ix_qa_form_versions_form_id", "qa_form_versions", ["form_id"])
    op.create_table(
        "qa_evaluations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("form_version_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=200), nullable=False),
        sa.Column("agent_id", sa.String(length=100), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=True),
        sa.Column("queue_id", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("contact_at", sa.DateTime(), nullable=False),
        sa.Column("evaluator", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=14), nullable=False),
        sa.Column("is_calibration", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("score_pct", sa.Float(), nullable=True),
        sa.Column("score_before_fail_pct", sa.Float(), nullable=True),
        sa.Column("critical_score_pct", sa.Float(), nullable=True),
        sa.Column("fatal", sa.Boolean(), nullable=False),
        sa.Column("critical_failed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("dispute_deadline", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["form_version_id"], ["qa_form_versions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("form_version_id", "contact_id", "agent_id", "contact_at", "evaluator"):
        op.create_index(f"ix_qa_evaluations_{column}", "qa_evaluations", [column])
    op.create_table(
        "qa_evaluation_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("score_pct", sa.Float(), nullable=True),
        sa.Column("critical_score_pct", sa.Float(), nullable=True),
        sa.Column("fatal", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["qa_evaluations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("evaluation_id", "revision"),
    )
    op.create_index("ix_qa_evaluation_revisions_evaluation_id", "qa_evaluation_revisions", ["evaluation_id"])
    op.create_table(
        "qa_comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["qa_evaluations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_qa_comments_evaluation_id", "qa_comments", ["evaluation_id"])
    op.create_table(
        "qa_disputes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("new_answer_json", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["evaluation_id"], ["qa_evaluations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_qa_disputes_evaluation_id", "qa_disputes", ["evaluation_id"])
    op.create_table(
        "qa_notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_qa_notifications_username", "qa_notifications", ["username"])
    op.create_table(
        "qa_exemplars",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=200), nullable=False),
        sa.Column("agent_id", sa.String(length=100), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tags", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["qa_evaluations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_qa_exemplars_contact_id", "qa_exemplars", ["contact_id"])


def downgrade() -> None:
    for table in ("qa_exemplars", "qa_notifications", "qa_disputes", "qa_comments", "qa_evaluation_revisions",
                  "qa_evaluations", "qa_form_versions", "qa_forms"):
        op.drop_table(table)
