"""Queue metrics by hand: volume counts, service level (§3), abandonment (§4), ASA (§5).

Most cases read one mixed queue, `queue_mix()` (T = 20 s, short abandon = 5 s unless a case says so):

    id   outcome             wait_s   notes
    c1   answered             0       within T
    c2   answered            20.000   within T (inclusive)
    c3   answered            20.001   not within T
    c4   answered            45       within 45 (inclusive) only
    c5   abandoned            5.000   short (inclusive)
    c5b  abandoned            2       short
    c6   abandoned            5.001   late (not short), but removed within 20 s
    c7   abandoned           90       late; the longest wait
    c8   flowed_out          15       a timeout / exit key before answer
    c9   callback_requested  10       not an abandon, excluded from SL (§2.6)
    c10  answered (bot only)  1       excluded from every queue KPI (§2.7)

Counts (bot excluded): offered 10, answered 4, abandoned 4, flowed_out 1, callback_requested 1,
short_abandoned(5 s) 2, answered_within(20 s) 2.
"""

from __future__ import annotations

from tests.metrics.builders import Dataset
from tests.metrics.harness import MetricCase, case


def queue_mix() -> Dataset:
    d = Dataset()
    for cid, outcome, wait in [
        ("c1", "answered", 0), ("c2", "answered", 20.000), ("c3", "answered", 20.001), ("c4", "answered", 45),
        ("c5", "abandoned", 5.000), ("c5b", "abandoned", 2), ("c6", "abandoned", 5.001), ("c7", "abandoned", 90),
        ("c8", "flowed_out", 15), ("c9", "callback_requested", 10),
    ]:
        d.entry(d.contact(cid), outcome=outcome, wait_s=wait)
    d.entry(d.contact("c10", bot_only=True), outcome="answered", wait_s=1)
    return d


def callback_only() -> Dataset:
    """One callback request after 10 s and nothing else: every queue ratio that excludes callbacks has an
    empty denominator."""
    d = Dataset()
    d.entry(d.contact("c1"), outcome="callback_requested", wait_s=10)
    return d


def short_abandons_only() -> Dataset:
    """Two abandons after 3 s and 5 s: both short, so the default SL denominator is 0 + 2 + 0 - 2 = 0."""
    d = Dataset()
    d.entry(d.contact("c1"), outcome="abandoned", wait_s=3)
    d.entry(d.contact("c2"), outcome="abandoned", wait_s=5)
    return d


def short_calls() -> Dataset:
    """Exotel: e1 answered in 10 s, talk 9.999 s (a short call); e2 answered in 10 s, talk 10.000 s;
    e3 answered in 30 s, talk 60 s; e4 abandoned after 40 s; e5 answered in 5 s, talk 4 s + 7 s on two
    segments in the same queue (11 s in all)."""
    d = Dataset()
    for cid, wait, talks in [("e1", 10, [9.999]), ("e2", 10, [10.0]), ("e3", 30, [60]), ("e5", 5, [4, 7])]:
        d.entry(d.contact(cid), wait_s=wait)
        for seq, talk in enumerate(talks):
            d.segment(cid, f"a{seq + 1}", talk_s=talk, seq=seq)
    d.entry(d.contact("e4"), outcome="abandoned", wait_s=40)
    return d


def bot_and_human() -> Dataset:
    """A bot-only contact (queue entry and segment flagged bot_only) and one human-handled contact."""
    d = Dataset()
    d.entry(d.contact("bot", bot_only=True), wait_s=1)
    d.segment("bot", "a1", talk_s=30)
    d.entry(d.contact("human"), wait_s=30)
    d.segment("human", "a1", talk_s=60, acw_s=20)
    return d


MIX = "queue_mix: answered 4 (waits 0, 20.000, 20.001, 45), abandoned 4 (5.000, 2, 5.001, 90), flowed_out 1, callback 1"

