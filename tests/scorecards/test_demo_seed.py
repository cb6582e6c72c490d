"""seed_demo_scorecards: one monthly scorecard per demo team present, idempotent, every metric in the catalog."""

from __future__ import annotations

from pathlib import Path

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.demo.scorecards_seed import DEMO_SCORECARDS, seed_demo_scorecards
from callboard.runtime import build_runtime


def test_seed_adds_one_scorecard_per_demo_team_once(tmp_path: Path) -> None:
    with build_runtime(load_settings(tmp_path / "data")) as runtime:
        runtime.org.add_site(LOCAL_OWNER, site_id="s", name="Site")
        for team in ("t_care", "t_digital"):
            runtime.org.add_team(LOCAL_OWNER, team_id=team, name=team, site_id="s")
        assert seed_demo_scorecards(runtime) == 2
        assert seed_demo_scorecards(runtime) == 0
        configs = {c.applies_to_id: c for c in runtime.scorecards.list_scorecards(LOCAL_OWNER)}
        assert set(configs) == {"t_care", "t_digital"}
        assert [i.metric for i in configs["t_care"].items] == [i.metric for i in DEMO_SCORECARDS["t_care"][1]]
        assert any(i.kind == "qa" for i in configs["t_digital"].items)
