"""The evaluator-adjusted QA score beside the raw one on the agent page and on the agent's scorecard QA slot.

Confounded design, solved by hand: the lenient evaluator `qa` scores only ana (100); the strict `qa2` scores ana
(X) and ben (X, same answers). Two-way model score = agent + evaluator with qa + qa2 = 0, three evaluations and
three free parameters, so it fits exactly: qa - qa2 = 100 - X -> qa = (100 - X) / 2, qa2 = -(100 - X) / 2;
ana = 100 - qa = (100 + X) / 2 (her raw mean, adjustment 0); ben = X - qa2 = X + (100 - X) / 2 = (100 + X) / 2,
so ben's raw X is raised by (100 - X) / 2 points: he was scored only by the strict evaluator.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

import httpx
import pytest

from callboard.core.viewer import LOCAL_OWNER
from callboard.quality.adjusted import EXPLANATION
from callboard.scorecards.config import ItemSpec, ScorecardSpec
from tests.quality.quality_data import FORM, PASSWORD, build, contact_of
from tests.web.web_live import sign_in, start_server

ALL_YES = {"greet": "yes", "verify": "yes", "summary": "yes", "rude": "no", "notes": "fine"}
SOME_NO = {"greet": "no", "verify": "yes", "summary": "no", "rude": "no", "notes": "missed two"}


@dataclass
class Served:
    url: str
    x: float  # the strict evaluator's score for SOME_NO

    def client(self, username: str) -> httpx.Client:
        return sign_in(httpx.Client(base_url=self.url, timeout=120), username, PASSWORD)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    runtime = build(tmp_path_factory.mktemp("qa-adjusted"))
    runtime.users.create_user(LOCAL_OWNER, username="qa2", password=PASSWORD, role="qa_analyst")
    runtime.org.assign_site(LOCAL_OWNER, username="qa2", site_id="north")
    q = runtime.quality
    qa, qa2 = runtime.users.viewer("qa"), runtime.users.viewer("qa2")
    form_id = q.create_form(qa, FORM)
    q.publish_form(qa, form_id)
    scores = []
    for viewer, agent, skip, answers in ((qa, "ana", 0, ALL_YES), (qa2, "ana", 1, SOME_NO), (qa2, "ben", 0, SOME_NO)):
        eid = q.start_evaluation(viewer, contact_id=contact_of(runtime, agent, skip), form_id=form_id)
        q.submit(viewer, eid, answers)
        scores.append(q.get_evaluation(viewer, eid).score_pct)
    assert scores[0] == 100.0 and scores[1] == scores[2] and scores[1] < 100.0
    runtime.scorecards.create_scorecard(LOCAL_OWNER, ScorecardSpec("Aurora monthly", "team", "Team Aurora", "month", (
        ItemSpec("kpi", "aht_s", 50, 600, 120), ItemSpec("qa", "qa_score", 50, 60, 90))))
    server, thread, url, _ = start_server(runtime)
    try:
        yield Served(url, scores[1])
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        runtime.close()


def _block(client: httpx.Client, path: str, start: str, end: str) -> str:
    """The page's unescaped HTML from `start` to the first `end` after it (the page must answer 200)."""
    page = client.get(path)
    assert page.status_code == 200
    text = html.unescape(page.text)
    block = text[text.index(start):]
    return block[:block.index(end)]


def test_agent_page_shows_raw_and_adjusted(served: Served) -> None:
    x = served.x
    with closing(served.client("sup")) as client:
        block = _block(client, "/agents/ben", 'id="qa-score"', "</section>")
        raw = block[block.index('data-qa="raw"'):block.index('data-qa="adjusted"')]
        adjusted = block[block.index('data-qa="adjusted"'):]
        assert f">{x:.1f}<" in raw and "mean of 1 evaluation " in raw
        assert f">{(100 + x) / 2:.1f}<" in adjusted and f"{(100 - x) / 2:+.1f} points" in adjusted
        assert EXPLANATION in block
        # ana: raw (100 + X) / 2, adjusted the same (she was scored by both evaluators)
        ana = html.unescape(client.get("/agents/ana").text)
        ana = ana[ana.index('id="qa-score"'):]
        assert ana.count(f">{(100 + x) / 2:.1f}<") >= 2 and "+0.0 points" in ana
    with closing(served.client("ana")) as client:  # an agent sees her own
        own = html.unescape(client.get("/agents/ana").text)
        assert 'id="qa-score"' in own and "Adjusted for evaluators" in own
        assert client.get("/agents/ben").status_code == 403


def test_scorecard_qa_slot_keeps_raw_scored_and_shows_adjusted(served: Served) -> None:
    x = served.x
    with closing(served.client("sup")) as client:
        row = _block(client, "/scorecards/agent/ben", 'data-metric="qa_score"', "</tr>")
        assert f"adjusted for evaluators {(100 + x) / 2:.1f} ({(100 - x) / 2:+.1f}; raw {x:.1f} is scored)" in row
        assert EXPLANATION in row
        card = client.get("/api/v1/scorecards/agent/ben").json()
        values = [i["value"] for i in card["agent"]["items"] if i["kind"] == "qa"]
        assert values == [pytest.approx(x)]  # the scored value stays the raw mean
        # the agent page's scorecard card carries the same line under the QA value
        agent_page = html.unescape(client.get("/agents/ben").text)
        assert f"adjusted {(100 + x) / 2:.1f}" in agent_page[agent_page.index('id="scorecard"'):]
