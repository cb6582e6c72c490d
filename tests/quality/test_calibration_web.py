"""Sampling, calibration and QA report pages and APIs through real HTTP on the tiny organisation, with roles:
QA analysts manage; supervisors read reports for their teams only; agents get 403."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import httpx
import pytest

from callboard.runtime import Runtime
from tests.quality.calibration_data import PASSWORD, add_form, build
from tests.web.web_live import sign_in, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Runtime]]:
    runtime = build(tmp_path_factory.mktemp("calib-web"))
    uvicorn_server, thread, url, _ = start_server(runtime)
    try:
        yield url, runtime
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=30)
        runtime.close()


def client(url: str, user: str) -> httpx.Client:
    return sign_in(httpx.Client(base_url=url, timeout=120), user, PASSWORD)


def test_sampling_api_and_page(server: tuple[str, Runtime]) -> None:
    url, _ = server
    qa = client(url, "qa1")
    created = qa.post("/api/v1/sampling/plans", json={"name": "Web plan", "n_per_agent": 2, "period": "week",
                                                      "evaluators": ["qa1", "qa2"], "seed": 5,
                                                      "targeting": {"transfers": False}})
    assert created.status_code == 201, created.text
    plan = created.json()["id"]
    drawn = qa.post(f"/api/v1/sampling/plans/{plan}/draw", params={"day": "2026-03-04"}).json()
    assert (drawn["added"], drawn["period_start"]) == (6, "2026-03-02")  # 3 agents x 2
    items = qa.get(f"/api/v1/sampling/plans/{plan}/items", params={"day": "2026-03-04"}).json()
    assert len(items) == 6 and {i["assigned_to"] for i in items} == {"qa1", "qa2"}
    workload = {w["evaluator"]: w for w in qa.get("/api/v1/sampling/workload").json()}
    assert workload["qa1"]["assigned"] == 3 and workload["qa1"]["open"] == 3
    page = qa.get("/quality/sampling", params={"plan": plan})
    assert page.status_code == 200 and "Web plan" in page.text and items[0]["contact_id"] in page.text
    assert qa.post("/api/v1/sampling/plans", json={"name": "bad", "n_per_agent": 0, "evaluators": ["qa1"]}
                   ).status_code == 422
    for user in ("supA", "ag1"):
        other = client(url, user)
        assert other.get("/quality/sampling").status_code == 403
        assert other.get("/api/v1/sampling/plans").status_code == 403


def test_calibration_api_blind_then_revealed(server: tuple[str, Runtime]) -> None:
    url, runtime = server
    version = add_form(runtime)
    qa1, qa2 = client(url, "qa1"), client(url, "qa2")
    made = qa1.post("/api/v1/calibration/sessions", json={
        "name": "Web calibration", "form_version_id": version, "contact_ids": ["k1-5", "k2-5"],
        "participants": ["qa1", "qa2"], "reference": "consensus", "scheduled_on": "2026-03-06"})
    assert made.status_code == 201, made.text
    sid = made.json()["session"]["id"]
    rows = [c["id"] for c in made.json()["session"]["contacts"]]
    answers = {"q1": "yes", "q2": "no", "q3": "4"}
    for row in rows:
        r = qa1.put(f"/api/v1/calibration/sessions/{sid}/contacts/{row}/score", json={"answers": answers,
                                                                                     "submit": True})
        assert r.status_code == 200, r.text
    blind = qa2.get(f"/api/v1/calibration/sessions/{sid}").json()
    assert blind["revealed"] is False and blind["scores"] == [] and blind["analysis"] is None
    page = qa2.get(f"/quality/calibration/{sid}")
    assert page.status_code == 200 and 'id="blind-note"' in page.text
    for row in rows:
        qa2.put(f"/api/v1/calibration/sessions/{sid}/contacts/{row}/score",
                json={"answers": {"q1": "yes", "q2": "yes", "q3": "4"}, "submit": True}).raise_for_status()
    seen = qa2.get(f"/api/v1/calibration/sessions/{sid}").json()
    assert seen["revealed"] and len(seen["scores"]) == 4
    questions = {q["question_id"]: q for q in seen["analysis"]["questions"]}
    # q1 and q3 always agree (2 of 2 contacts), q2 never does
    assert questions["q1"]["percent_agreement"] == 1.0 and questions["q2"]["percent_agreement"] == 0.0
    resubmit = qa2.put(f"/api/v1/calibration/sessions/{sid}/contacts/{rows[0]}/score",
                       json={"answers": answers, "submit": True})
    assert resubmit.status_code == 409
    assert qa2.post(f"/api/v1/calibration/sessions/{sid}/close").status_code == 403  # not the facilitator
    assert qa1.post(f"/api/v1/calibration/sessions/{sid}/close").json()["session"]["status"] == "closed"
    listing = qa1.get("/quality/calibration")
    assert listing.status_code == 200 and "Web calibration" in listing.text
    detail = qa1.get(f"/quality/calibration/{sid}")
    assert 'id="evaluators"' in detail.text and 'id="questions"' in detail.text
    assert client(url, "ag1").get(f"/api/v1/calibration/sessions/{sid}").status_code == 403


def test_calibration_form_posts(server: tuple[str, Runtime]) -> None:
    """The HTML forms: create a session, save a draft answer, submit (CSRF token from the page)."""
    url, runtime = server
    version = add_form(runtime)
    qa1 = client(url, "qa1")
    token = qa1.headers["X-CSRF-Token"]
    made = qa1.post("/quality/calibration", data={"csrf_token": token, "name": "Form session",
                                                  "form_version_id": str(version), "contact_ids": "k3-7",
                                                  "participants": "qa1, qa2", "reference": "expert", "expert": "qa3"})
    assert made.status_code == 303, made.text
    sid = int(made.headers["location"].rsplit("/", 1)[1])
    row = runtime.calibration.detail(runtime.users.viewer("qa1"), sid).session.contacts[0].id
    saved = qa1.post(f"/quality/calibration/{sid}/contacts/{row}",
                     data={"csrf_token": token, "q:q1": "yes", "q:q2": "no", "q:q3": "3", "action": "save"})
    assert saved.status_code == 303
    mine = runtime.calibration.detail(runtime.users.viewer("qa1"), sid).mine
    assert mine[0].answers == {"q1": "yes", "q2": "no", "q3": "3"} and not mine[0].submitted
    bad = qa1.post("/quality/calibration", data={"csrf_token": token, "name": "x", "form_version_id": str(version),
                                                 "contact_ids": "nope", "participants": "qa1, qa2",
                                                 "reference": "consensus"})
    assert bad.status_code == 422 and "no handled contact" in bad.text


def test_reports_roles_and_scope(server: tuple[str, Runtime]) -> None:
    url, runtime = server
    from callboard.store.appdb.quality_models import QaEvaluation

    version = add_form(runtime)
    t = dt.datetime(2026, 3, 4, 9)
    with runtime.app_db.session() as s:
        for i, (agent, ev, score) in enumerate((("a1", "qa1", 80.0), ("a1", "qa2", 90.0), ("a3", "qa1", 70.0))):
            s.add(QaEvaluation(form_version_id=version, source="cal", contact_id=f"rep-{i}", agent_id=agent,
                               contact_at=t, evaluator=ev, state="submitted", is_calibration=False, revision=1,
                               answers_json=json.dumps({"q1": "yes", "q2": "yes", "q3": "5"}), score_pct=score,
                               fatal=False, critical_failed=False, created_at=t, updated_at=t,
                               submitted_at=t + dt.timedelta(minutes=10)))
    params = {"from": "2026-03-02", "to": "2026-03-08"}
    sup = client(url, "supA")
    adjusted = sup.get("/api/v1/qa-reports/adjusted", params=params).json()
    assert {a["agent_id"] for a in adjusted["agents"]} == {"a1"}  # a3 is in team tB: not supA's
    assert adjusted["evaluations"] == 3  # the model still learns from every evaluation
    ops = sup.get("/api/v1/qa-reports/operations", params=params).json()
    assert {d["evaluator"]: d["evaluations"] for d in ops["disputes"]} == {"qa1": 1, "qa2": 1}
    page = sup.get("/quality/reports", params=params)
    assert page.status_code == 200 and 'id="adjusted-scores"' in page.text and "a3" not in page.text.split(
        'id="adjusted-scores"')[1].split("</table>")[0]
    ag = client(url, "ag1")
    assert ag.get("/quality/reports").status_code == 403
    assert ag.get("/api/v1/qa-reports/operations").status_code == 403
    assert client(url, "qa1").get("/quality/reports", params=params).status_code == 200
