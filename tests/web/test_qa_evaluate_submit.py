"""A failed submit on /quality/evaluate/{contact} creates nothing and keeps the answers on the page; opening the
contact again continues the evaluator's one draft instead of starting another (the audit found a stray draft per
failed submit: #235, then #236 for the same contact). Real HTTP on the quality sample (tests/quality/quality_data)."""

from __future__ import annotations

import html
import re

from tests.quality.quality_data import contact_of
from tests.quality.quality_live import QualityServer, quality_server  # noqa: F401 - the module's live server


def _evaluations(served: QualityServer, contact: str) -> list[tuple[int, str]]:
    qa = served.runtime.users.viewer("qa")
    return sorted((e.id, e.state) for e in served.runtime.quality.list_evaluations(qa) if e.contact.contact_id == contact)


def test_failed_submit_creates_no_draft_and_keeps_answers(quality_server: QualityServer) -> None:
    served = quality_server
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
