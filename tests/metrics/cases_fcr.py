"""First contact resolution by hand (§8): repeat windows, ordering ties, callbacks and outbound,
transfers, last-agent credit, arrival bucketing, and the agent-flag and survey variants.

A repeat is any other inbound, non-callback contact of the same customer (any channel, handled or not)
arriving in (c.arrived_at, c.arrived_at + W]; contacts are ordered by (arrived_at, contact_id).
"""

from __future__ import annotations

import datetime as dt

from tests.metrics.builders import T0, Dataset
from tests.metrics.harness import MetricCase, case

DAY = dt.timedelta(days=1)


def handled(d: Dataset, cid: str, *, agent: str = "a1", customer: str | None = "k1", at: dt.datetime = T0,
            channel: str = "voice", direction: str = "inbound", callback_of: str | None = None,
            resolved: bool | None = None, transferred_to: str | None = None, queue: str = "q1") -> str:
    """A contact answered at once in `queue` and handled by `agent` (talk 60 s); with `transferred_to`, the
    agent transfers it and that agent handles the rest (a second segment, 5 minutes later)."""
    d.contact(cid, at=at, customer_id=customer, channel=channel, direction=direction, callback_of=callback_of,
              resolved=resolved)
    d.entry(cid, wait_s=5, agent=agent, queue=queue)
    d.segment(cid, agent, talk_s=60, transferred_out=transferred_to is not None, queue=queue)
    if transferred_to:
        d.segment(cid, transferred_to, talk_s=60, seq=1, at=at + dt.timedelta(minutes=5))
    return cid


def unhandled(d: Dataset, cid: str, *, customer: str = "k1", at: dt.datetime = T0, channel: str = "voice") -> str:
    """An inbound contact that was abandoned in queue: a repeat for earlier contacts, never eligible itself."""
    d.contact(cid, at=at, customer_id=customer, channel=channel)
    d.entry(cid, outcome="abandoned", wait_s=30)
    return cid


def window_edges() -> Dataset:
    """k1: c1 at T0, repeat c2 at exactly T0 + 7 d. k2: c3 at T0, c4 at T0 + 7 d + 1 s. k3: c5 at T0, c6 on
    day 8 (T0 + 8 d). The repeats c2, c4, c6 are abandoned calls (not eligible themselves)."""
    d = Dataset()
    handled(d, "c1", customer="k1")
    unhandled(d, "c2", customer="k1", at=T0 + 7 * DAY)
    handled(d, "c3", customer="k2")
    unhandled(d, "c4", customer="k2", at=T0 + 7 * DAY + dt.timedelta(seconds=1))
    handled(d, "c5", customer="k3")
    unhandled(d, "c6", customer="k3", at=T0 + 8 * DAY)
    return d


def repeat_day_10() -> Dataset:
    """k1: c1 handled at T0; c2 (abandoned) 10 days later."""
    d = Dataset()
    handled(d, "c1")
    unhandled(d, "c2", at=T0 + 10 * DAY)
    return d


def tie() -> Dataset:
    """k1 calls twice at the same instant: t-b (agent a2) is written first, t-a (agent a1) second. In
    (arrived_at, contact_id) order t-a comes first, so t-b is t-a's repeat and not the other way round."""
    d = Dataset()
    handled(d, "t-b", agent="a2")
    handled(d, "t-a", agent="a1")
    return d


def callbacks_and_outbound() -> Dataset:
    """k1: c1 inbound at T0; c2 the callback that fulfils c1 (T0 + 1 h); c3 an outbound call the agent made
    on day 2. None of them is a repeat. k2: c4 inbound at T0, c5 inbound on day 1 (a real repeat)."""
    d = Dataset()
    handled(d, "c1", customer="k1")
    handled(d, "c2", customer="k1", at=T0 + dt.timedelta(hours=1), callback_of="c1")
    handled(d, "c3", customer="k1", at=T0 + 2 * DAY, direction="outbound")
    handled(d, "c4", customer="k2")
    handled(d, "c5", customer="k2", at=T0 + DAY)
    return d


