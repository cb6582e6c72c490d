"""Handle-time metrics by hand: AHT variants (§6), hold, ACW and transfers (§7), transfer credit (§2.5).

`handle_mix()`: four agent segments (each one handled contact, §2.5)

    seg  contact agent  talk  hold (count)  acw  dial  contacting  voicemail  transferred_out
    s1   c1      a1     100   20 (1)        30   5     10          -          no
    s2   c2      a1     200    0 (0)        40   -      8          -          no
    s3   c3      a2      50   40 (2)        10   -      -          12         yes (to a3)
    s4   c3      a3      90    0 (0)        20   -      -          -          no

Totals: handled 4, talk 440, hold 60, acw 100, handle (talk + hold + acw) 600, dial 5, contacting 18,
voicemail 12; segments with holds 2; transferred 1.
"""

from __future__ import annotations

import datetime as dt

from tests.metrics.builders import T0, Dataset
from tests.metrics.harness import MetricCase, case


def handle_mix() -> Dataset:
    d = Dataset()
    d.contact("c1")
    d.segment("c1", "a1", talk_s=100, hold_s=20, hold_count=1, acw_s=30, dial_s=5, contacting_s=10)
    d.contact("c2")
    d.segment("c2", "a1", talk_s=200, hold_s=0, hold_count=0, acw_s=40, contacting_s=8)
    d.contact("c3")
    d.segment("c3", "a2", talk_s=50, hold_s=40, hold_count=2, acw_s=10, voicemail_s=12, transferred_out=True)
    d.segment("c3", "a3", talk_s=90, hold_s=0, hold_count=0, acw_s=20, seq=1, at=T0 + dt.timedelta(minutes=2))
    return d


def asterisk_like() -> Dataset:
    """A source that logs call time only (Asterisk queue_log): hold and ACW unknown (NULL)."""
    d = Dataset(source="asterisk")
    for cid, talk in [("c1", 60), ("c2", 90)]:
        d.entry(d.contact(cid), wait_s=10)
        d.segment(cid, "a1", talk_s=talk, hold_s=None, hold_count=None, acw_s=None)
    return d


def mixed_sources() -> Dataset:
    """One agent's day from two sources: two Asterisk calls (talk 60 s and 90 s; hold, hold count and
    ACW unknown) and one fully logged call (talk 100, hold 20 in 1 hold, ACW 30)."""
    d = asterisk_like()
    d.entry(d.contact("f1"), wait_s=None, agent="a1")
    d.segment("f1", "a1", talk_s=100, hold_s=20, hold_count=1, acw_s=30)
    return d


def abandoned_only() -> Dataset:
    d = Dataset()
    d.entry(d.contact("c1"), outcome="abandoned", wait_s=30)
    return d


def crossing_interval() -> Dataset:
    """A call queued at 09:50 and answered at once: talk 600 s + ACW 1200 s, so ACW ends at 10:20."""
    d = Dataset()
    at = T0 + dt.timedelta(minutes=50)
    d.entry(d.contact("c1", at=at), wait_s=0)
    d.segment("c1", "a1", talk_s=600, hold_s=0, acw_s=1200)
    return d


MIX = "handle_mix: handled 4, talk 440, hold 60, acw 100 (handle 600)"
AHT_VARIANTS = ["aht_s", "aht.callboard", "aht.generic", "aht.amazon_connect", "aht.twilio_flex"]

