"""A failed submit on /quality/evaluate/{contact} creates nothing and keeps the answers on the page; opening the
contact again continues the evaluator's one draft instead of starting another (the audit found a stray draft per
failed submit: #235, then #236 for the same contact). Real HTTP on the quality sample (tests/quality/quality_data)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from callboard.runtime import Runtime
from tests.quality.quality_data import FORM, PASSWORD, build, contact_of
from tests.web.web_live import sign_in, start_server


@dataclass
class Served:
    url: str
    runtime: Runtime
    form_id: int

    def client(self, username: str) -> httpx.Client:
        return sign_in(httpx.Client(base_url=self.url, timeout=120, follow_redirects=False), username, PASSWORD)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    runtime = build(tmp_path_factory.mktemp("qa-submit"))
    qa = runtime.users.viewer("qa")
    form_id = runtime.quality.create_form(qa, FORM)
    runtime.quality.publish_form(qa, form_id)
    server, thread, url, _ = start_server(runtime)
    try:
        yield Served(url, runtime, form_id)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        runtime.close()


def _evaluations(served: Served, contact: str) -> list[tuple[int, str]]:
    qa = served.runtime.users.viewer("qa")
    return sorted((e.id, e.state) for e in served.runtime.quality.list_evaluations(qa) if e.contact.contact_id == contact)


def test_failed_submit_creates_no_draft_and_keeps_answers(served: Served) -> None:
    contact = contact_of(served.runtime, "ana", 0)
    qa = served.client("qa")
    base = {"csrf_token": qa.headers["X-CSRF-Token"], "form_id": str(served.form_id), "action": "submit"}
    empty = qa.post(f"/quality/evaluate/{contact}", data=base)
    assert empty.status_code == 422 and _evaluations(served, contact) == []  # nothing created
    text = html.unescape(empty.text)
    assert "Greeted the customer by name?" in text.split('role="alert"')[1][:600]  # question text, not 'greet'
    # some answers, one scored question left: still nothing created, and the page keeps what was chosen
    partial = qa.post(f"/quality/evaluate/{contact}", data={**base, "a_greet": "yes", "a_verify": "yes",
                                                            "a_rude": "no"})
    assert partial.status_code == 422 and _evaluations(served, contact) == []
    checked = set(re.findall(r'name="(a_\w+)" value="(\w+)"[^>]*checked', partial.text))
    assert {("a_greet", "yes"), ("a_verify", "yes"), ("a_rude", "no")} <= checked
    assert 'class="qa-q qa-missing" data-qid="summary"' in partial.text
    # a saved draft, then a failed submit from a fresh page and a good one: still one evaluation of the contact
    saved = qa.post(f"/quality/evaluate/{contact}", data={**base, "action": "save", "a_greet": "yes"})
    assert saved.status_code == 303 and len(_evaluations(served, contact)) == 1
    draft_id = _evaluations(served, contact)[0][0]
    again = qa.get(f"/quality/evaluate/{contact}")  # opened again from the list: the draft, not a new form
    assert f'name="evaluation_id" value="{draft_id}"' in again.text
    assert qa.post(f"/quality/evaluate/{contact}", data=base).status_code == 422
    done = qa.post(f"/quality/evaluate/{contact}", data={**base, "a_greet": "yes", "a_verify": "yes",
                                                         "a_summary": "no", "a_rude": "no"})
    assert done.status_code == 303 and done.headers["location"] == f"/quality/evaluations/{draft_id}"
    assert _evaluations(served, contact) == [(draft_id, "submitted")]