def outbound_and_anonymous() -> Dataset:
    """Three queues, every contact a handled voice call. q_out (outbound sales): the agent calls k1 (o1, T0),
    k2 (o2, T0 + 1 h) and k3 (o3, day 1). q_anon (a PBX that passes no caller id): inbound n1, n2 with no
    customer. q_in: inbound i1 (k3, T0); i2 (k4, T0) and k4 again i3 (day 2)."""
    d = Dataset()
    handled(d, "o1", customer="k1", direction="outbound", queue="q_out")
    handled(d, "o2", customer="k2", at=T0 + dt.timedelta(hours=1), direction="outbound", queue="q_out")
    handled(d, "o3", customer="k3", at=T0 + DAY, direction="outbound", queue="q_out")
    handled(d, "n1", customer=None, queue="q_anon")
    handled(d, "n2", customer=None, at=T0 + dt.timedelta(hours=2), queue="q_anon")
    handled(d, "i1", customer="k3", queue="q_in")
    handled(d, "i2", customer="k4", queue="q_in")
    handled(d, "i3", customer="k4", at=T0 + 2 * DAY, queue="q_in")
    return d


def transfer_and_credit() -> Dataset:
    """c1 (k1): a1 transfers to a2 -> not resolved, credited to a2, the last agent. c2 (k2): a1 alone,
    resolved. c3 (k3): handled by a3 then (consult, no transfer flag) a1 -> resolved, credited to a1."""
    d = Dataset()
    handled(d, "c1", customer="k1", agent="a1", transferred_to="a2")
    handled(d, "c2", customer="k2", agent="a1")
    d.contact("c3", customer_id="k3")
    d.entry("c3", wait_s=5, agent="a3")
    d.segment("c3", "a3", talk_s=60)
    d.segment("c3", "a1", talk_s=30, seq=1, at=T0 + dt.timedelta(minutes=3))
    return d


def eligibility() -> Dataset:
    """c1 handled but no customer id; c2 (k2) abandoned; c3 (k3) bot-only; c4 (k4) handled, flagged resolved;
    c5 (k5) handled, not flagged."""
    d = Dataset()
    handled(d, "c1", customer=None, resolved=True)
    unhandled(d, "c2", customer="k2")
    d.contact("c3", customer_id="k3", bot_only=True)
    d.entry("c3", wait_s=0)
    handled(d, "c4", customer="k4", resolved=True)
    handled(d, "c5", customer="k5", resolved=None)
    return d


def voice_then_chat() -> Dataset:
    """k1: voice call c1 at T0, then a chat c2 on day 2, both handled."""
    d = Dataset()
    handled(d, "c1")
    handled(d, "c2", at=T0 + 2 * DAY, channel="chat")
    return d


def late_evening() -> Dataset:
    """c1 arrives 2026-03-02 23:50 UTC, is answered at once; talk 600 s + ACW 15 s end at 2026-03-03 00:00:15."""
    d = Dataset()
    at = dt.datetime(2026, 3, 2, 23, 50)
    d.contact("c1", at=at, customer_id="k1")
    d.entry("c1", wait_s=0, agent="a1")
    d.segment("c1", "a1", talk_s=600, acw_s=15)
    return d


def resolved_surveys() -> Dataset:
    """'Was your issue resolved?' (1 = yes, 0 = no): c1 yes; c2 no; c3 yes at +1 h, then no at +2 h (the last
    response counts)."""
    d = Dataset()
    for cid in ("c1", "c2", "c3"):
        handled(d, cid, customer=f"k-{cid}")
    d.survey("c1", "resolved", 1, scale=(0, 1))
    d.survey("c2", "resolved", 0, scale=(0, 1))
    d.survey("c3", "resolved", 1, scale=(0, 1), after=dt.timedelta(hours=1))
    d.survey("c3", "resolved", 0, scale=(0, 1), after=dt.timedelta(hours=2))
    return d


