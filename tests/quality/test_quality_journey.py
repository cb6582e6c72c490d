"""In Chromium: the QA analyst scores one of ana's contacts on /quality/evaluate, ana disputes one answer inside the
window, and her supervisor accepts the dispute, which re-scores the evaluation as revision 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.quality.quality_data import PASSWORD, contact_of
from tests.quality.quality_live import QualityServer, quality_server  # noqa: F401 - fixture
from tests.web.web_browser import chromium_page
from tests.web.web_live import sign_in_page


def _sign_out(page: object, url: str) -> None:
    page.context.clear_cookies()  # type: ignore[attr-defined]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's Chromium is not installed")
def test_score_dispute_resolve(quality_server: QualityServer, tmp_path: Path) -> None:  # noqa: F811
    s = quality_server
    contact = contact_of(s.runtime, "ana", 9)
    with chromium_page(tmp_path / "profile") as page:
        sign_in_page(page, s.url, "qa", PASSWORD)
        page.goto(f"{s.url}/quality/evaluate/{contact}")
        assert "Transcript" in page.content()
        for qid, answer in (("greet", "no"), ("verify", "yes"), ("summary", "yes"), ("rude", "no")):
            page.check(f'input[name="a_{qid}"][value="{answer}"]')
        page.fill('textarea[name="a_notes"]', "Missed the greeting")
        page.click('button[value="submit"]')
        page.wait_for_url("**/quality/evaluations/*")
        eid = int(page.url.rsplit("/", 1)[1])
        # opening (40): 1 of 2, closing (20): 2 of 2 → (40 + 40) / (80 + 40) = 66.7%
        assert page.inner_text("#qa-score") == "66.7%"
        _sign_out(page, s.url)

        sign_in_page(page, s.url, "ana", PASSWORD)
        page.goto(f"{s.url}/quality")
        page.click(f'a[href="/quality/evaluations/{eid}"] >> nth=0')
        assert page.inner_text("#qa-countdown").startswith("6d 23h")  # counting down from 7 days
        page.check('input[name="dispute"][value="greet"]')
        page.fill('input[name="reason_greet"]', "I greeted the customer by name at 0:03")
        page.click('#dispute-form button[type="submit"]')
        page.wait_for_selector('[data-state="disputed"]')
        _sign_out(page, s.url)

        sign_in_page(page, s.url, "sup", PASSWORD)
        page.goto(f"{s.url}/quality/evaluations/{eid}")
        assert "I greeted the customer by name" in page.content()
        form = page.locator("form.qa-decide")
        form.locator('input[name="new_answer"][value="yes"]').check()
        form.locator('input[name="note"]').fill("Heard it on the recording")
        form.locator('button[value="accept"]').click()
        page.wait_for_selector('[data-state="resolved"]')
        assert page.inner_text("#qa-score") == "100.0%"  # every scored question met
    ev = s.runtime.quality.get_evaluation(s.runtime.users.viewer("ana"), eid)
    assert ev.state == "resolved" and [r.score_pct for r in ev.revisions] == [pytest.approx(200 / 3), 100.0]