CASES: list[MetricCase] = [
    # -- volume (§1) ---------------------------------------------------------------------------------
    case("counts.queue_mix", queue_mix,
         ["offered", "answered", "abandoned", "flowed_out", "callback_requested", "short_abandoned", "answered_within",
          "contacts"],
         {"offered": 10, "answered": 4, "abandoned": 4, "flowed_out": 1, "callback_requested": 1,
          "short_abandoned": 2, "answered_within": 2, "contacts": 11},
         f"{MIX}; bot-only c10 excluded from queue counts but is one of the 11 contacts; short = waits <= 5 s "
         "(5.000 and 2); within = answered waits <= 20 s (0 and 20.000)"),
    case("counts.short_abandoned_param", queue_mix, ["short_abandoned(short_abandon_s=2)", "answered_within(threshold_s=45)"],
         {"short_abandoned(short_abandon_s=2)": 1, "answered_within(threshold_s=45)": 4},
         "abandoned with wait <= 2 s: only c5b (2 s, inclusive); answered with wait <= 45 s: all four (45 inclusive)"),
    case("counts.bot_only_excluded", bot_and_human, ["offered", "handled", "contacts", "bot_containment"],
         {"offered": 1, "handled": 1, "contacts": 2, "bot_containment": 1 / 2},
         "bot-only contact dropped from queue and agent facts: offered 1, handled 1; contacts counts both (2); "
         "containment = 1 bot-only / 2 contacts = 50%"),
    case("counts.bot_only_excluded_from_sl_and_aht", bot_and_human, ["service_level", "aht_s"],
         {"service_level": 0.0, "aht_s": 80.0},
         "only the human contact counts: waited 30 s > 20 s -> SL 0/1 = 0%; AHT (60 + 0 + 20) / 1 = 80 s "
         "(the bot segment's 30 s talk is not in it)"),
    # -- service level (§3) --------------------------------------------------------------------------
    case("sl.callboard", queue_mix, "service_level.callboard", 2 / 7,
         f"{MIX}: within 2 / (answered 4 + abandoned 4 + flowed_out 1 - short 2) = 2/7 = 28.57%"),
    case("sl.alias_and_kpi_name", queue_mix, ["service_level", "service_level.callboard"],
         {"service_level": 2 / 7, "service_level.callboard": 2 / 7},
         "the KPI name resolves to its default variant service_level.callboard: 2/7"),
    case("sl.inclusive_threshold", queue_mix, ["answered_within", "service_level.answered_only"],
         {"answered_within": 2, "service_level.answered_only": 2 / 4},
         "20.000 s is within 20 s, 20.001 s is not (compared in ms): 0 and 20.000 within -> 2 of 4 answered"),
    case("sl.threshold_param", queue_mix, "service_level(threshold_s=45)", 4 / 7,
         "T = 45 s: all 4 answered are within (45 inclusive) / (4 + 4 + 1 - 2) = 4/7"),
    case("sl.threshold_setting", queue_mix, "service_level", 4 / 7,
         "org setting service_level_threshold_s = 45 is the parameter's default: 4/7",
         settings={"service_level_threshold_s": 45}),
    case("sl.short_abandon_setting", queue_mix, "service_level", 2 / 8,
         "org setting short_abandon_s = 2: only c5b is short -> 2 / (4 + 4 + 1 - 1) = 2/8",
         settings={"short_abandon_s": 2}),
    case("sl.genesys_default_switches", queue_mix, "service_level.genesys_cloud", 2 / 8,
         "variant defaults: abandons on, short abandons on, flow-outs off -> 2 / (4 + 4) = 2/8 = 25%"),
    case("sl.genesys_as_callboard", queue_mix,
         "service_level.genesys_cloud(include_flowouts=1, include_short_abandons=0)", 2 / 7,
         "§3: Genesys with flow-outs on and short abandons off equals the Callboard default: 2 / (4 + 4 + 1 - 2)"),
    case("sl.genesys_abandons_off", queue_mix, "service_level.genesys_cloud(include_abandons=0)", 2 / 4,
         "abandons off (short ones too), flow-outs off -> 2 / answered 4"),
    case("sl.amazon_connect", queue_mix, "service_level.amazon_connect", 6 / 10,
         "removed from queue within 20 s: answered c1 c2, abandoned c5 c5b c6 (early abandons count as met), "
         "callback c9 = 6 / offered 10 (flow-out c8 is not 'removed')"),
    case("sl.offered_minus_short", queue_mix, "service_level.offered_minus_short", 2 / 6,
         "ServiceFactor1: 2 / (answered 4 + abandoned 4 - short 2) = 2/6; flow-outs not in it"),
    case("sl.answered_only", queue_mix, "service_level.answered_only", 2 / 4, "2 within / 4 answered"),
    case("sl.in_queue", queue_mix, "service_level.in_queue", 7 / 10,
         "entries with wait <= 20 s whatever the outcome: c1 c2 c5 c5b c6 c8 c9 = 7 / 10 in queue"),
    case("sl.offered", queue_mix, "service_level.offered", 2 / 10, "2 within / 10 offered"),
    case("sl.exclude_short_calls", short_calls, "service_level.exclude_short_calls", 2 / 4,
         "talk < 10 s excluded: e1 (9.999) out; numerator e2 (10.000 s talk, 10 s wait) + e5 (4 + 7 = 11 s, 5 s wait) "
         "= 2; denominator e2 e3 e4 e5 = 4 -> 50%"),
    case("sl.exclude_short_calls_param", short_calls, "service_level.exclude_short_calls(short_call_s=5)", 3 / 5,
         "short call < 5 s: none excluded; within 20 s e1 e2 e5 = 3 / 5 reaching the ACD"),
    case("sl.callback_excluded", callback_only,
         ["offered", "service_level", "service_level.offered_minus_short", "service_level.answered_only",
          "service_level.amazon_connect"],
         {"offered": 1, "service_level": None, "service_level.offered_minus_short": None,
          "service_level.answered_only": None, "service_level.amazon_connect": 1.0},
         "a callback request is excluded from SL: denominators 0 -> NULL (never 0 or 100%); Amazon counts it "
         "as removed within 20 s -> 1/1"),
    case("sl.all_short_abandons_null", short_abandons_only, ["service_level", "service_level.offered"],
         {"service_level": None, "service_level.offered": 0.0},
         "answered 0 + abandoned 2 + flowed_out 0 - short 2 = 0 -> NULL; of offered: 0 / 2 = 0%"),
    # -- abandonment (§4) ----------------------------------------------------------------------------
    case("abandon.callboard", queue_mix, "abandon_rate", 2 / 7,
         "(abandoned 4 - short 2) / (4 + 4 + 1 - 2) = 2/7; the callback request is not an abandon"),
    case("abandon.callboard_id", queue_mix, "abandon_rate.callboard", 2 / 7, "same as the alias abandon_rate: 2/7"),
    case("abandon.short_rate", queue_mix, "short_abandon_rate", 2 / 10, "short 2 / offered 10"),
    case("abandon.genesys", queue_mix, "abandon_rate.genesys_cloud", 4 / 9,
         "abandoned 4 / offered-to-assignment (answered 4 + abandoned 4 + flow-out 1) = 4/9"),
    case("abandon.amazon", queue_mix, "abandon_rate.amazon_connect", 4 / 10,
         "abandoned 4 / queued 10; the callback is queued but not an abandon"),
    case("abandon.exits_as_abandons", queue_mix, "abandon_rate.exits_as_abandons", 5 / 10,
         "(abandoned 4 + flowed out 1) / offered 10"),
    case("abandon.in_x_default", queue_mix, "abandoned_in_x.amazon_connect", 3,
         "abandoned within 60 s: 5.000, 2, 5.001 = 3 (the 90 s one is not)"),
    case("abandon.in_x_param", queue_mix, "abandoned_in_x.amazon_connect(threshold_s=5)", 2,
         "abandoned within 5 s: 5.000 (inclusive) and 2 = 2"),
    case("abandon.avg_time", queue_mix, "avg_abandon_time.amazon_connect", (5 + 2 + 5.001 + 90) / 4,
         "mean wait of the 4 abandoned: (5 + 2 + 5.001 + 90) / 4 = 25.50025 s"),
    case("abandon.callback_only_null", callback_only,
         ["abandon_rate", "abandon_rate.genesys_cloud", "abandon_rate.amazon_connect", "avg_abandon_time.amazon_connect"],
         {"abandon_rate": None, "abandon_rate.genesys_cloud": None, "abandon_rate.amazon_connect": 0.0,
          "avg_abandon_time.amazon_connect": None},
         "callback only: Callboard and Genesys denominators are 0 -> NULL; Amazon 0 abandoned / 1 queued = 0; "
         "no abandons -> mean abandon time NULL"),
    # -- ASA (§5) ------------------------------------------------------------------------------------
    case("asa.all_variants", queue_mix, ["asa_s", "asa.callboard", "asa.amazon_connect", "asa.genesys_cloud",
                                         "asa.cisco_icm"],
         {m: (0 + 20 + 20.001 + 45) / 4 for m in ["asa_s", "asa.callboard", "asa.amazon_connect",
                                                   "asa.genesys_cloud", "asa.cisco_icm"]},
         "wait of answered only: (0 + 20 + 20.001 + 45) / 4 = 21.25025 s; abandons, flow-out and callback ignored"),
    case("asa.max_queued", queue_mix, "max_queued_s", 90.0,
         "longest wait over all entries, abandoned included: the 90 s abandon (bot-only entry ignored)"),
    case("asa.callback_only_null", callback_only, ["asa_s", "max_queued_s"], {"asa_s": None, "max_queued_s": 10.0},
         "nothing answered -> ASA NULL; the callback leg still waited 10 s"),
]
