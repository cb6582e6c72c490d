"""Demo scorecards: one per demo team (voice: service level, AHT, FCR, CSAT, transfers; digital: FCR,
CSAT, AHT, interactions per hour), each with the QA slot, which shows 'no data' until quality
evaluations exist. Idempotent: a team that already has a scorecard keeps it."""

from __future__ import annotations

from typing import Any

from callboard.core.viewer import LOCAL_OWNER
from callboard.scorecards.config import ItemSpec, ScorecardSpec

QA = ItemSpec("qa", "qa_score", 20, 60, 90)


def _voice(aht_floor_s: float, aht_target_s: float) -> tuple[ItemSpec, ...]:
    return (ItemSpec("kpi", "service_level", 15, 0.70, 0.90), ItemSpec("kpi", "aht_s", 15, aht_floor_s, aht_target_s),
            ItemSpec("kpi", "fcr_rate", 20, 0.65, 0.85), ItemSpec("kpi", "csat_top2_rate", 20, 0.55, 0.85),
            ItemSpec("kpi", "transfer_rate", 10, 0.15, 0.03), QA)


DEMO_SCORECARDS: dict[str, tuple[str, tuple[ItemSpec, ...]]] = {
    "t_care": ("Customer Care monthly", _voice(330, 180)),
    "t_tech": ("Tech Support monthly", _voice(420, 240)),
    "t_sales": ("Sales monthly", _voice(380, 220)),
    "t_digital": ("Digital Care monthly", (
        ItemSpec("kpi", "fcr_rate", 25, 0.75, 0.92), ItemSpec("kpi", "csat_top2_rate", 25, 0.55, 0.85),
        ItemSpec("kpi", "aht_s", 15, 600, 300), ItemSpec("kpi", "iph", 15, 4, 12), QA)),
}


def seed_demo_scorecards(runtime: Any) -> int:
    """Add the demo teams' scorecards (monthly) that are missing; returns how many were added."""
    service = runtime.scorecards
    teams = {t.id for t in runtime.org.teams(LOCAL_OWNER)}
    have = {(c.applies_to_kind, c.applies_to_id) for c in service.list_scorecards(LOCAL_OWNER)}
    added = 0
    for team_id, (name, items) in DEMO_SCORECARDS.items():
        if team_id in teams and ("team", team_id) not in have:
            service.create_scorecard(LOCAL_OWNER, ScorecardSpec(name, "team", team_id, "month", items))
            added += 1
    return added
