"""The audit page shows what changed in a record (before and after of the changed keys only), with the full
records behind a <details> element."""

from __future__ import annotations

import html

import httpx

from callboard.web.pages.admin import FieldChange, audit_diff


def test_diff_lists_only_changed_keys_nested_by_path() -> None:
    before = {"version": 3, "site_time_zones": {"s1": "UTC"},
              "channel_thresholds": {"chat": {"service_level_target_ratio": 0.8, "service_level_threshold_s": 45.0},
                                     "voice": {"service_level_target_ratio": 0.8, "service_level_threshold_s": 20.0}}}
    after = {"version": 4, "site_time_zones": {"s1": "UTC"},
             "channel_thresholds": {"chat": {"service_level_target_ratio": 0.8, "service_level_threshold_s": 60.0},
                                    "voice": {"service_level_target_ratio": 0.8, "service_level_threshold_s": 20.0}}}
    assert audit_diff(before, after) == (
        FieldChange("version", "changed", "3", "4"),
        FieldChange("channel_thresholds.chat.service_level_threshold_s", "changed", "45.0", "60.0"),
    )


def test_diff_added_and_removed_keys_are_one_line_each_with_their_whole_value() -> None:
    before = {"queue_thresholds": {"q1": {"service_level_threshold_s": 15.0}}, "note": None}
    after = {"queue_thresholds": {"q2": {"service_level_threshold_s": 30.0}}, "note": None, "tags": ["a", "b"]}
    assert audit_diff(before, after) == (
        FieldChange("queue_thresholds.q1", "removed", '{"service_level_threshold_s": 15.0}', ""),
        FieldChange("queue_thresholds.q2", "added", "", '{"service_level_threshold_s": 30.0}'),
        FieldChange("tags", "added", "", '["a", "b"]'),
    )


def test_diff_of_a_created_or_deleted_record_and_of_equal_records() -> None:
    goal = {"name": "AHT", "target": 300.0, "owner": "sup"}
    assert [c.path for c in audit_diff(None, goal)] == ["name", "target", "owner"]
    assert {c.kind for c in audit_diff(None, goal)} == {"added"}
    assert [(c.path, c.kind, c.before) for c in audit_diff(goal, None)][1] == ("target", "removed", "300.0")
    assert audit_diff(goal, dict(goal)) == ()
    assert audit_diff(None, None) == ()
    # a value that turns from a dict into a scalar is a change of the whole value
    assert audit_diff({"a": {"b": 1}}, {"a": 2}) == (FieldChange("a", "changed", '{"b": 1}', "2"),)


def test_audit_page_shows_the_settings_change_compactly(client: httpx.Client) -> None:
    current = client.get("/api/v1/settings").json()
    doc = current["document"]
    changed = {**doc, "queue_thresholds": {**doc["queue_thresholds"],
                                           "q-audit-diff-test": {"service_level_target_ratio": 0.9,
                                                                 "service_level_threshold_s": 33.0,
                                                                 "short_abandon_s": 4.0}}}
    saved = client.put("/api/v1/settings", json={"document": changed, "expected_version": current["version"]})
    assert saved.status_code == 200, saved.text
    try:
        page = client.get("/admin/audit", params={"entity": "settings", "limit": 1})
        assert page.status_code == 200
        text = html.unescape(page.text)
        row = text[text.index('data-entity="settings"'):text.index("</tr>", text.index('data-entity="settings"'))]
        before = row[row.index('class="audit-change audit-before"'):row.index('class="audit-change audit-after"')]
        after = row[row.index('class="audit-change audit-after"'):row.index('class="audit-full-cell"')]
        # only the changed keys are listed, the new queue's thresholds as one added value ...
        assert "queue_thresholds.q-audit-diff-test" in before and "(none)" in before and "33.0" not in before
        assert "queue_thresholds.q-audit-diff-test" in after and "33.0" in after
        assert f">{current['version']}</span>" in before and f">{current['version'] + 1}</span>" in after
        # ... and no unchanged key of the document (outside the full JSON)
        for cell in (before, after):
            assert "channel_thresholds" not in cell and "site_time_zones" not in cell
        # the full records are one click away
        full = row[row.index('class="audit-full-cell"'):]
        assert "<details" in full and "<summary>" in full and '"channel_thresholds"' in full
    finally:
        restored = client.put("/api/v1/settings", json={"document": doc, "expected_version": saved.json()["version"]})
        assert restored.status_code == 200, restored.text
