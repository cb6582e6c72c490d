"""Wide tables stay inside their cards at 1440x900 in real Chromium: every column of the team scorecard's
ranking (six items, so Score, Ranking score and Coverage come last) and of the QA reports' tables is either
inside the card or reachable by a scrollbar inside the card that is on screen. Screenshots are kept in
/tmp/callboard-wide-tables/ to look at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from callboard.core.viewer import LOCAL_OWNER
from callboard.scorecards.config import ItemSpec, ScorecardSpec
from tests.quality.quality_data import FORM, PASSWORD, build, contact_of
from tests.web.web_browser import chromium_page
from tests.web.web_live import serving, sign_in_page
from tests.web.web_sample_data import FIRST_DAY

SHOTS = Path("/tmp/callboard-wide-tables")
ANSWERS = {"greet": "yes", "verify": "yes", "summary": "no", "rude": "no", "notes": "ok"}

# For each table.data: its right edge, the card's inner right edge, and whether a box between them scrolls
# horizontally with its scrollbar on screen (its bottom edge within the window once its top is in view).
MEASURE = """() => [...document.querySelectorAll('table.data')].map(t => {
  const card = t.closest('.card');
  let box = t.parentElement, scroller = null;
  while (box && box !== card) {
    const s = getComputedStyle(box);
    if (['auto', 'scroll'].includes(s.overflowX) && box.scrollWidth > box.clientWidth) { scroller = box; break; }
    box = box.parentElement;
  }
  const c = card.getBoundingClientRect(), pad = parseFloat(getComputedStyle(card).paddingRight);
  const heads = [...t.querySelectorAll('thead th')].map(th => ({text: th.innerText.replace(/\\s+/g, ' ').trim(),
                                                               right: th.getBoundingClientRect().right}));
  return {id: t.id, right: t.getBoundingClientRect().right, cardRight: c.right - pad + 1, heads,
          scroller: scroller ? {right: scroller.getBoundingClientRect().right,
                                height: scroller.getBoundingClientRect().height} : null};
})"""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    runtime = build(tmp_path_factory.mktemp("wide-tables"))
    q, qa = runtime.quality, runtime.users.viewer("qa")
    form_id = q.create_form(qa, FORM)
    q.publish_form(qa, form_id)
    for agent in ("ana", "ben"):
        q.submit(qa, q.start_evaluation(qa, contact_id=contact_of(runtime, agent, 0), form_id=form_id), ANSWERS)
    runtime.scorecards.create_scorecard(LOCAL_OWNER, ScorecardSpec("Aurora monthly", "team", "Team Aurora", "month", (
        ItemSpec("kpi", "service_level", 15, 0.6, 0.9), ItemSpec("kpi", "aht_s", 15, 600, 120),
        ItemSpec("kpi", "fcr_rate", 20, 0.6, 0.9), ItemSpec("kpi", "csat", 20, 0.5, 0.9),
        ItemSpec("kpi", "transfer_rate", 10, 0.2, 0.02), ItemSpec("qa", "qa_score", 20, 60, 90))))
    with serving(runtime) as base:
        yield base


def _unreachable(tables: list[dict[str, Any]], window_height: int) -> list[str]:
    wrong = []
    for t in tables:
        if t["right"] <= t["cardRight"]:
            continue  # fits
        s = t["scroller"]
        if s is None or s["right"] > t["cardRight"] or s["height"] > window_height:
            cut = [h["text"] for h in t["heads"] if h["right"] > t["cardRight"]]
            wrong.append(f"#{t['id']}: columns {cut} past the card, scroller {s}")
    return wrong


@pytest.mark.browser
def test_wide_tables_stay_reachable_in_their_cards(url: str, tmp_path: Path) -> None:
    SHOTS.mkdir(exist_ok=True)
    with chromium_page(tmp_path / "profile", width=1440, height=900) as page:
        sign_in_page(page, url, "root", PASSWORD)
        page.goto(url + "/scorecards/team/" + quote("Team Aurora"))
        tables = page.evaluate(MEASURE)
        ranking = next(t for t in tables if t["id"] == "ranking")
        assert [h["text"] for h in ranking["heads"]][-3:] == ["SCORE", "RANKING SCORE", "COVERAGE"]
        page.locator("#ranking").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "team_scorecard.png"))
        assert not _unreachable(tables, 900), _unreachable(tables, 900)
        # at 1440 px the ranking fits: its last three columns are on screen without scrolling
        assert all(h["right"] <= ranking["cardRight"] for h in ranking["heads"])

        today = dt.datetime.now(dt.timezone.utc).date()  # productivity counts by submission date: today
        page.goto(url + f"/quality/reports?from={FIRST_DAY.isoformat()}&to={today.isoformat()}")
        tables = page.evaluate(MEASURE)
        assert {"productivity", "disputes"} <= {t["id"] for t in tables}
        page.locator("#productivity").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "qa_reports.png"))
        assert not _unreachable(tables, 900), _unreachable(tables, 900)
