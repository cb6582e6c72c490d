"""Quality API and pages over real HTTP: roles, scope, the dispute flow, CSRF, forms and exemplars."""

from __future__ import annotations

import pytest

from tests.quality.quality_data import contact_of
from tests.quality.quality_live import QualityServer, quality_server  # noqa: F401 - fixture

ANSWERS = {"greet": "no", "verify": "yes", "summary": "yes", "rude": "no", "notes": "ok"}


def test_api_flow_and_access(quality_server: QualityServer) -> None:  # noqa: F811
    s = quality_server
    qa, ana, ben_sup, planner = s.client("qa"), s.client("ana"), s.client("sup"), s.client("planner")
    contact = contact_of(s.runtime, "ana", 5)
    made = qa.post("/api/v1/quality/evaluations", json={"contact_id": contact, "form_id": s.form_id,
                                                       "answers": ANSWERS, "submit": True})
    assert made.status_code == 201, made.text
    ev = made.json()
    # opening (40): 1 of 2, closing (20): 2 of 2 → (40 + 40) / (80 + 40) = 66.67%
    assert ev["state"] == "submitted" and ev["score_pct"] == pytest.approx(200 / 3)
    eid = ev["id"]
    assert ana.get(f"/api/v1/quality/evaluations/{eid}").json()["dispute_seconds_left"] > 6 * 86400
    assert planner.get(f"/api/v1/quality/evaluations/{eid}").status_code == 403  # planners: no view_evaluations
    assert ana.post("/api/v1/quality/forms", json={"definition": {}}).status_code == 403
    disputed = ana.post(f"/api/v1/quality/evaluations/{eid}/disputes",
                        json={"items": [{"question_id": "greet", "reason": "I greeted by name"}]})
    assert disputed.status_code == 200 and disputed.json()["state"] == "disputed"
    did = disputed.json()["disputes"][0]["id"]
    assert qa.post(f"/api/v1/quality/evaluations/{eid}/disputes/{did}/decision",
                   json={"accept": True, "new_answer": "yes"}).status_code == 403  # evaluator is not the arbiter
    decided = ben_sup.post(f"/api/v1/quality/evaluations/{eid}/disputes/{did}/decision",
                           json={"accept": True, "new_answer": "yes", "note": "heard it"})
    assert decided.json()["state"] == "resolved" and decided.json()["score_pct"] == pytest.approx(100.0)
    assert [r["score_pct"] for r in decided.json()["revisions"]] == [pytest.approx(200 / 3), pytest.approx(100.0)]
    assert any(n["link"] == f"/quality/evaluations/{eid}" for n in ana.get("/api/v1/quality/notifications").json())
    # CSRF: a JSON POST without the header is refused
    ana.headers.pop("X-CSRF-Token")
    assert ana.post(f"/api/v1/quality/evaluations/{eid}/comments", json={"text": "hi"}).status_code == 403


def test_scope_lists_and_pages(quality_server: QualityServer) -> None:  # noqa: F811
    s = quality_server
    qa = s.client("qa")
    for agent in ("ben", "eli"):
        r = qa.post("/api/v1/quality/evaluations", json={"contact_id": contact_of(s.runtime, agent), "form_id": s.form_id,
                                                         "answers": ANSWERS, "submit": True})
        assert r.status_code == 201, r.text
    sup_agents = {e["contact"]["agent_id"] for e in s.client("sup").get("/api/v1/quality/evaluations").json()}
    assert "eli" not in sup_agents and "ben" in sup_agents  # sup sees Team Aurora only
    assert {e["contact"]["agent_id"] for e in s.client("ana").get("/api/v1/quality/evaluations").json()} <= {"ana"}
    summary = {r["key"]: r for r in qa.get("/api/v1/quality/summary?by=agent").json()}
    assert summary["eli"]["qa_score"] == pytest.approx(200 / 3)
    assert s.client("ana").get("/api/v1/quality/summary?by=team").status_code == 403
    for user, path in (("qa", "/quality"), ("ana", "/quality"), ("sup", "/quality"), ("qa", "/quality/forms"),
                       ("qa", f"/quality/forms/{s.form_id}"), ("ana", "/quality/exemplars"),
                       ("qa", f"/quality/evaluate/{contact_of(s.runtime, 'carla')}")):
        page = s.client(user).get(path)
        assert page.status_code == 200, (user, path, page.text[:300])
    assert s.client("ana").get(f"/quality/evaluate/{contact_of(s.runtime, 'ana')}").status_code == 403
    assert s.client("planner").get("/quality").status_code == 403
    assert s.client("qa").get(f"/quality/evaluate/{contact_of(s.runtime, 'ivo')}").status_code == 200  # site south
    assert s.client("sup").get(f"/api/v1/quality/evaluations?agent_id=eli").json() == []


def test_forms_import_and_exemplars_api(quality_server: QualityServer) -> None:  # noqa: F811
    s = quality_server
    qa = s.client("qa")
    from tests.quality.test_forms_imports import AMAZON, GENESYS_TF
    import json

    g = qa.post("/api/v1/quality/forms/import", json={"kind": "genesys", "text": GENESYS_TF})
    assert g.status_code == 201 and g.json()["draft"]["version"] == 1
    a = qa.post("/api/v1/quality/forms/import", json={"kind": "amazon", "text": json.dumps(AMAZON)})
    assert a.json()["draft"]["scoring_mode"] == "pct_weighted_by_question"
    bad = qa.post("/api/v1/quality/forms", json={"definition": {"name": "x", "sections": []}})
    assert bad.status_code == 422
    x = qa.post("/api/v1/quality/exemplars", json={"contact_id": contact_of(s.runtime, "dev"), "title": "Model call",
                                                   "tags": ["empathy"], "note": "listen to the close"})
    assert x.status_code == 201
    found = s.client("ana").get("/api/v1/quality/exemplars?q=close").json()
    assert [e["id"] for e in found] == [x.json()["id"]]
