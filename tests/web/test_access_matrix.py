"""The access matrix: every route the app serves x every role, over real HTTP.

The table below is written by hand from the issue's rules (agent: own data; supervisor: their teams;
manager: their site; QA analyst: assigned sites; planner: aggregates, schedules, adherence, never
evaluations; admin: everything). It is checked against the app's route table both ways: a route the
app serves that is not listed here fails the test, and so does a listed route the app no longer serves.
Denied means 403 for a signed-in user and 401 (API) or a redirect to /login (pages) for nobody.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from callboard.core.settings import load_settings
from callboard.core.viewer import CAPABILITIES, ROLES
from callboard.runtime import build_runtime
from callboard.web.app import create_app
from tests.web.route_table import RouteInfo, app_routes
from tests.web.web_live import start_server
from tests.web.web_roles import (
    IN_SCOPE_AGENT,
    IN_SCOPE_TEAM,
    OUT_OF_SCOPE_AGENT,
    OUT_OF_SCOPE_TEAM,
    PASSWORD,
    USERS,
    fill_roles_data_dir,
)
from tests.web.web_sample_data import TEAMS

EVERYONE = frozenset(ROLES)
PUBLIC = "public"  # no sign-in needed
LOCAL_CLI = "local_cli"  # only the local CLI's server token, never a browser session


@dataclass(frozen=True)
class Access:
    roles: frozenset[str] | str
    query: dict[str, str] = field(default_factory=dict)
    ends_session: bool = False  # sign-out routes: called last, on a throwaway session
    # roles the route lets in whose service then refuses the request for a scope reason (e.g. an agent
    # asking for their team's ranking): 403 from the service, not the route
    denied_in_service: frozenset[str] = frozenset()
    # a body that the route refuses quickly (422), so the matrix does not run a real forecast for each role
    json: dict[str, object] | None = None
    form: dict[str, str] | None = None


def roles_with(capability: str) -> frozenset[str]:
    return frozenset(r for r in ROLES if capability in CAPABILITIES[r])


KPI = frozenset(ROLES)  # every role reads KPIs, each within its scope (planners as aggregates)
ADMIN = frozenset({"admin"})
TEAMS_VIEW = frozenset({"supervisor", "qa_analyst", "planner", "manager", "admin"})  # agents open their own page
AGENT_DETAIL = frozenset({"agent", "supervisor", "qa_analyst", "manager", "admin"})  # never planners
CONTACTS = AGENT_DETAIL  # contact rows: never planners
GOALS = frozenset({"agent", "supervisor", "manager", "admin"})
MANAGE_GOALS = frozenset({"supervisor", "manager", "admin"})
SCORECARDS = frozenset({"agent", "supervisor", "qa_analyst", "manager", "admin"})
MANAGE_SCORECARDS = frozenset({"manager", "admin"})
APPRAISALS = frozenset({"agent", "supervisor", "manager", "admin"})  # not QA analysts, not planners
COMMENT_APPRAISALS = frozenset({"supervisor", "manager", "admin"})
EXPORT_APPRAISALS = COMMENT_APPRAISALS
WALLBOARD = frozenset({"supervisor", "planner", "manager", "admin"})
FORECASTS = frozenset({"supervisor", "planner", "manager", "admin"})  # Erlang, forecasts, staffing plans
MANAGE_FORECASTS = frozenset({"planner", "admin"})
NO_HISTORY: dict[str, object] = {"as_of": "2000-01-03"}  # before any data: refused at once, no model is fitted
SCHEDULES = frozenset({"agent", "supervisor", "planner", "manager", "admin"})  # agents: their own; never QA
MANAGE_SCHEDULES = frozenset({"planner", "admin"})
EVALUATIONS = frozenset({"agent", "supervisor", "qa_analyst", "manager", "admin"})  # agents: their own; never planners
EVALUATE = frozenset({"qa_analyst", "admin"})  # score, calibrate, sample, build forms
EXPECTED: dict[tuple[str, str], Access] = {
    ("GET", "/"): Access(KPI),
    ("GET", "/login"): Access(PUBLIC),
    ("POST", "/login"): Access(PUBLIC),
    ("POST", "/logout"): Access(EVERYONE, ends_session=True),
    ("GET", "/account"): Access(EVERYONE),
    ("POST", "/account/password"): Access(EVERYONE),
    ("GET", "/docs"): Access(EVERYONE),
    ("GET", "/vendor/plotly.min.js"): Access(PUBLIC),
    ("POST", "/api/v1/session"): Access(PUBLIC),
    ("DELETE", "/api/v1/session"): Access(EVERYONE, ends_session=True),
    ("GET", "/api/v1/me"): Access(EVERYONE),
    ("GET", "/api/v1/health"): Access(PUBLIC),
    ("GET", "/api/v1/kpi"): Access(KPI, {"metrics": "offered,aht_s", "by": "queue"}),
    ("GET", "/api/v1/kpi.csv"): Access(KPI, {"metrics": "offered,aht_s", "by": "queue"}),
    ("GET", "/api/v1/data-range"): Access(KPI),
    ("GET", "/api/v1/dimensions/{dimension}/values"): Access(KPI),
    ("GET", "/api/v1/metrics"): Access(KPI),
    ("GET", "/api/v1/metrics/{name}"): Access(KPI),
    ("POST", "/api/v1/local/ingest/csv"): Access(LOCAL_CLI),
    ("POST", "/api/v1/local/ingest/{connector}"): Access(LOCAL_CLI),
    # team, agent, queue pages and the contact rows behind every number
    ("GET", "/teams"): Access(TEAMS_VIEW),
    ("GET", "/teams/{team_id}"): Access(TEAMS_VIEW),
    ("GET", "/agents/{agent_id}"): Access(AGENT_DETAIL),
    ("GET", "/queues"): Access(KPI),
    ("GET", "/queues/{queue_id}"): Access(KPI),
    ("GET", "/contacts"): Access(CONTACTS, {"metric": "handled"}),
    ("GET", "/api/v1/contacts"): Access(CONTACTS),
    ("GET", "/api/v1/contacts.csv"): Access(CONTACTS),
    # goals
    ("GET", "/goals"): Access(GOALS),
    ("POST", "/goals"): Access(MANAGE_GOALS),
    ("GET", "/goals/{goal_id}/edit"): Access(MANAGE_GOALS),
    ("POST", "/goals/{goal_id}"): Access(MANAGE_GOALS),
    ("POST", "/goals/{goal_id}/archive"): Access(MANAGE_GOALS),
    ("GET", "/api/v1/goals"): Access(GOALS),
    ("GET", "/api/v1/goals.csv"): Access(GOALS),
    ("GET", "/api/v1/goals/{goal_id}"): Access(GOALS),
    ("GET", "/api/v1/goals/suggest"): Access(MANAGE_GOALS),
    ("POST", "/api/v1/goals"): Access(MANAGE_GOALS),
    ("PUT", "/api/v1/goals/{goal_id}"): Access(MANAGE_GOALS),
    ("POST", "/api/v1/goals/{goal_id}/archive"): Access(MANAGE_GOALS),
    # organisation settings and the audit log
    ("GET", "/api/v1/settings"): Access(KPI),
    ("GET", "/api/v1/settings/thresholds"): Access(KPI),
    ("PUT", "/api/v1/settings"): Access(ADMIN),
    ("GET", "/api/v1/settings/versions"): Access(ADMIN),
    ("POST", "/admin/settings"): Access(ADMIN),
    ("GET", "/admin"): Access(MANAGE_SCORECARDS),
    ("GET", "/admin/audit"): Access(ADMIN),
    ("GET", "/api/v1/audit"): Access(ADMIN),
    ("GET", "/api/v1/audit.csv"): Access(ADMIN),
    # scorecards
    ("GET", "/scorecards"): Access(SCORECARDS),
    ("GET", "/scorecards/agent/{agent_id}"): Access(SCORECARDS),
    ("GET", "/scorecards/team/{team_id}"): Access(SCORECARDS, denied_in_service=frozenset({"agent"})),
    ("GET", "/api/v1/scorecards"): Access(SCORECARDS),
    ("POST", "/api/v1/scorecards"): Access(MANAGE_SCORECARDS),
    ("GET", "/api/v1/scorecards/{scorecard_id}"): Access(SCORECARDS),
    ("PUT", "/api/v1/scorecards/{scorecard_id}"): Access(MANAGE_SCORECARDS),
    ("DELETE", "/api/v1/scorecards/{scorecard_id}"): Access(MANAGE_SCORECARDS),
    ("GET", "/api/v1/scorecards/agent/{agent_id}"): Access(SCORECARDS),
    ("GET", "/api/v1/scorecards/agent/{agent_id}.csv"): Access(SCORECARDS),
    ("GET", "/api/v1/scorecards/agent/{agent_id}/history"): Access(SCORECARDS),
    ("GET", "/api/v1/scorecards/team/{team_id}"): Access(SCORECARDS, denied_in_service=frozenset({"agent"})),
    ("GET", "/api/v1/scorecards/team/{team_id}.csv"): Access(SCORECARDS, denied_in_service=frozenset({"agent"})),
    ("GET", "/api/v1/scorecards/team/{team_id}/history"): Access(SCORECARDS,
                                                                 denied_in_service=frozenset({"agent"})),
    ("GET", "/admin/scorecards"): Access(MANAGE_SCORECARDS),
    ("POST", "/admin/scorecards"): Access(MANAGE_SCORECARDS),
    ("GET", "/admin/scorecards/new"): Access(MANAGE_SCORECARDS),
    ("GET", "/admin/scorecards/{scorecard_id}"): Access(MANAGE_SCORECARDS),
    ("POST", "/admin/scorecards/{scorecard_id}"): Access(MANAGE_SCORECARDS),
    ("POST", "/admin/scorecards/{scorecard_id}/delete"): Access(MANAGE_SCORECARDS),
    # appraisal packets
    ("GET", "/agents/{agent_id}/appraisal"): Access(APPRAISALS),
    ("POST", "/agents/{agent_id}/appraisal/comments"): Access(COMMENT_APPRAISALS),
    ("GET", "/api/v1/appraisals/{agent_id}"): Access(APPRAISALS),
    ("GET", "/api/v1/appraisals/{agent_id}/comments"): Access(APPRAISALS),
    ("POST", "/api/v1/appraisals/{agent_id}/comments"): Access(COMMENT_APPRAISALS),
    ("GET", "/api/v1/appraisals/{agent_id}.pdf"): Access(EXPORT_APPRAISALS),
    ("GET", "/api/v1/appraisals/{agent_id}.csv"): Access(EXPORT_APPRAISALS),
    # live wallboard
    ("GET", "/wallboard"): Access(WALLBOARD),
    ("GET", "/wallboard/queue/{queue_id}"): Access(WALLBOARD),
    ("GET", "/wallboard/team/{team_id}"): Access(WALLBOARD),
    ("GET", "/api/v1/wallboard"): Access(WALLBOARD),
    ("GET", "/api/v1/wallboard/stream"): Access(WALLBOARD, {"max_s": "0"}),
    ("POST", "/api/v1/wallboard/events"): Access(ADMIN),
    ("POST", "/api/v1/wallboard/token"): Access(ADMIN),
    ("GET", "/api/v1/wallboard/follow"): Access(ADMIN),
    ("POST", "/api/v1/wallboard/follow"): Access(ADMIN),
    ("DELETE", "/api/v1/wallboard/follow"): Access(ADMIN),
    # workforce management
    ("GET", "/api/v1/erlang"): Access(FORECASTS, {"calls": "100", "interval_s": "1800", "aht_s": "180",
                                                  "answer_within_s": "20", "target_sl": "0.8"}),
    ("POST", "/api/v1/erlang"): Access(FORECASTS),
    # quality management, workforce management
    ("GET", "/quality"): Access(EVALUATIONS),
    ("GET", "/quality/evaluations/{evaluation_id}"): Access(EVALUATIONS),
    ("POST", "/quality/evaluations/{evaluation_id}/acknowledge"): Access(EVALUATIONS),
    ("POST", "/quality/evaluations/{evaluation_id}/comment"): Access(EVALUATIONS),
    ("POST", "/quality/evaluations/{evaluation_id}/dispute"): Access(EVALUATIONS),
    ("POST", "/quality/evaluations/{evaluation_id}/disputes/{dispute_id}"): Access(EVALUATIONS),
    ("GET", "/quality/exemplars"): Access(EVALUATIONS),
    ("GET", "/quality/forms"): Access(EVALUATIONS),
    ("GET", "/quality/forms/{form_id}"): Access(EVALUATIONS),
    ("POST", "/quality/notifications/read"): Access(EVALUATIONS),
    ("GET", "/api/v1/quality/evaluations"): Access(EVALUATIONS),
    ("GET", "/api/v1/quality/evaluations/{evaluation_id}"): Access(EVALUATIONS),
    ("POST", "/api/v1/quality/evaluations/{evaluation_id}/acknowledge"): Access(EVALUATIONS),
    ("POST", "/api/v1/quality/evaluations/{evaluation_id}/comments"): Access(EVALUATIONS),
    ("POST", "/api/v1/quality/evaluations/{evaluation_id}/disputes"): Access(EVALUATIONS),
    ("POST", "/api/v1/quality/evaluations/{evaluation_id}/disputes/{dispute_id}/decision"): Access(EVALUATIONS),
    ("GET", "/api/v1/quality/exemplars"): Access(EVALUATIONS),
    ("GET", "/api/v1/quality/fail-rates"): Access(EVALUATIONS),
    ("GET", "/api/v1/quality/forms"): Access(EVALUATIONS),
    ("GET", "/api/v1/quality/forms/{form_id}"): Access(EVALUATIONS),
    ("GET", "/api/v1/quality/summary"): Access(EVALUATIONS),
    ("GET", "/quality/evaluate/{contact_id}"): Access(EVALUATE),
    ("POST", "/quality/evaluate/{contact_id}"): Access(EVALUATE),
    ("POST", "/quality/exemplars"): Access(EVALUATE),
    ("POST", "/quality/exemplars/{exemplar_id}/archive"): Access(EVALUATE),
    ("POST", "/quality/forms"): Access(EVALUATE),
    ("POST", "/quality/forms/import"): Access(EVALUATE),
    ("POST", "/quality/forms/{form_id}"): Access(EVALUATE),
    ("POST", "/quality/forms/{form_id}/publish"): Access(EVALUATE),
    ("POST", "/api/v1/quality/evaluations"): Access(EVALUATE),
    ("PUT", "/api/v1/quality/evaluations/{evaluation_id}"): Access(EVALUATE),
    ("POST", "/api/v1/quality/evaluations/{evaluation_id}/submit"): Access(EVALUATE),
    ("POST", "/api/v1/quality/exemplars"): Access(EVALUATE),
    ("DELETE", "/api/v1/quality/exemplars/{exemplar_id}"): Access(EVALUATE),
    ("POST", "/api/v1/quality/forms"): Access(EVALUATE),
    ("POST", "/api/v1/quality/forms/import"): Access(EVALUATE),
    ("PUT", "/api/v1/quality/forms/{form_id}"): Access(EVALUATE),
    ("POST", "/api/v1/quality/forms/{form_id}/publish"): Access(EVALUATE),
    ("GET", "/quality/sampling"): Access(EVALUATE),
    ("POST", "/quality/sampling"): Access(EVALUATE),
    ("POST", "/quality/sampling/{plan_id}/draw"): Access(EVALUATE),
    ("GET", "/quality/calibration"): Access(EVALUATE),
    ("POST", "/quality/calibration"): Access(EVALUATE),
    ("GET", "/quality/calibration/{session_id}"): Access(EVALUATE),
    ("POST", "/quality/calibration/{session_id}/close"): Access(EVALUATE),
    ("POST", "/quality/calibration/{session_id}/contacts/{row_id}"): Access(EVALUATE),
    ("GET", "/api/v1/sampling/plans"): Access(EVALUATE),
    ("POST", "/api/v1/sampling/plans"): Access(EVALUATE),
    ("GET", "/api/v1/sampling/plans/{plan_id}"): Access(EVALUATE),
    ("PATCH", "/api/v1/sampling/plans/{plan_id}"): Access(EVALUATE),
    ("POST", "/api/v1/sampling/plans/{plan_id}/draw"): Access(EVALUATE),
    ("GET", "/api/v1/sampling/plans/{plan_id}/items"): Access(EVALUATE),
    ("GET", "/api/v1/sampling/workload"): Access(EVALUATE),
    ("GET", "/api/v1/calibration/drift"): Access(EVALUATE),
    ("GET", "/api/v1/calibration/sessions"): Access(EVALUATE),
    ("POST", "/api/v1/calibration/sessions"): Access(EVALUATE),
    ("GET", "/api/v1/calibration/sessions/{session_id}"): Access(EVALUATE),
    ("POST", "/api/v1/calibration/sessions/{session_id}/close"): Access(EVALUATE),
    ("PUT", "/api/v1/calibration/sessions/{session_id}/contacts/{contact_row_id}/score"): Access(EVALUATE),
    ("GET", "/api/v1/quality/notifications"): Access(EVERYONE),
    ("POST", "/api/v1/quality/notifications/read"): Access(EVERYONE),
    ("GET", "/workforce/forecast"): Access(FORECASTS),
    ("GET", "/workforce/intraday"): Access(FORECASTS),
    ("GET", "/workforce/staffing"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/intraday"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/models"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/overrides"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/runs"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/runs/{version}"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/runs/{version}/accuracy"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/runs/{version}/staffing"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/runs/{version}/staffing.csv"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/runs/{version}/values"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/runs/{version}/values.csv"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/shrinkage"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/special-days"): Access(FORECASTS),
    ("GET", "/api/v1/forecast/targets"): Access(FORECASTS),
    ("POST", "/workforce/forecast/overrides"): Access(MANAGE_FORECASTS),
    ("POST", "/workforce/forecast/overrides/{override_id}/delete"): Access(MANAGE_FORECASTS),
    ("POST", "/workforce/forecast/run"): Access(MANAGE_FORECASTS, form={"as_of": "2000-01-03"}),
    ("POST", "/workforce/forecast/special-days"): Access(MANAGE_FORECASTS),
    ("POST", "/workforce/forecast/special-days/{special_day_id}/delete"): Access(MANAGE_FORECASTS),
    ("POST", "/workforce/staffing/shrinkage"): Access(MANAGE_FORECASTS),
    ("POST", "/workforce/staffing/targets"): Access(MANAGE_FORECASTS),
    ("POST", "/api/v1/forecast/backtest"): Access(MANAGE_FORECASTS, json=NO_HISTORY),
    ("POST", "/api/v1/forecast/overrides"): Access(MANAGE_FORECASTS),
    ("DELETE", "/api/v1/forecast/overrides/{override_id}"): Access(MANAGE_FORECASTS),
    ("POST", "/api/v1/forecast/runs"): Access(MANAGE_FORECASTS, json=NO_HISTORY),
    ("DELETE", "/api/v1/forecast/runs/{version}"): Access(MANAGE_FORECASTS),
    ("PUT", "/api/v1/forecast/shrinkage"): Access(MANAGE_FORECASTS),
    ("POST", "/api/v1/forecast/special-days"): Access(MANAGE_FORECASTS),
    ("DELETE", "/api/v1/forecast/special-days/{special_day_id}"): Access(MANAGE_FORECASTS),
    ("PUT", "/api/v1/forecast/targets/{queue}"): Access(MANAGE_FORECASTS),
    ("GET", "/workforce/schedule"): Access(SCHEDULES),
    ("GET", "/workforce/schedule/agent/{agent_id}"): Access(SCHEDULES),
    ("GET", "/workforce/adherence"): Access(SCHEDULES),
    ("GET", "/workforce/adherence/now"): Access(SCHEDULES),
    ("GET", "/api/v1/adherence"): Access(SCHEDULES),
    ("GET", "/api/v1/adherence/now"): Access(SCHEDULES),
    ("GET", "/api/v1/agents/{agent_id}/schedule"): Access(SCHEDULES),
    ("GET", "/api/v1/schedules"): Access(SCHEDULES),
    ("GET", "/api/v1/schedules/{schedule_id}"): Access(SCHEDULES),
    ("GET", "/api/v1/schedules/{schedule_id}.csv"): Access(SCHEDULES),
    ("POST", "/workforce/schedule/generate"): Access(MANAGE_SCHEDULES),
    ("POST", "/workforce/schedule/import"): Access(MANAGE_SCHEDULES),
    ("POST", "/api/v1/adherence/exceptions"): Access(MANAGE_SCHEDULES),
    ("GET", "/api/v1/schedule-rules"): Access(MANAGE_SCHEDULES),
    ("PUT", "/api/v1/schedule-rules/{agent_id}"): Access(MANAGE_SCHEDULES),
    ("POST", "/api/v1/schedules/generate"): Access(MANAGE_SCHEDULES),
    ("POST", "/api/v1/schedules/import"): Access(MANAGE_SCHEDULES),
    ("PUT", "/api/v1/schedules/{schedule_id}/agents/{agent_id}/days/{day}"): Access(MANAGE_SCHEDULES),
    ("GET", "/quality/reports"): Access(EVALUATIONS, denied_in_service=frozenset({"agent"})),
    ("GET", "/api/v1/qa-reports/adjusted"): Access(EVALUATIONS, denied_in_service=frozenset({"agent"})),
    ("GET", "/api/v1/qa-reports/operations"): Access(EVALUATIONS, denied_in_service=frozenset({"agent"})),
    ("POST", "/api/v1/quality/reconcile"): Access(EVALUATE, denied_in_service=frozenset({"qa_analyst"})),
    ("GET", "/workforce"): Access(EVERYONE, denied_in_service=frozenset({"qa_analyst"})),
}


# agent -> one contact they handled (filled from the data by the fixture): contact pages need one in scope
CONTACT_OF: dict[str, str] = {}


def path_for(route: RouteInfo, role: str | None) -> str:
    agent = IN_SCOPE_AGENT.get(role or "admin") or "ana"
    values = {
        "dimension": "queue", "name": "aht_s", "connector": "csv",
        "agent_id": IN_SCOPE_AGENT.get(role or "admin") or "ana",
        "team_id": IN_SCOPE_TEAM.get(role or "admin", "Team Aurora"), "queue_id": "Billing",
        "goal_id": "1", "scorecard_id": "1", "evaluation_id": "1", "dispute_id": "1", "exemplar_id": "1",
        "form_id": "1", "plan_id": "1", "session_id": "1", "row_id": "1", "contact_row_id": "1",
        "contact_id": CONTACT_OF.get(agent, "c000001"), "override_id": "1", "special_day_id": "1", "version": "1", "queue": "Billing",
        "schedule_id": "1", "day": "2026-03-02",
    }
    return route.path.format(**values)


@dataclass
class Matrix:
    url: str
    routes: list[RouteInfo]
    clients: dict[str, httpx.Client]


def _client(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=120, follow_redirects=False)
    response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    response.raise_for_status()
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    data_dir = fill_roles_data_dir(tmp_path_factory.mktemp("access") / "data")
    with build_runtime(load_settings(data_dir)) as runtime:
        segments = runtime.store.table("agent_segments")
        firsts = segments.group_by("agent_id").aggregate(contact_id=segments.contact_id.min()).to_pyarrow()
        CONTACT_OF.update(zip(firsts["agent_id"].to_pylist(), firsts["contact_id"].to_pylist(), strict=True))
        app = create_app(runtime)
        server, thread, url, _ = start_server(runtime, app)
        clients = {role: _client(url, username) for role, username in USERS.items()}
        try:
            yield Matrix(url, app_routes(app), clients)
        finally:
            for client in clients.values():
                client.close()
            server.should_exit = True
            thread.join(timeout=30)


def test_every_served_route_is_in_the_matrix_and_back(matrix: Matrix) -> None:
    served = {(r.method, r.path) for r in matrix.routes}
    unlisted = sorted(served - set(EXPECTED))
    gone = sorted(set(EXPECTED) - served)
    assert not unlisted, f"routes with no access rule in the matrix: {unlisted}"
    assert not gone, f"matrix rows for routes the app no longer serves: {gone}"


def test_the_code_asks_for_what_the_matrix_says(matrix: Matrix) -> None:
    """Each route's declared capability grants exactly the roles the matrix lists."""
    for route in matrix.routes:
        expected = EXPECTED[(route.method, route.path)].roles
        if route.capability in (PUBLIC, LOCAL_CLI):
            assert expected == route.capability, (route.method, route.path, route.capability)
        elif route.capability == "signed_in":
            assert expected == EVERYONE, (route.method, route.path)
        else:
            assert expected == roles_with(route.capability), (route.method, route.path, route.capability,
                                                               sorted(roles_with(route.capability)))