def repeats_after_period() -> Dataset:
    """Contacts of 2026-03-02 whose repeats arrive after that day: k1 c1 at 23:00, repeat c2 exactly 7 days
    later (03-09 23:00); k2 c3 at 09:00, c4 7 d + 1 s later; k3 c5 at 10:00, c6 15 days later (03-17);
    k4 c7 at 12:00, c8 12 days later (03-14). A contact before the period, k1 c0 on 02-27, is outside it."""
    d = Dataset()
    handled(d, "c0", customer="k1", at=dt.datetime(2026, 2, 27, 9, 0))
    handled(d, "c1", customer="k1", at=dt.datetime(2026, 3, 2, 23, 0))
    unhandled(d, "c2", customer="k1", at=dt.datetime(2026, 3, 9, 23, 0))
    handled(d, "c3", customer="k2", at=dt.datetime(2026, 3, 2, 9, 0))
    unhandled(d, "c4", customer="k2", at=dt.datetime(2026, 3, 9, 9, 0, 1))
    handled(d, "c5", customer="k3", at=dt.datetime(2026, 3, 2, 10, 0))
    unhandled(d, "c6", customer="k3", at=dt.datetime(2026, 3, 17, 10, 0))
    handled(d, "c7", customer="k4", at=dt.datetime(2026, 3, 2, 12, 0))
    unhandled(d, "c8", customer="k4", at=dt.datetime(2026, 3, 14, 12, 0))
    return d


