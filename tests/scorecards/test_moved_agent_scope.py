"""An agent's scorecard for a period belongs to the team they worked in: a supervisor who has the agent now (or
had them once) does not see the other team's card and rank."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from callboard.core.errors import Forbidden
from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.runtime import build_runtime
from tests.scorecards.conftest import fill


def test_a_moved_agents_card_stays_with_the_team_of_the_period(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    fill(data_dir)  # ag_x handled 50 contacts in March 2026 as a member of t_b
    with build_runtime(load_settings(data_dir)) as runtime:
        runtime.org.move_agent(LOCAL_OWNER, agent_id="ag_x", team_id="t_a", valid_from=dt.datetime(2026, 4, 1))
        sup_a = runtime.users.viewer("sup_a")  # supervises t_a, so ag_x (t_a from April) is among sup_a's agents
        assert sup_a.sees_agent("ag_x")
        with pytest.raises(Forbidden, match="ag_x's scorecard for .* is team t_b's"):
            runtime.scorecards.scorecard_for_agent(sup_a, "ag_x", "2026-03")
        card, history = runtime.scorecards.agent_card_and_history(sup_a, "ag_x", "2026-03", periods=2)
        assert card is None and all(p.team_id is None for p in history)
        # the admin sees March's card, ranked in t_b (1 of 1: ag_x is t_b's only agent)
        admin_card = runtime.scorecards.scorecard_for_agent(LOCAL_OWNER, "ag_x", "2026-03")
        assert (admin_card.team_id, admin_card.agent.rank) == ("t_b", 1)