def _call(client: httpx.Client, route: RouteInfo, role: str | None) -> httpx.Response:
    access = EXPECTED[(route.method, route.path)]
    if access.form is not None:
        return client.request(route.method, path_for(route, role), params=access.query or None, data=access.form)
    body = access.json if access.json is not None else {}
    return client.request(route.method, path_for(route, role), params=access.query or None,
                          json=body if route.method in ("POST", "PUT", "PATCH") else None)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_in_or_gets_403(matrix: Matrix, role: str) -> None:
    client = matrix.clients[role]
    wrong = []
    for route in matrix.routes:
        access = EXPECTED[(route.method, route.path)]
        if access.ends_session or access.roles == PUBLIC:
            continue
        response = _call(client, route, role)
        allowed = access.roles != LOCAL_CLI and role in access.roles and role not in access.denied_in_service
        if allowed and (response.status_code in (401, 403) or response.status_code >= 500):
            wrong.append(f"{route.method} {route.path}: allowed but got {response.status_code} {response.text[:160]}")
        if not allowed and response.status_code != 403:
            wrong.append(f"{route.method} {route.path}: denied but got {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_nobody_signed_in_gets_401_or_the_login_page(matrix: Matrix) -> None:
    wrong = []
    with httpx.Client(base_url=matrix.url, timeout=120, follow_redirects=False) as anonymous:
        for route in matrix.routes:
            access = EXPECTED[(route.method, route.path)]
            if access.roles == PUBLIC:
                continue
            response = _call(anonymous, route, None)
            if access.roles == LOCAL_CLI:
                ok = response.status_code == 403
            elif route.path.startswith("/api/") or route.method != "GET":
                ok = response.status_code == 401
            else:
                ok = response.status_code == 303 and response.headers["location"].startswith("/login?next=")
            if not ok:
                wrong.append(f"{route.method} {route.path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_session_ending_routes(matrix: Matrix, role: str) -> None:
    for route in matrix.routes:
        if not EXPECTED[(route.method, route.path)].ends_session:
            continue
        throwaway = _client(matrix.url, USERS[role])
        try:
            response = _call(throwaway, route, role)
            assert response.status_code in (200, 303), (route.path, response.status_code)
            assert throwaway.get("/api/v1/me").status_code == 401  # the session is gone
        finally:
            throwaway.close()


# -- leaks: lists, exports and chart data hold only rows inside the viewer's scope ----------------------
def _scope_agents(role: str) -> set[str] | None:
    everyone = {a for members in TEAMS.values() for a in members}
    north = set(TEAMS["Team Aurora"]) | set(TEAMS["Team Borealis"])
    return {"agent": {"ana"}, "supervisor": set(TEAMS["Team Aurora"]), "qa_analyst": set(TEAMS["Team Cirrus"]),
            "manager": north, "admin": everyone}.get(role)


@pytest.mark.parametrize("role", ["agent", "supervisor", "qa_analyst", "manager", "admin"])
def test_agent_lists_and_exports_stay_in_scope(matrix: Matrix, role: str) -> None:
    client, expected = matrix.clients[role], _scope_agents(role)
    body = client.get("/api/v1/kpi", params={"metrics": "handled", "by": "agent"}).json()
    assert {r["agent"] for r in body["rows"] if r["agent"]} == expected
    values = client.get("/api/v1/dimensions/agent/values").json()["values"]
    assert set(values) == expected
    exported = client.get("/api/v1/kpi.csv", params={"metrics": "handled", "by": "agent,day"}).text
    assert {row["agent"] for row in csv.DictReader(io.StringIO(exported)) if row["agent"]} == expected
    page = client.get("/").text
    outside = {a for members in TEAMS.values() for a in members} - (expected or set())
    assert not [a for a in outside if f">{a}<" in page]  # the overview's agent table


@pytest.mark.parametrize("role", sorted(OUT_OF_SCOPE_AGENT))
def test_asking_for_someone_outside_the_scope_is_403(matrix: Matrix, role: str) -> None:
    client = matrix.clients[role]
    other, other_team = OUT_OF_SCOPE_AGENT[role], OUT_OF_SCOPE_TEAM[role]
    response = client.get("/api/v1/kpi", params={"metrics": "handled", "where": f"agent={other}"})
    assert response.status_code == 403, response.text
    # a team outside the scope yields no rows of its agents (the team filter cannot widen the scope)
    rows = client.get("/api/v1/kpi", params={"metrics": "handled", "by": "agent",
                                             "where": f"team={other_team}"}).json()["rows"]
    assert not {r["agent"] for r in rows if r["agent"]} - (_scope_agents(role) or set())


def test_planners_see_aggregates_not_agents(matrix: Matrix) -> None:
    client = matrix.clients["planner"]
    assert client.get("/api/v1/kpi", params={"metrics": "handled", "by": "agent"}).status_code == 403
    assert client.get("/api/v1/dimensions/agent/values").status_code == 403
    assert client.get("/api/v1/kpi", params={"metrics": "handled", "by": "team"}).status_code == 200
    page = client.get("/").text
    assert "<h2>Agents</h2>" not in page


def test_lockout_after_five_failures(tmp_path: Path) -> None:
    data_dir = fill_roles_data_dir(tmp_path / "data")
    with build_runtime(load_settings(data_dir)) as runtime:
        server, thread, url, _ = start_server(runtime)
        try:
            with httpx.Client(base_url=url, timeout=60) as client:
                for _ in range(5):
                    wrong = client.post("/api/v1/session", json={"username": "ana", "password": "nope"})
                    assert wrong.status_code == 403
                right = client.post("/api/v1/session", json={"username": "ana", "password": PASSWORD})
                assert right.status_code == 403 and "locked" in right.json()["error"]["message"]
        finally:
            server.should_exit = True
            thread.join(timeout=30)
        audit = runtime.app_db
        from callboard.org.audit import entries

        with audit.session() as session:
            assert [e.action for e in entries(session, entity="user")][0] == "lock"
