"""Shared quality test data: the web roles sample (tests/web/web_roles.py) with the QA analyst also assigned to
site north, so `qa` evaluates Team Aurora (ana, ben, carla, dev), which `sup` supervises; and a published form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.runtime import Runtime, build_runtime
from tests.web.web_roles import PASSWORD, fill_roles_data_dir

__all__ = ["PASSWORD", "FORM", "build", "contact_of"]

# Genesys weighting worked example (reference §13) plus a fatal question and a text note.
FORM: dict[str, Any] = {
    "name": "Voice basics", "scoring_mode": "points_weighted_by_group", "dispute_window_days": 7,
    "sections": [
        {"id": "open", "title": "Opening", "weight": 40, "questions": [
            {"id": "greet", "text": "Greeted the customer by name?", "type": "yes_no"},
            {"id": "verify", "text": "Verified the account?", "type": "yes_no", "critical": True}]},
        {"id": "close", "title": "Closing", "weight": 20, "questions": [
            {"id": "summary", "text": "Summarised next steps?", "type": "yes_no"},
            {"id": "rude", "text": "Was the agent rude?", "type": "yes_no", "fatal": True, "na_allowed": True,
             "options": [{"id": "no", "label": "No", "points": 1}, {"id": "yes", "label": "Yes", "points": 0}]},
            {"id": "notes", "text": "Notes", "type": "text"}]}]}


def build(tmp: Path) -> Runtime:
    data_dir = fill_roles_data_dir(tmp / "data")
    runtime = build_runtime(load_settings(data_dir))
    runtime.org.assign_site(LOCAL_OWNER, username="qa", site_id="north")
    return runtime


def contact_of(runtime: Runtime, agent_id: str, skip: int = 0) -> str:
    """A contact whose last handling agent is `agent_id` (newest first, `skip` of them skipped)."""
    rows = runtime.store.raw.execute(  # type: ignore[attr-defined]
        "SELECT contact_id FROM agent_segments GROUP BY contact_id "
        "HAVING arg_max(agent_id, connected_at) = ? ORDER BY max(connected_at) DESC, contact_id LIMIT ?",
        [agent_id, skip + 1]).fetchall()
    return str(rows[skip][0])