CASES: list[MetricCase] = [
    case("fcr.window_edges", window_edges, "fcr_rate",
         [{"contact": "c1", "fcr_rate": 0.0}, {"contact": "c3", "fcr_rate": 1.0}, {"contact": "c5", "fcr_rate": 1.0},
          {"contact": "c2", "fcr_rate": None}, {"contact": "c4", "fcr_rate": None},
          {"contact": "c6", "fcr_rate": None}],
         "window (arrived, arrived + 7 d] is closed at its end: a repeat at exactly 7 d makes c1 unresolved; "
         "7 d + 1 s (c3) and day 8 (c5) are outside -> resolved; abandoned repeats are not eligible (NULL)",
         by="contact"),
    case("fcr.window_edges_total", window_edges, ["fcr_rate", "fcr.repeat_7d"],
         {"fcr_rate": 2 / 3, "fcr.repeat_7d": 2 / 3}, "c3 and c5 resolved of 3 eligible (c1, c3, c5) = 2/3"),
    case("fcr.kpi_name", window_edges, "fcr", 2 / 3, "the KPI name fcr resolves to fcr.repeat_7d: 2/3"),
    case("fcr.day_10_repeat_7d", repeat_day_10, ["fcr.repeat_7d", "fcr.repeat_Wd"],
         {"fcr.repeat_7d": 1.0, "fcr.repeat_Wd": 1.0}, "repeat on day 10 is outside 7 days: 1/1"),
    case("fcr.day_10_repeat_14d", repeat_day_10, "fcr.repeat_Wd(window_days=14)", 0.0,
         "W = 14 days: the day-10 repeat is inside -> 0/1"),
    case("fcr.window_setting", repeat_day_10, ["fcr.repeat_Wd", "fcr_rate"], {"fcr.repeat_Wd": 0.0, "fcr_rate": 1.0},
         "org setting fcr_window_days = 14 sets fcr.repeat_Wd's window: day-10 repeat inside -> 0/1; fcr_rate is "
         "fcr.repeat_7d, whose name fixes 7 days: day-10 repeat outside -> 1/1",
         settings={"fcr_window_days": 14}),
    case("fcr.tie_order", tie, "fcr_rate",
         [{"agent": "a1", "fcr_rate": 0.0}, {"agent": "a2", "fcr_rate": 1.0}],
         "same arrived_at: ordered by contact_id, t-a before t-b, so t-b is t-a's repeat: a1 (t-a) 0/1, a2 (t-b) "
         "1/1, whatever the load order",
         by="agent"),
    case("fcr.callbacks_outbound_never_repeats", callbacks_and_outbound, "fcr_rate",
         [{"contact": "c1", "fcr_rate": 1.0}, {"contact": "c2", "fcr_rate": 1.0}, {"contact": "c3", "fcr_rate": 1.0},
          {"contact": "c4", "fcr_rate": 0.0}, {"contact": "c5", "fcr_rate": 1.0}],
         "c1's callback c2 and the outbound c3 are not repeats -> c1 resolved; the callback and the outbound call "
         "are measured on their own (§8 eligibility: handled, not bot-only, with a customer id; direction is not "
         "a condition): eligible, resolved; k2's inbound c5 the next day makes c4 unresolved",
         by="contact"),
    case("fcr.no_customer_not_eligible", outbound_and_anonymous, ["fcr_rate", "fcr.voice_only", "handled"],
         [{"queue": "q_anon", "fcr_rate": None, "fcr.voice_only": None, "handled": 2},
          {"queue": "q_in", "fcr_rate": 2 / 3, "fcr.voice_only": 2 / 3, "handled": 3},
          {"queue": "q_out", "fcr_rate": 1.0, "fcr.voice_only": 1.0, "handled": 3}],
         "q_anon: n1, n2 have no customer id (§8: eligible needs one), so a repeat cannot be seen: left out of "
         "both sides -> 0/0 = NULL (not 2/2); q_out: o1-o3 are eligible (§8 sets no direction condition) and no "
         "inbound contact from k1, k2 or k3 follows them -> 3/3; q_in: i1 resolved (the outbound o3 to k3 on day "
         "1 is no repeat), i2 unresolved (k4's i3 on day 2), i3 resolved -> 2/3, the same for voice only (all "
         "voice); handled counts every segment: 2, 3, 3",
         by="queue"),
    case("fcr.no_customer_total", outbound_and_anonymous, ["fcr_rate", "fcr.repeat_Wd"],
         {"fcr_rate": 5 / 6, "fcr.repeat_Wd": 5 / 6},
         "eligible: o1-o3 and i1-i3 (n1, n2 have no customer); resolved: o1, o2, o3, i1, i3 -> 5/6"),
    case("fcr.transfer_and_last_agent_credit", transfer_and_credit, ["fcr_rate", "handled"],
         [{"agent": "a1", "fcr_rate": 1.0, "handled": 3},
          {"agent": "a2", "fcr_rate": 0.0, "handled": 1},
          {"agent": "a3", "fcr_rate": None, "handled": 1}],
         "c1 transferred -> unresolved, credited to its last agent a2 (0/1); a1 is last on c2 and c3, both "
         "resolved (2/2 = 1.0; c1's transfer is not charged to a1's FCR); a3 is never last -> NULL; handled "
         "counts segments: a1 c1 + c2 + c3 = 3",
         by="agent"),
    case("fcr.eligibility_and_agent_flag", eligibility, ["fcr_rate", "resolved_rate", "fcr.agent_flagged"],
         {"fcr_rate": 1.0, "resolved_rate": 2 / 3, "fcr.agent_flagged": 2 / 3},
         "eligible = handled, not bot-only, with a customer: only c4 and c5 (c1 has no customer id) -> 2/2 = 1.0; "
         "agent-flagged: handled contacts c1, c4, c5; flagged c1, c4 -> 2/3 (NULL flag is not resolved)"),
    case("fcr.voice_only", voice_then_chat, ["fcr_rate", "fcr.voice_only"], {"fcr_rate": 1 / 2, "fcr.voice_only": 1.0},
         "any channel: the chat 2 days later is c1's repeat -> c1 no, c2 yes = 1/2; voice only: c1 is the only "
         "voice contact and has no voice repeat -> 1/1"),
    case("fcr.bucketed_by_arrival", late_evening, ["fcr_rate", "handled"],
         [{"day": "2026-03-02", "fcr_rate": 1.0, "handled": 0}, {"day": "2026-03-03", "fcr_rate": None, "handled": 1}],
         "FCR goes to the day the contact arrived (03-02 23:50), handle counts to the day ACW ended "
         "(23:50 + 615 s = 03-03 00:00:15)",
         by="day"),
    case("fcr.survey", resolved_surveys, "fcr.survey", 1 / 3,
         "resolved answers: c1 yes, c2 no, c3 last answer no -> 1 yes / 3 responses"),
    case("fcr.period_sees_repeats_after_to", repeats_after_period, ["fcr_rate", "fcr.repeat_Wd(window_days=14)"],
         {"fcr_rate": 3 / 4, "fcr.repeat_Wd(window_days=14)": 1 / 4},
         "--from/--to 2026-03-02 keeps c1, c3, c5, c7 (c0 is before); their repeats arrive after --to and still "
         "count. 7 d: c1 (repeat at exactly 7 d) unresolved; c3 (7 d + 1 s), c5 (15 d), c7 (12 d) resolved -> 3/4. "
         "14 d: c1, c3, c7 unresolved (c7's repeat on 03-14 is more than 7 days after --to), c5 resolved -> 1/4",
         from_date="2026-03-02", to_date="2026-03-02"),
]