CASES: list[MetricCase] = [
    case("aht.default_and_same_formula_variants", handle_mix, AHT_VARIANTS, {m: 150.0 for m in AHT_VARIANTS},
         f"{MIX}: (440 + 60 + 100) / 4 = 150 s; generic, Amazon and Twilio use talk + hold + ACW too"),
    case("aht.kpi_name", handle_mix, ["aht"], {"aht": 150.0}, "the KPI name aht resolves to aht.callboard: 150 s"),
    case("aht.components_sum", handle_mix, ["avg_talk_s", "avg_hold_s", "avg_acw_s", "aht_s", "avg_talk"],
         {"avg_talk_s": 110.0, "avg_hold_s": 15.0, "avg_acw_s": 25.0, "aht_s": 150.0, "avg_talk": 110.0},
         "avg_talk 440/4 = 110 + avg_hold_all 60/4 = 15 + avg_acw 100/4 = 25 = 150 = AHT"),
    case("aht.genesys_cloud", handle_mix, "aht.genesys_cloud", (600 + 5 + 18) / 4,
         "(talk + hold + ACW 600 + dialing 5 + contacting 18) / 4 = 155.75 s"),
    case("aht.genesys_thandle", handle_mix, "aht.genesys_thandle", (600 + 5 + 18 + 12) / 4,
         "tHandle adds voicemail too: (600 + 5 + 18 + 12) / 4 = 158.75 s"),
    case("aht.talk_only", handle_mix, "aht.talk_only", 110.0, "talk 440 / 4 = 110 s"),
    case("aht.by_agent_transfer_credit", handle_mix, ["handled", "aht_s", "transfer_rate", "transfers"],
         [{"agent": "a1", "handled": 2, "aht_s": (150 + 240) / 2, "transfer_rate": 0.0, "transfers": 0},
          {"agent": "a2", "handled": 1, "aht_s": 100.0, "transfer_rate": 1.0, "transfers": 1},
          {"agent": "a3", "handled": 1, "aht_s": 110.0, "transfer_rate": 0.0, "transfers": 0}],
         "a1: (150 + 240) / 2 = 195; a2 (transferring agent) is charged the transfer: 1/1, AHT 50+40+10 = 100; "
         "a3 (receiving) 90 + 20 = 110, no transfer",
         by="agent"),
    case("aht.transfer_two_segments_handled_two", handle_mix, ["handled", "transfers"],
         [{"contact": "c1", "handled": 1, "transfers": 0}, {"contact": "c2", "handled": 1, "transfers": 0},
          {"contact": "c3", "handled": 2, "transfers": 1}],
         "c3 was transferred a2 -> a3: two agent segments = handled 2 for one contact",
         by="contact"),
    case("aht.asterisk_null_hold_acw", asterisk_like, ["aht_s", "aht.talk_only", "avg_talk_s", "avg_hold_s",
                                                       "avg_acw_s", "handled"],
         {"aht_s": None, "aht.talk_only": 75.0, "avg_talk_s": 75.0, "avg_hold_s": None, "avg_acw_s": None,
          "handled": 2},
         "hold and ACW unknown: talk + hold + ACW is NULL on every segment -> default AHT NULL (not talk only); "
         "aht.talk_only = (60 + 90) / 2 = 75 s"),
    case("aht.mixed_sources_known_parts_only", mixed_sources,
         ["handled", "aht_s", "avg_talk_s", "avg_hold_s", "avg_acw_s", "hold_rate", "asa_s"],
         {"handled": 3, "aht_s": 150.0, "avg_talk_s": (60 + 90 + 100) / 3, "avg_hold_s": 20.0, "avg_acw_s": 30.0,
          "hold_rate": 1.0, "asa_s": 10.0},
         "AHT over the one segment whose talk, hold and ACW are all known: (100 + 20 + 30) / 1 = 150 s, not "
         "150 / 3 = 50 s; talk known on all 3: 250 / 3; hold and ACW known on f1 only: 20 s, 30 s; hold rate: "
         "1 held of 1 segment with a known hold count = 100% (not 1/3); ASA: waits 10 s and 10 s known, f1's "
         "wait unknown -> 20 / 2 = 10 s (not 20 / 3)"),
    case("aht.no_segments_null", abandoned_only, ["offered", "handled", "aht_s", "avg_acw_s", "hold_rate",
                                                  "transfer_rate"],
         {"offered": 1, "handled": 0, "aht_s": None, "avg_acw_s": None, "hold_rate": None, "transfer_rate": None},
         "one abandoned call, nobody handled anything: handled 0 -> every per-handled ratio is NULL, never 0"),
    # -- hold, ACW, transfers (§7) -------------------------------------------------------------------
    case("hold.rate", handle_mix, "hold_rate", 2 / 4, "segments with hold_count >= 1 (s1, s3) / handled 4"),
    case("hold.avg_held", handle_mix, "avg_hold_held", (20 + 40) / 2,
         "Genesys: total hold 60 / interactions with holds 2 = 30 s"),
    case("hold.avg_all", handle_mix, ["avg_hold_all", "avg_hold"], {"avg_hold_all": 15.0, "avg_hold": 15.0},
         "total hold 60 / all handled 4 = 15 s; the KPI avg_hold defaults to avg_hold_all"),
    case("hold.time_ratio", handle_mix, "hold_time_ratio", 60 / 600, "hold 60 / handle 600 = 10%"),
    case("acw.avg", handle_mix, "avg_acw", 25.0, "total ACW 100 s / 4 handled = 25 s"),
    case("acw.ratio", handle_mix, "acw_ratio", 100 / 600, "acw 100 / handle 600 = 16.67%"),
    case("transfer.rate", handle_mix, "transfer_rate", 1 / 4, "1 segment transferred out / 4 handled"),
    case("aht.bucketed_by_acw_end", crossing_interval, ["offered", "handled", "aht_s"],
         [{"interval_30": "2026-03-02T09:30", "offered": 1, "handled": 0, "aht_s": None},
          {"interval_30": "2026-03-02T10:00", "offered": 0, "handled": 1, "aht_s": 1800.0}],
         "queued 09:50 -> offered in 09:30; ACW ends 09:50 + 600 s + 1200 s = 10:20 -> handled and AHT "
         "(600 + 1200 = 1800 s) in 10:00 (§2.4)",
         by="interval_30"),
]
