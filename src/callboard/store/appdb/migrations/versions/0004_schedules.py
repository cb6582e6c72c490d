"""schedules: schedules, versions, shifts, activities, adherence exceptions, agent work rules

Revision ID: 0004_schedules
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_schedules"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wfm_schedules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("slot_min", sa.Integer(), nullable=False),
        sa.Column("requirement_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "wfm_schedule_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("solver_status", sa.String(length=20), nullable=False),
        sa.Column("objective", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["schedule_id"], ["wfm_schedules.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("schedule_id", "version"),
    )
    op.create_index("ix_wfm_schedule_versions_schedule_id", "wfm_schedule_versions", ["schedule_id"])
    op.create_table(
        "wfm_shifts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["wfm_schedule_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wfm_shifts_version_id", "wfm_shifts", ["version_id"])
    op.create_index("ix_wfm_shifts_agent_id", "wfm_shifts", ["agent_id"])
    op.create_table(
        "wfm_activities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=40), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("productive", sa.Boolean(), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("adherence_tracked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["shift_id"], ["wfm_shifts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wfm_activities_shift_id", "wfm_activities", ["shift_id"])
    op.create_table(
        "wfm_exceptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.String(length=100), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wfm_exceptions_agent_id", "wfm_exceptions", ["agent_id"])
    op.create_table(
        "wfm_agent_rules",
        sa.Column("agent_id", sa.String(length=100), nullable=False),
        sa.Column("min_week_paid_min", sa.Integer(), nullable=False),
        sa.Column("max_week_paid_min", sa.Integer(), nullable=False),
        sa.Column("max_days", sa.Integer(), nullable=False),
        sa.Column("availability_json", sa.Text(), nullable=False),
        sa.Column("time_off_json", sa.Text(), nullable=False),
        sa.Column("lengths_json", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("agent_id"),
    )


def downgrade() -> None:
    op.drop_table("wfm_agent_rules")
    op.drop_index("ix_wfm_exceptions_agent_id", table_name="wfm_exceptions")
    op.drop_table("wfm_exceptions")
    op.drop_index("ix_wfm_activities_shift_id", table_name="wfm_activities")
    op.drop_table("wfm_activities")
    op.drop_index("ix_wfm_shifts_agent_id", table_name="wfm_shifts")
    op.drop_index("ix_wfm_shifts_version_id", table_name="wfm_shifts")
    op.drop_table("wfm_shifts")
    op.drop_index("ix_wfm_schedule_versions_schedule_id", table_name="wfm_schedule_versions")
    op.drop_table("wfm_schedule_versions")
    op.drop_table("wfm_schedules")
