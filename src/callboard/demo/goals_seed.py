"""Demo goals: one collaborative goal per team, a few agent goals and two organisation-wide goals, for the
month (and week) holding the demo's last day, so /goals and the agent pages are populated.

Targets come from the suggestion (the team's 75th/25th percentile of the 8 weeks before), nudged for a few
goals so the demo shows green, amber and red. Idempotent: does nothing if any demo goal exists already.
Needs the demo users (seed_demo_accounts) first; call `seed_demo_goals(runtime)` after it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from callboard.core.errors import CallboardError
from callboard.core.viewer import LOCAL_OWNER
from callboard.goals.model import GoalInput
from callboard.metrics.browse import KpiBrowser
from callboard.org.settings_service import OrgSettingsService

# (owner, name, metric, scope kind, scope id, period, collaborative, target nudge: multiply the suggestion)
DEMO_GOALS: tuple[tuple[str, str, str, str, str, str, bool, float], ...] = (
    ("sup.care", "Care answers fast: service level", "service_level", "team", "t_care", "month", True, 1.0),
    ("sup.tech", "Tech fixes it first time", "fcr_rate", "team", "t_tech", "month", True, 1.0),
    ("sup.sales", "Sales customers delighted", "csat_top2_rate", "team", "t_sales", "month", True, 0.95),
    ("sup.digital", "Digital keeps handle time down", "aht_s", "team", "t_digital", "month", True, 1.0),
    ("sup.care", "Elena: handle time", "aht_s", "agent", "a005", "month", False, 1.0),
    ("sup.care", "Care handled this week", "handled", "team", "t_care", "week", False, 1.0),
    ("sup.tech", "Tessa: fewer transfers", "transfer_rate", "agent", "a020", "month", False, 0.8),
    ("sup.sales", "Carmen: contacts handled", "handled", "agent", "a029", "month", False, 1.0),
    ("admin", "Chat service level 80/45", "service_level", "channel", "chat", "month", False, 1.0),
    ("admin", "Billing abandon rate", "abandon_rate", "queue", "q_billing", "month", False, 1.0),
)


def _round(value: float, unit: str) -> float:
    if unit == "ratio":
        return round(min(max(value, 0.0), 1.0), 3)
    return float(round(value)) if abs(value) >= 10 else round(value, 2)


def seed_demo_settings(runtime: Any) -> None:
    """A first saved settings version (the defaults, stated: voice 80/20, chat 80/45, messaging 80/60, email
    80% within 4 h), so the admin page shows a version history; skipped if any version exists."""
    settings = OrgSettingsService(runtime.app_db, runtime.catalog)
    if settings.current().version:
        return
    doc = settings.current().document.model_dump(mode="json")
    doc["channel_thresholds"].update({
        "messaging": {"service_level_target_ratio": 0.8, "service_level_threshold_s": 60, "short_abandon_s": 5},
        "email": {"service_level_target_ratio": 0.8, "service_level_threshold_s": 14400, "short_abandon_s": 0}})
    try:
        admin = runtime.users.viewer("admin")
    except CallboardError:
        admin = LOCAL_OWNER
    settings.save(admin, doc)


def seed_demo_goals(runtime: Any) -> int:
    """Create the demo goals (and a first settings version); returns how many goals were created (0 when they
    exist or the users are missing)."""
    seed_demo_settings(runtime)
    goals = runtime.goals
    names = {name for _, name, *_ in DEMO_GOALS}
    if any(g.name in names for g in goals.list_goals(LOCAL_OWNER, include_archived=True)):
        return 0
    span = KpiBrowser(runtime.kpi).data_span()
    day = span.last_day or goals.default_as_of()
    created = 0
    for owner, name, metric, kind, scope_id, period, collaborative, nudge in DEMO_GOALS:
        try:
            viewer = runtime.users.viewer(owner)
        except CallboardError:
            continue
        starts = day - dt.timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)
        try:
            direction = "higher" if metric == "handled" else None  # handled has no `better` in the catalog
            suggestion = goals.suggest(viewer, metric=metric, scope_kind=kind, scope_id=scope_id, starts_on=starts,
                                       direction=direction)
        except CallboardError:
            continue
        if suggestion.target is None:
            continue
        target = suggestion.target * nudge
        if suggestion.unit == "count" and period == "week":
            target = suggestion.target * (max(suggestion.agents_count, 1) if kind == "team" else 1)  # the whole team's week
        elif suggestion.unit == "count" and period == "month":
            target = suggestion.target * 4.3
        spec = GoalInput(name=name, metric=metric, target=_round(target, suggestion.unit), period=period,
                         starts_on=starts, scope_kind=kind, scope_id=scope_id, collaborative=collaborative,
                         direction=direction)
        goals.create(viewer, spec)
        created += 1
    return created
