"""Organisation settings reach every KPI: per-queue and per-channel service-level / short-abandon thresholds
are applied per row, and a KPI name means the organisation's default variant (issue 5.3).

Dataset (hand-made, one day): voice queue q_voice and chat queues q_chat and q_vip.

    contact  channel queue   outcome    wait_s
    v1       voice   q_voice answered   10      within 20
    v2       voice   q_voice answered   30      not within 20
    v3       voice   q_voice abandoned   4      short (<= 5)
    h1       chat    q_chat  answered   10      within 20 and 45
    h2       chat    q_chat  answered   30      within 45 only
    h3       chat    q_chat  answered   50      within neither
    h4       chat    q_chat  abandoned   8      short only under a 10 s short-abandon time
    p1       chat    q_vip   answered   12      within 45, not within the VIP queue's own 10
    p2       chat    q_vip   answered    5      within 10
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import Dataset


def dataset() -> Dataset:
    d = Dataset()
    for cid, channel, queue, outcome, wait in [
        ("v1", "voice", "q_voice", "answered", 10), ("v2", "voice", "q_voice", "answered", 30),
        ("v3", "voice", "q_voice", "abandoned", 4),
        ("h1", "chat", "q_chat", "answered", 10), ("h2", "chat", "q_chat", "answered", 30),
        ("h3", "chat", "q_chat", "answered", 50), ("h4", "chat", "q_chat", "abandoned", 8),
        ("p1", "chat", "q_vip", "answered", 12), ("p2", "chat", "q_vip", "answered", 5),
    ]:
        d.entry(d.contact(cid, channel=channel), queue=queue, outcome=outcome, wait_s=wait)
    return d


@pytest.fixture()
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = build_runtime(load_settings(tmp_path))
    rt.store.load(dataset().batch())
    try:
        yield rt
    finally:
        rt.close()


def save(rt: Runtime, **document: object) -> None:
    body = rt.org_settings.current().document.model_dump(mode="json")
    body.update(document)
    rt.org_settings.save(LOCAL_OWNER, body)


def by(rt: Runtime, metric: str, dim: str) -> dict[str, float | None]:
    result = rt.kpi.query(metrics=[metric], by=[dim])
    return {row[dim]: row[metric] for row in result.rows}


def test_built_in_channel_thresholds_apply_before_any_save(runtime: Runtime) -> None:
    # Version 0: voice 20 s (the data directory's setting), chat 45 s (the built-in chat threshold).
    # voice: answered within 20 = v1 -> 1; denominator answered 2 + abandoned 1 - short 1 = 2 -> 0.5
    # chat (q_chat + q_vip): within 45 = h1, h2, p1, p2 -> 4; denominator answered 5 + abandoned 1 - short 0 = 6
    sl = by(runtime, "service_level", "channel")
    assert sl["voice"] == pytest.approx(1 / 2)
    assert sl["chat"] == pytest.approx(4 / 6)
    [column] = runtime.kpi.query(metrics=["service_level"]).metrics
    assert column.resolved == "service_level.callboard(threshold_s=20; chat 45, short_abandon_s=5)"


def test_queue_threshold_wins_over_channel_and_short_abandon_varies(runtime: Runtime) -> None:
    save(runtime,
         channel_thresholds={"chat": {"service_level_target_ratio": 0.8, "service_level_threshold_s": 45,
                                      "short_abandon_s": 10}},
         queue_thresholds={"q_vip": {"service_level_target_ratio": 0.9, "service_level_threshold_s": 10,
                                     "short_abandon_s": 10}})
    sl = by(runtime, "service_level", "queue")
    # q_voice unchanged: 1 / 2
    assert sl["q_voice"] == pytest.approx(0.5)
    # q_chat: within 45 = h1, h2 -> 2; h4 (8 s) is now short: answered 3 + abandoned 1 - short 1 = 3 -> 2/3
    assert sl["q_chat"] == pytest.approx(2 / 3)
    # q_vip: its own 10 s: p2 only -> 1; answered 2 -> 1/2
    assert sl["q_vip"] == pytest.approx(1 / 2)
    # The whole centre: within = v1 + h1 + h2 + p2 = 4; denominator 2 + 3 + 2 answered + 2 abandoned - 2 short = 7
    total = runtime.kpi.query(metrics=["service_level"]).rows[0]["service_level"]
    assert total == pytest.approx(4 / 7)


def test_a_parameter_in_the_request_applies_to_every_row(runtime: Runtime) -> None:
    # threshold 30 everywhere: voice v1, v2 -> 2 / 2; chat h1, h2, p1, p2 -> 4 / 6
    sl = by(runtime, "service_level(threshold_s=30)", "channel")
    assert sl == {"chat": pytest.approx(4 / 6), "voice": pytest.approx(1.0)}
    [column] = runtime.kpi.query(metrics=["service_level(threshold_s=30)"]).metrics
    assert column.resolved == "service_level.callboard(threshold_s=30, short_abandon_s=5)"


def test_the_request_parameter_and_the_settings_are_cached_apart(runtime: Runtime) -> None:
    # Same process, same resolved parameters (20 s, 5 s): chat at 45 s from the settings, then 20 s asked for.
    # chat, settings: 4 / 6 (above); chat at 20 s: h1, p1, p2 within -> 3 / 6.
    assert by(runtime, "service_level", "channel")["chat"] == pytest.approx(4 / 6)
    assert by(runtime, "service_level(threshold_s=20)", "channel")["chat"] == pytest.approx(3 / 6)
    assert by(runtime, "service_level", "channel")["chat"] == pytest.approx(4 / 6)


def test_default_variant_follows_the_organisation(runtime: Runtime) -> None:
    save(runtime, metric_defaults={"service_level": "service_level.answered_only"})
    result = runtime.kpi.query(metrics=["service_level", "service_level.callboard"], by=["channel"])
    named = {c.requested: c.resolved.split("(")[0] for c in result.metrics}
    assert named == {"service_level": "service_level.answered_only",
                     "service_level.callboard": "service_level.callboard"}
    rows = {r["channel"]: r for r in result.rows}
    # answered_only: within / answered. voice 1 / 2; chat (45 s) 4 / 5
    assert rows["voice"]["service_level"] == pytest.approx(1 / 2)
    assert rows["chat"]["service_level"] == pytest.approx(4 / 5)
    assert rows["chat"]["service_level.callboard"] == pytest.approx(4 / 6)


def test_statistic_aliases_keep_their_definition() -> None:
    from callboard.metrics.catalog import Catalog

    catalog = Catalog.load()
    overrides = {"csat": "csat.mean", "aht": next(m.id for m in catalog.kpis()["aht"] if not m.default)}
    # csat_top2_rate names a statistic: it stays top-2-box whatever the csat default is
    assert catalog.find("csat_top2_rate", overrides).id == catalog.aliases["csat_top2_rate"]
    # aht_s names the KPI itself: it follows the organisation's AHT variant
    assert catalog.find("aht_s", overrides).id == overrides["aht"]


def test_a_saved_change_shows_in_the_next_query(runtime: Runtime) -> None:
    assert by(runtime, "service_level", "channel")["voice"] == pytest.approx(0.5)
    save(runtime, channel_thresholds={"voice": {"service_level_target_ratio": 0.8, "service_level_threshold_s": 30,
                                                "short_abandon_s": 5}})
    # voice at 30 s: v1, v2 within -> 2 / 2 (the cached answer from before the save is not reused)
    assert by(runtime, "service_level", "channel")["voice"] == pytest.approx(1.0)


@pytest.mark.spark
def test_per_row_thresholds_give_the_same_numbers_on_spark(runtime: Runtime, spark_session: object,
                                                            tmp_path: Path) -> None:
    """The same organisation rules through the Spark engine (the store exported to Parquet)."""
    from callboard.metrics.service import KpiService
    from callboard.store.spark_store import SparkStore

    save(runtime, queue_thresholds={"q_vip": {"service_level_target_ratio": 0.9, "service_level_threshold_s": 10,
                                              "short_abandon_s": 5}})
    runtime.store.export_parquet(tmp_path / "parquet")
    spark = KpiService(store=SparkStore(tmp_path / "parquet", session=spark_session), catalog=runtime.catalog,
                       settings=runtime.settings, org_rules=runtime.kpi.org_rules)
    rows = {r["queue"]: r["service_level"] for r in spark.query(metrics=["service_level"], by=["queue"]).rows}
    # q_voice 1/2 (20 s); q_chat at 45 s: h1, h2 within, answered 3 + abandoned 1 - short 0 = 4 -> 2/4;
    # q_vip at its own 10 s: p2 only -> 1/2
    assert rows == {"q_voice": pytest.approx(0.5), "q_chat": pytest.approx(0.5), "q_vip": pytest.approx(0.5)}
