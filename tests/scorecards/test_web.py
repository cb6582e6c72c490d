"""Scorecards through the live server: the 12-versus-400 ranking, permissions per role, CSV, CRUD and audit."""

from __future__ import annotations

import csv
import io

import pytest

from callboard.org import audit
from tests.scorecards.conftest import ScServer

PERIOD = "2026-03"


def test_small_sample_is_not_ranked_above_the_400_contact_agents(sc_server: ScServer) -> None:
    body = sc_server.client("admin").get(f"/api/v1/scorecards/team/t_a?period={PERIOD}").json()
    agents = {a["agent_id"]: a for a in body["agents"]}
    small, b1 = agents["ag_small"], agents["ag_b1"]
    # Measured: 0/12 transfers -> (0.15 - 0)/0.15 = 100 points; 20/400 = 5% -> (0.15 - 0.05)/0.15 = 66.67 points.
    assert small["items"][0]["points"] == pytest.approx(100.0)
    assert b1["items"][0]["points"] == pytest.approx(200 / 3)
    # Transfer counts are the complement of test_stats.py's team (12/12, 380/400 x2, 360/400, 340/400 "kept"),
    # so alpha and beta swap: prior Beta(3.2175, 33.8300); shrunk transfer rates:
    # small (0 + 3.2175)/(12 + 37.0475) = 3.2175/49.0475 = 0.06560; b1 (20 + 3.2175)/437.0475 = 0.05312.
    assert small["items"][0]["shrunk"] == pytest.approx(0.06560, abs=1e-5)
    assert b1["items"][0]["shrunk"] == pytest.approx(0.05312, abs=1e-5)
    assert small["rank"] > b1["rank"] and small["rank"] > agents["ag_b2"]["rank"]
    assert (b1["rank"], agents["ag_b2"]["rank"], small["rank"]) == (1, 1, 3)
    # Wilson for 0/12: upper = z^2/(n + z^2) = 3.8415/15.8415 = 0.2425.
    assert small["items"][0]["ci_low"] == pytest.approx(0.0, abs=1e-12)
    assert small["items"][0]["ci_high"] == pytest.approx(0.2425, abs=1e-4)
    # The QA slot has no provider data: no data, and the weights re-normalise (coverage 80 / 100).
    assert small["items"][1]["value"] is None and small["coverage"] == pytest.approx(0.8)
    assert "shrinkage" in body["ranking_rule"]


def test_agent_sees_own_scorecard_and_rank_only(sc_server: ScServer) -> None:
    client = sc_server.client("small")
    mine = client.get(f"/api/v1/scorecards/agent/ag_small?period={PERIOD}")
    assert mine.status_code == 200
    assert mine.json()["agent"]["rank"] == 3 and mine.json()["ranked_agents"] == 5
    for other in ("ag_b1", "ag_b2", "ag_c", "ag_d", "ag_x"):
        assert other not in mine.text  # no colleague's row leaks into the agent's answer
    assert client.get(f"/api/v1/scorecards/agent/ag_b1?period={PERIOD}").status_code == 403
    assert client.get(f"/api/v1/scorecards/team/t_a?period={PERIOD}").status_code == 403
    assert client.get(f"/api/v1/scorecards/team/t_a.csv?period={PERIOD}").status_code == 403
    assert client.get("/scorecards/team/t_a").status_code == 403
    assert client.get("/api/v1/scorecards/agent/ag_b1/history").status_code == 403
    page = client.get(f"/scorecards/agent/ag_small?period={PERIOD}")
    assert page.status_code == 200 and "ag_b1" not in page.text and "how few contacts" in page.text
    assert client.post("/api/v1/scorecards", json={}).status_code in (403, 422)
    assert client.get("/admin/scorecards").status_code == 403


def test_supervisor_sees_own_team_only(sc_server: ScServer) -> None:
    client = sc_server.client("sup_a")
    assert client.get(f"/api/v1/scorecards/team/t_a?period={PERIOD}").status_code == 200
    assert client.get(f"/api/v1/scorecards/agent/ag_c?period={PERIOD}").status_code == 200
    assert client.get(f"/api/v1/scorecards/team/t_b?period={PERIOD}").status_code == 403
    assert client.get(f"/api/v1/scorecards/agent/ag_x?period={PERIOD}").status_code == 403
    listed = {c["applies_to_id"] for c in client.get("/api/v1/scorecards").json()}
    assert listed == {"t_a"}
    assert client.get("/admin/scorecards").status_code == 403


def test_manager_sees_and_configures_own_site(sc_server: ScServer) -> None:
    client = sc_server.client("manager1")
    assert client.get(f"/api/v1/scorecards/team/t_b?period={PERIOD}").status_code == 200
    assert client.get(f"/api/v1/scorecards/team/t_c?period={PERIOD}").status_code == 403
    card = {"name": "B card", "applies_to_kind": "team", "applies_to_id": "t_b", "period": "month",
            "items": [{"kind": "kpi", "metric": "transfer_rate", "weight": 1, "floor": 0.2, "target": 0.0}]}
    ids = {c["applies_to_id"]: c["id"] for c in client.get("/api/v1/scorecards").json()}
    assert client.put(f"/api/v1/scorecards/{ids['t_b']}", json=card).status_code == 200
    assert client.put(f"/api/v1/scorecards/{ids['t_b']}", json={**card, "applies_to_id": "t_c"}).status_code == 403
    role_card = {**card, "applies_to_kind": "role", "applies_to_id": "agent"}
    assert client.post("/api/v1/scorecards", json=role_card).status_code == 403
    assert client.get("/admin/scorecards").status_code == 200


