"""The appraisal packet over real HTTP: JSON, the printed PDF (pdftotext, pdftoppm), CSV, the page and comments.

Data: appraisal_data.py (amy's October 2026: AHT 240 s = "4:00", 3 contacts handled). The PDF's first page
is rendered to PNG in $CALLBOARD_TEST_ARTIFACTS (default: the test's tmp dir) to be looked at.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from callboard.core.settings import load_settings
from callboard.org.audit import entries
from callboard.runtime import Runtime, build_runtime
from callboard.web.format import format_value
from tests.appraisal.appraisal_data import PASSWORD, fill_appraisal_data_dir
from tests.web.web_live import sign_in, start_server

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")


@dataclass
class Server:
    url: str
    runtime: Runtime

    @contextmanager
    def client(self, username: str) -> Iterator[httpx.Client]:
        client = httpx.Client(base_url=self.url, timeout=120, follow_redirects=False)
        try:
            yield sign_in(client, username, PASSWORD)
        finally:
            client.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = fill_appraisal_data_dir(tmp_path_factory.mktemp("appraisal-web") / "data")
    with build_runtime(load_settings(data_dir)) as runtime:
        uvicorn_server, thread, url, _ = start_server(runtime)
        try:
            yield Server(url, runtime)
        finally:
            uvicorn_server.should_exit = True
            thread.join(timeout=30)


def _aht(body: dict) -> float:  # type: ignore[type-arg]
    return next(k["value"] for k in body["kpis"] if k["metric"] == "aht_s")


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) is not installed: scripts/setup.sh")
def test_pdf_shows_the_agent_and_the_api_numbers(server: Server, tmp_path: Path) -> None:
    with server.client("boss") as client:  # a manager exports from their site
        api = client.get("/api/v1/appraisals/amy", params={"period": "2026-10"})
        assert api.status_code == 200, api.text
        assert _aht(api.json()) == pytest.approx(240.0)  # by hand: (240 + 120 + 360) / 3
        pdf = client.get("/api/v1/appraisals/amy.pdf", params={"period": "2026-10"})
    assert pdf.status_code == 200, pdf.text[:300]
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    path = tmp_path / "amy-2026-10.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Amy Lindgren" in text and "October 2026" in text
    aht_text = format_value(_aht(api.json()), "seconds")
    assert aht_text == "4:00"
    assert re.search(rf"Average handle time\s+{re.escape(aht_text)}\s", text), text[:1500]
    assert "No quality evaluation of this agent" in text  # the empty QA section is printed too (no QA data here)
    artifacts = Path(os.environ.get("CALLBOARD_TEST_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(path),
                    str(artifacts / "appraisal-amy-2026-10")], check=True)
    image = next(artifacts.glob("appraisal-amy-2026-10*.png"))
    assert image.stat().st_size > 10_000  # a rendered page, not a blank one


def test_csv_export_and_who_may_download(server: Server) -> None:
    with server.client("sup1") as sup:
        response = sup.get("/api/v1/appraisals/amy.csv", params={"period": "2026-10"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert float(next(r for r in rows if r["metric"] == "aht.callboard")["value"]) == 240.0
    with server.client("amy") as amy:  # agents read their packet but do not export it
        assert amy.get("/api/v1/appraisals/amy", params={"period": "2026-10"}).status_code == 200
        assert amy.get("/api/v1/appraisals/amy.pdf", params={"period": "2026-10"}).status_code == 403
        assert amy.get("/api/v1/appraisals/bob", params={"period": "2026-10"}).status_code == 403
    with server.client("qa") as qa:
        assert qa.get("/api/v1/appraisals/amy", params={"period": "2026-10"}).status_code == 403
        assert qa.get("/agents/amy/appraisal", params={"period": "2026-10"}).status_code == 403
    with server.client("sup2") as other:
        assert other.get("/api/v1/appraisals/amy.csv", params={"period": "2026-10"}).status_code == 403
    with server.client("root") as root:
        assert root.get("/api/v1/appraisals/amy", params={"period": "2026-13"}).status_code == 422


def test_page_comment_form_and_api_comments(server: Server) -> None:
    with server.client("sup1") as sup:
        page = sup.get("/agents/bob/appraisal", params={"period": "2026-10"})
        assert page.status_code == 200 and "Bob Achebe" in page.text and 'name="csrf_token"' in page.text
        assert "/api/v1/appraisals/bob.pdf?period=2026-10" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]  # type: ignore[index]
        form = sup.build_request("POST", "/agents/bob/appraisal/comments",
                                 data={"csrf_token": token, "period": "2026-10", "text": "Great month, Bob."})
        del form.headers["X-CSRF-Token"]  # as a browser posts it: the token in the form only
        posted = sup.send(form)
        assert posted.status_code == 303 and posted.headers["location"].startswith("/agents/bob/appraisal?")
        made = sup.post("/api/v1/appraisals/bob/comments", json={"period": "2026-10", "text": "Second note."})
        assert made.status_code == 201 and made.json()["author_username"] == "sup1"
        listed = sup.get("/api/v1/appraisals/bob/comments", params={"period": "2026-Q4"}).json()
        assert [c["text"] for c in listed] == ["Great month, Bob.", "Second note."]
    with server.client("bob") as bob:
        own = bob.get("/agents/bob/appraisal", params={"period": "2026-10"})
        assert own.status_code == 200 and "Great month, Bob." in own.text
        assert "Add comment" not in own.text and "Download PDF" not in own.text
        assert bob.post("/api/v1/appraisals/bob/comments", json={"period": "2026-10", "text": "me"}).status_code == 403
    with server.runtime.app_db.session() as session:
        assert [e.after["text"] for e in entries(session, entity="appraisal_comment")][:2] == [
            "Second note.", "Great month, Bob."]
