"""forecasting and staffing plans: forecast runs and values, overrides, special days, shrinkage, targets

Revision ID: 0005_forecast
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_forecast"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("history_from", sa.Date(), nullable=False),
        sa.Column("history_to", sa.Date(), nullable=False),
        sa.Column("horizon_from", sa.Date(), nullable=False),
        sa.Column("horizon_to", sa.Date(), nullable=False),
        sa.Column("backtest_json", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "forecast_values",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.String(length=100), nullable=False),
        sa.Column("interval_start", sa.DateTime(), nullable=False),
        sa.Column("volume", sa.Float(), nullable=False),
        sa.Column("aht_s", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["forecast_runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "queue_id", "interval_start"),
    )
    op.create_index("ix_forecast_values_run_id", "forecast_values", ["run_id"])
    op.create_table(
        "forecast_overrides",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("queue_id", sa.String(length=100), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("volume_factor", sa.Float(), nullable=True),
        sa.Column("aht_s", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_forecast_overrides_queue_id", "forecast_overrides", ["queue_id"])
    op.create_table(
        "forecast_special_days",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("queue_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("volume_factor", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "queue_id"),
    )
    op.create_index("ix_forecast_special_days_day", "forecast_special_days", ["day"])
    op.create_table(
        "shrinkage_plan",
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("fraction_text", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("category"),
    )
    op.create_table(
        "staffing_targets",
        sa.Column("queue_id", sa.String(length=100), nullable=False),
        sa.Column("target_sl_text", sa.String(length=20), nullable=False),
        sa.Column("answer_within_s", sa.Float(), nullable=False),
        sa.Column("max_occupancy_text", sa.String(length=20), nullable=False),
        sa.Column("concurrency", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("queue_id"),
    )


def downgrade() -> None:
    op.drop_table("staffing_targets")
    op.drop_table("shrinkage_plan")
    op.drop_index("ix_forecast_special_days_day", table_name="forecast_special_days")
    op.drop_table("forecast_special_days")
    op.drop_index("ix_forecast_overrides_queue_id", table_name="forecast_overrides")
    op.drop_table("forecast_overrides")
    op.drop_index("ix_forecast_values_run_id", table_name="forecast_values")
    op.drop_table("forecast_values")
    op.drop_table("forecast_runs")
