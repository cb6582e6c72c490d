"""Hand-built fixtures (fixtures/make_fixtures.py): the rows Callboard derives, the platform's own metrics
agreeing with them, and the KPIs of all of them loaded together."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ingest.connectors.genesys.genesys_helpers import (
    ALL_FIXTURES, FIXTURES, SPEC_EXAMPLE, load, platform_figures, rows,
)

DAY = "2024-03-04 "


def ts(clock: str) -> dt.datetime:
    return dt.datetime.fromisoformat(DAY + clock)


def test_voice_with_holds_and_a_transfer(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    [report] = load(runtime, "voice_hold_transfer.json")  # a {"conversations": [...]} response
    assert (report.rows_read, report.loaded, report.rejected) == (1, 1, 0)
    assert report.unmapped_identities == ("u-alice", "u-bob")
    [contact] = rows(runtime, "contacts", "contact_id")
    assert (contact["channel"], contact["direction"], contact["customer_id"]) == ("voice", "inbound", "+15550100")
    assert contact["disposition"] == contact["topic"] == "wc-sale"  # bob's wrap-up code, the last one given
    assert contact["ended_at"] == contact["updated_at"] == ts("09:10:20")

    sales, support = rows(runtime, "queue_entries", "entry_seq")
    # Q-SALES 09:00:30 -> 09:00:52.5 (after 30 s of IVR, which is not queue time) = 22500 ms = tAcd
    assert (sales["queue_id"], sales["wait_ms"], sales["outcome"], sales["agent_id"]) == ("Q-SALES", 22500, "answered", "u-alice")
    assert sales["enqueued_at"] == ts("09:00:30")
    # alice's blind transfer to Q-SUPPORT: a second entry, 09:06:00 -> 09:06:10 = 10000 ms
    assert (support["queue_id"], support["wait_ms"], support["outcome"], support["agent_id"]) == ("Q-SUPPORT", 10000, "answered", "u-bob")

    alice, bob = rows(runtime, "agent_segments", "segment_seq")
    # alice: interact 127.5 + 75 + 40 s = 242500; hold 45 + 20 s = 65000 in 2 holds; wrap-up 30 s
    assert (alice["agent_id"], alice["talk_ms"], alice["hold_ms"], alice["hold_count"], alice["acw_ms"]) == (
        "u-alice", 242500, 65000, 2, 30000)
    assert alice["contacting_ms"] == 4500  # alert 09:00:48 -> 09:00:52.5
    assert alice["transferred_out"] is True  # her last interact ended with disconnectType transfer
    assert (alice["connected_at"], alice["acw_ended_at"]) == (ts("09:00:52.500"), ts("09:06:30"))
    # bob: interact 170 + 30 s = 200000; hold 30 s once; wrap-up 20 s
    assert (bob["agent_id"], bob["talk_ms"], bob["hold_ms"], bob["hold_count"], bob["acw_ms"]) == (
        "u-bob", 200000, 30000, 1, 20000)
    assert bob["transferred_out"] is False


def test_abandoned_short_abandoned_flowed_out_and_ivr_only(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    [report] = load(runtime, "abandoned.json")  # a JSON array
    assert (report.rows_read, report.loaded, report.rejected) == (4, 4, 0)
    contacts = {c["contact_id"]: c for c in rows(runtime, "contacts", "contact_id")}
    assert contacts["c-ivr-1"]["bot_only"] is True  # customer + IVR only
    assert not any(c["bot_only"] for k, c in contacts.items() if k != "c-ivr-1")
    entries = {e["contact_id"]: e for e in rows(runtime, "queue_entries", "contact_id")}
    assert set(entries) == {"c-abandon-1", "c-abandon-2", "c-flow-1"}  # nothing queued for the IVR-only call
    long, short, flow = entries["c-abandon-1"], entries["c-abandon-2"], entries["c-flow-1"]
    # tAbandon 60000: 10:00:05 -> 10:01:05; alice rang 15 s without answering, so she is the routed agent
    assert (long["outcome"], long["wait_ms"], long["raw_exit_reason"], long["agent_id"]) == ("abandoned", 60000, "peer", "u-alice")
    assert (short["outcome"], short["wait_ms"], short["agent_id"]) == ("abandoned", 3000, None)  # 10:05:01 -> :04
    assert (flow["outcome"], flow["wait_ms"], flow["raw_exit_reason"]) == ("flowed_out", 120000, "transfer")  # tFlowOut
    assert rows(runtime, "agent_segments", "contact_id") == []  # ringing alone is not a handled contact


def test_chat_message_and_outbound_from_json_lines(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    [report] = load(runtime, "chat_message_outbound.jsonl")
    assert (report.rows_read, report.loaded, report.rejected) == (3, 3, 0)
    contacts = {c["contact_id"]: c for c in rows(runtime, "contacts", "contact_id")}
    assert (contacts["c-chat-1"]["channel"], contacts["c-chat-1"]["customer_id"]) == ("chat", "ext-42")  # externalContactId
    assert contacts["c-chat-1"]["disposition"] == "wc-billing"
    assert (contacts["c-msg-1"]["channel"], contacts["c-msg-1"]["customer_id"]) == ("messaging", "+15550120")
    assert (contacts["c-out-1"]["direction"], contacts["c-out-1"]["customer_id"]) == ("outbound", "+15550199")  # DNIS
    segments = {s["contact_id"]: s for s in rows(runtime, "agent_segments", "contact_id")}
    chat, msg, out = segments["c-chat-1"], segments["c-msg-1"], segments["c-out-1"]
    assert (chat["talk_ms"], chat["hold_ms"], chat["acw_ms"], chat["contacting_ms"]) == (720000, 0, 30000, 12000)
    assert (msg["talk_ms"], msg["acw_ms"], msg["contacting_ms"]) == (300000, 0, 0)  # auto-answered, no wrap-up
    # outbound: dialing 3 s + contacting 12 s = dial_ms 15000; talk 120 s; wrap-up 10 s; no queue
    assert (out["dial_ms"], out["talk_ms"], out["acw_ms"], out["queue_id"]) == (15000, 120000, 10000, None)
    entries = {e["contact_id"]: e for e in rows(runtime, "queue_entries", "contact_id")}
    assert set(entries) == {"c-chat-1", "c-msg-1"}
    assert (entries["c-chat-1"]["wait_ms"], entries["c-msg-1"]["wait_ms"]) == (30000, 10000)


@pytest.mark.parametrize(
    "name", ["voice_hold_transfer.json", "chat_message_outbound.jsonl", "closed.json", SPEC_EXAMPLE.name]
)
def test_talk_hold_and_handle_agree_with_the_platform_within_1_ms(name: str, runtime_factory) -> None:  # type: ignore[no-untyped-def]
    """Per agent session: talk_ms = tTalk(Complete), hold_ms = tHeld(Complete), acw_ms = tAcw,
    contacting_ms = tAlert, talk + hold + ACW + dialing = tHandle (tHandle counts dialing and contacting
    but not ringing; docs/connectors/genesys.md)."""
    runtime = runtime_factory()
    load(runtime, FIXTURES / name)
    loaded = {(s["contact_id"], s["agent_id"]): s for s in rows(runtime, "agent_segments", "contact_id")}
    figures = [f for f in platform_figures(FIXTURES / name) if f.t_handle is not None]
    assert figures, "each of these files has at least one finished agent session"
    for f in figures:
        s = loaded[(f.contact_id, f.agent_id)]
        assert abs(s["talk_ms"] - (f.t_talk or 0)) <= 1, f
        assert abs(s["hold_ms"] - (f.t_held or 0)) <= 1, f
        assert abs(s["acw_ms"] - f.t_acw) <= 1, f
        assert abs(s["dial_ms"] - f.t_dialing_contacting) <= 1, f
        assert abs(s["talk_ms"] + s["hold_ms"] + s["acw_ms"] + s["dial_ms"] - f.t_handle) <= 1, f
        assert abs(s["contacting_ms"] - (f.t_alert or 0)) <= 1, f


def test_kpis_over_all_fixtures_match_hand_computation(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    load(runtime, *ALL_FIXTURES)
    metrics = ("aht_s,avg_hold_s,avg_hold_held,hold_rate,transfer_rate,asa_s,abandon_rate,"
               "abandon_rate.genesys_cloud,service_level,service_level(threshold_s=20),offered,answered,abandoned,handled")
    [row] = runtime.kpi.query(metrics=metrics).rows
    # Agent segments (talk + hold + ACW, ms): alice 242500+65000+30000 = 337500, bob 200000+30000+20000 =
    # 250000, carol chat 720000+0+30000 = 750000, carol message 300000, carol outbound 120000+10000 = 130000.
    # Sum 1767500 over 5 handled -> AHT 353.5 s (dialing is not in the default AHT).
    assert row["handled"] == 5
    assert row["aht_s"] == pytest.approx(353.5)
    assert row["avg_hold_s"] == pytest.approx(19.0)  # (65000 + 30000) / 5 segments
    assert row["avg_hold_held"] == pytest.approx(47.5)  # 95000 / 2 segments with holds
    assert row["hold_rate"] == pytest.approx(0.4)  # 2 of 5
    assert row["transfer_rate"] == pytest.approx(0.2)  # alice's 1 of 5
    # Queue entries (IVR-only contact excluded as bot-only): answered 22500, 10000 (voice), 30000 (chat),
    # 10000 (message); abandoned 60000 and 3000 (short, <= 5 s); flowed out 120000.
    assert (row["offered"], row["answered"], row["abandoned"]) == (7, 4, 2)
    assert row["asa_s"] == pytest.approx(18.125)  # 72500 / 4
    assert row["abandon_rate"] == pytest.approx(1 / 6)  # (2 - 1 short) / (4 + 2 + 1 - 1)
    assert row["abandon_rate.genesys_cloud"] == pytest.approx(2 / 7)  # abandoned / offered
    # 20 s for every contact: answered waits <= 20 s: 10000, 10000; / (4 + 2 + 1 - 1)
    assert row["service_level(threshold_s=20)"] == pytest.approx(2 / 6)
    # The organisation's defaults judge the chat c-chat-1 (answered after 30 s) against chat's 45 s: 3 / 6
    assert row["service_level"] == pytest.approx(3 / 6)


def test_kpis_by_agent(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    load(runtime, *ALL_FIXTURES)
    result = runtime.kpi.query(metrics="aht_s,handled", by="agent")
    by_agent = {r["agent"]: r for r in result.rows}
    assert by_agent["u-alice"]["aht_s"] == pytest.approx(337.5)
    assert by_agent["u-bob"]["aht_s"] == pytest.approx(250.0)
    assert by_agent["u-carol"]["aht_s"] == pytest.approx((750000 + 300000 + 130000) / 3 / 1000)  # 393.33 s
    assert by_agent["u-carol"]["handled"] == 3