def test_qa_analyst_sees_assigned_site_and_planner_is_denied(sc_server: ScServer) -> None:
    qa = sc_server.client("qa2")
    assert qa.get(f"/api/v1/scorecards/team/t_c?period={PERIOD}").status_code == 200
    assert qa.get(f"/api/v1/scorecards/team/t_a?period={PERIOD}").status_code == 403
    planner = sc_server.client("planner")
    for path in ("/api/v1/scorecards", f"/api/v1/scorecards/team/t_a?period={PERIOD}",
                 f"/api/v1/scorecards/agent/ag_b1?period={PERIOD}", "/api/v1/scorecards/team/t_a.csv",
                 "/scorecards", "/scorecards/team/t_a", "/admin/scorecards"):
        assert planner.get(path).status_code == 403, path


def test_ranking_csv_matches_the_json(sc_server: ScServer) -> None:
    client = sc_server.client("admin")
    body = client.get(f"/api/v1/scorecards/team/t_a?period={PERIOD}").json()
    response = client.get(f"/api/v1/scorecards/team/t_a.csv?period={PERIOD}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["agent_id"] for r in rows] == [a["agent_id"] for a in body["agents"]]
    small = next(r for r in rows if r["agent_id"] == "ag_small")
    assert float(small["transfer_rate_shrunk"]) == pytest.approx(0.06560, abs=1e-5)
    assert small["rank"] == "3"
    own = sc_server.client("small").get(f"/api/v1/scorecards/agent/ag_small.csv?period={PERIOD}")
    assert [r["agent_id"] for r in csv.DictReader(io.StringIO(own.text))] == ["ag_small"]


def test_crud_is_validated_and_audited_with_before_and_after(sc_server: ScServer) -> None:
    client = sc_server.client("admin")
    card = {"name": "Agents default", "applies_to_kind": "role", "applies_to_id": "agent", "period": "quarter",
            "items": [{"kind": "kpi", "metric": "fcr_rate", "weight": 2, "floor": 0.6, "target": 0.85}]}
    created = client.post("/api/v1/scorecards", json=card)
    assert created.status_code == 201, created.text
    card_id = created.json()["id"]
    assert client.post("/api/v1/scorecards", json=card).status_code == 409  # one scorecard per role or team
    wrong_way = {**card, "items": [{"kind": "kpi", "metric": "aht_s", "weight": 1, "floor": 200, "target": 400}]}
    assert client.put(f"/api/v1/scorecards/{card_id}", json=wrong_way).status_code == 422  # AHT: lower is better
    unknown = {**card, "items": [{"kind": "kpi", "metric": "no_such_metric", "weight": 1, "floor": 0, "target": 1}]}
    assert client.put(f"/api/v1/scorecards/{card_id}", json=unknown).status_code == 404
    renamed = {**card, "name": "Agents default v2"}
    assert client.put(f"/api/v1/scorecards/{card_id}", json=renamed).json()["name"] == "Agents default v2"
    assert client.delete(f"/api/v1/scorecards/{card_id}").status_code == 204
    assert client.get(f"/api/v1/scorecards/{card_id}").status_code == 404
    with sc_server.runtime.app_db.session() as session:
        entries = [e for e in audit.entries(session, entity="scorecard") if e.entity_id == str(card_id)]
    assert [e.action for e in entries] == ["delete", "update", "create"]
    update = entries[1]
    assert update.actor == "admin"
    assert update.before["name"] == "Agents default" and update.after["name"] == "Agents default v2"


def test_admin_form_creates_a_scorecard_with_csrf(sc_server: ScServer) -> None:
    client = sc_server.client("admin")
    token = client.headers["X-CSRF-Token"]
    form = {"csrf_token": token, "name": "Form card", "applies_to": "role:agent", "period": "week",
            "item_kind_0": "kpi", "item_metric_0": "transfer_rate", "item_weight_0": "3", "item_floor_0": "0.2",
            "item_target_0": "0.05", "item_kind_1": "qa", "item_metric_1": "", "item_weight_1": "1",
            "item_floor_1": "50", "item_target_1": "90", "item_kind_2": "kpi", "item_metric_2": "",
            "item_weight_2": "", "item_floor_2": "", "item_target_2": ""}
    del client.headers["X-CSRF-Token"]  # the browser sends the token in the form only
    response = client.post("/admin/scorecards", data=form)
    assert response.status_code == 303, response.text[:500]
    client.headers["X-CSRF-Token"] = token
    made = next(c for c in client.get("/api/v1/scorecards").json() if c["name"] == "Form card")
    assert [(i["kind"], i["metric"], i["weight"]) for i in made["items"]] == [("kpi", "transfer_rate", 3.0),
                                                                            ("qa", "qa_score", 1.0)]
    del client.headers["X-CSRF-Token"]
    assert client.post("/admin/scorecards", data={**form, "csrf_token": "stale"}).status_code == 403
    client.headers["X-CSRF-Token"] = token
    assert client.delete(f"/api/v1/scorecards/{made['id']}").status_code == 204


def test_team_page_shows_rule_chart_and_outlier_section(sc_server: ScServer) -> None:
    page = sc_server.client("sup_a").get(f"/scorecards/team/t_a?period={PERIOD}")
    assert page.status_code == 200
    assert "how few contacts it rests on" in page.text
    assert 'id="history-chart"' in page.text and "/vendor/plotly.min.js" in page.text
    assert 'data-agent="ag_small"' in page.text and "Outliers against the team" in page.text
    history = sc_server.client("sup_a").get(f"/api/v1/scorecards/team/t_a/history?period={PERIOD}&periods=2").json()
    assert [p["label"] for p in history["periods"]] == ["2026-02", "2026-03"]
    assert history["team_scores"][0] is None and history["team_scores"][1] is not None
