"""Hand-worked expectations for fixtures/events/<EVENT>.log, one per row of queue-log-event-fields.csv.

Times are seconds after T0 = 1700000000 (2023-11-14 22:13:20 UTC). Durations come from the event
fields (seconds x 1000; RINGNOANSWER/RINGCANCELED ring times are already milliseconds). Only the
columns named are compared; a table not named must be empty.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

T0 = dt.datetime(2023, 11, 14, 22, 13, 20)
CALL = "1700000000.1"


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def _answered(wait_s: int, agent: str, *, contact: str = CALL, customer: str = "+15551230001") -> dict[str, Any]:
    return {"contact_id": contact, "queue_id": "sales", "outcome": "answered", "raw_exit_reason": "CONNECT",
            "enqueued_at": at(0) if contact == CALL else None, "dequeued_at": None,
            "wait_ms": wait_s * 1000, "agent_id": agent, "customer_id": customer} | (
        {"dequeued_at": at(wait_s)} if contact == CALL else {})


def _exit(outcome: str, event: str, wait_s: int, agent: str | None = None) -> dict[str, Any]:
    return {"contact_id": CALL, "queue_id": "sales", "outcome": outcome, "raw_exit_reason": event,
            "enqueued_at": at(0), "dequeued_at": at(wait_s), "wait_ms": wait_s * 1000, "agent_id": agent}


def _closed(end_s: float, contact: str = CALL) -> dict[str, Any]:
    return {"contact_id": contact, "is_open": False, "arrived_at": at(0) if contact == CALL else None,
            "ended_at": at(end_s) if contact == CALL else None, "direction": "inbound", "channel": "voice"}


def _segment(agent: str, connect_s: int, talk_s: int | None, contacting_ms: int | None, *,
             transferred: bool = False, contact: str = CALL) -> dict[str, Any]:
    end = None if talk_s is None else at(connect_s + talk_s)
    row = {"contact_id": contact, "agent_id": agent, "queue_id": "sales", "segment_seq": 0,
           "talk_ms": None if talk_s is None else talk_s * 1000, "hold_ms": None, "hold_count": None,
           "acw_ms": None, "contacting_ms": contacting_ms, "transferred_out": transferred}
    if contact == CALL:
        row |= {"connected_at": at(connect_s), "acw_ended_at": end}
    return row


def _state(agent: str, state: str, start_s: float, end_s: float | None, reason: str | None = None) -> dict[str, Any]:
    return {"agent_id": agent, "state": state, "reason": reason, "started_at": at(start_s),
            "ended_at": None if end_s is None else at(end_s)}


def _drop_none_keys(row: dict[str, Any]) -> dict[str, Any]:
    """Expectations built for the first call of a file leave times of other calls unchecked (None)."""
    return {k: v for k, v in row.items() if not (v is None and k in ("enqueued_at", "dequeued_at", "arrived_at",
                                                                      "ended_at"))}


EXPECTED: dict[str, dict[str, list[dict[str, Any]]]] = {
    # enter only: the caller is still waiting -> an open contact, no queue entry until the wait ends
    "ENTERQUEUE": {"contacts": [{"contact_id": CALL, "is_open": True, "arrived_at": at(0), "ended_at": None,
                                 "customer_id": "+15551230001"}]},
    # CONNECT 15|..|4: waited 15 s, rang 4 s; the conversation has not ended: talk unknown, contact open
    "CONNECT": {"contacts": [{"contact_id": CALL, "is_open": True, "ended_at": None}],
                "queue_entries": [_answered(15, "PJSIP/1001")],
                "agent_segments": [_segment("PJSIP/1001", 15, None, 4000)],
                "agent_states": [_state("PJSIP/1001", "on_contact", 15, None)]},
    # COMPLETECALLER 10|90|1: wait 10 s, talk 90 s; contacting = CONNECT ringtime 3 s
    "COMPLETECALLER": {"contacts": [_closed(100)], "queue_entries": [_answered(10, "PJSIP/1001")],
                       "agent_segments": [_segment("PJSIP/1001", 10, 90, 3000)],
                       "agent_states": [_state("PJSIP/1001", "on_contact", 10, 100),
                                        _state("PJSIP/1001", "available", 100, None)]},
    # member name as agent ("Alice"); COMPLETEAGENT 20|30|2
    "COMPLETEAGENT": {"contacts": [_closed(50)], "queue_entries": [_answered(20, "Alice")],
                      "agent_segments": [_segment("Alice", 20, 30, 5000)],
                      "agent_states": [_state("Alice", "on_contact", 20, 50), _state("Alice", "available", 50, None)]},
    "ABANDON": {"contacts": [_closed(42)], "queue_entries": [_exit("abandoned", "ABANDON", 42)]},
    "EXITWITHTIMEOUT": {"contacts": [_closed(300)], "queue_entries": [_exit("flowed_out", "EXITWITHTIMEOUT", 300)]},
    "EXITEMPTY": {"contacts": [_closed(2)], "queue_entries": [_exit("flowed_out", "EXITEMPTY", 2)]},
    # EXITWITHKEY key|position|origposition|waittime: the wait is the 4th data field (25 s)
    "EXITWITHKEY": {"contacts": [_closed(25)], "queue_entries": [_exit("flowed_out", "EXITWITHKEY", 25)]},
    "WITHDRAW": {"contacts": [_closed(60)], "queue_entries": [_exit("flowed_out", "WITHDRAW", 60)]},
    # BLINDTRANSFER exten|context|holdtime 8|calltime 60|pos: the transferring agent's segment, transferred out
    "BLINDTRANSFER": {"contacts": [_closed(68)], "queue_entries": [_answered(8, "PJSIP/1001")],
                      "agent_segments": [_segment("PJSIP/1001", 8, 60, 2000, transferred=True)],
                      "agent_states": [_state("PJSIP/1001", "on_contact", 8, 68),
                                       _state("PJSIP/1001", "available", 68, None)]},
    # LINK writes two method-data fields, BRIDGE one: hold and call time are read from the end (12|45, 4|20)
    "ATTENDEDTRANSFER": {
        "contacts": [_closed(57), _drop_none_keys(_closed(0, "1700001000.3"))],
        "queue_entries": [_answered(12, "PJSIP/1001"),
                          _drop_none_keys(_answered(4, "PJSIP/1002", contact="1700001000.3",
                                                    customer="+15551230002"))],
        "agent_segments": [_segment("PJSIP/1001", 12, 45, 3000, transferred=True),
                           _segment("PJSIP/1002", 0, 20, 2000, transferred=True, contact="1700001000.3")],
        "agent_states": [_state("PJSIP/1001", "on_contact", 12, 57), _state("PJSIP/1001", "available", 57, None),
                         _state("PJSIP/1002", "on_contact", 1004, 1024), _state("PJSIP/1002", "available", 1024, None)]},
    "TRANSFER": {"contacts": [_closed(35)], "queue_entries": [_answered(5, "PJSIP/1001")],
                 "agent_segments": [_segment("PJSIP/1001", 5, 30, 1000, transferred=True)],
                 "agent_states": [_state("PJSIP/1001", "on_contact", 5, 35), _state("PJSIP/1001", "available", 35, None)]},
    # call 1: PJSIP/1001 missed 15000 + 2500 ms, then answered after ringing 5 s: contacting 22500 ms (PJSIP/1002's
    # 15000 ms miss is not on 1001's segment). call 2: abandoned after PJSIP/1002 missed it: routed agent kept.
    "RINGNOANSWER": {
        "contacts": [_closed(100), _drop_none_keys(_closed(0, "1700001000.3"))],
        "queue_entries": [_answered(40, "PJSIP/1001"),
                          {"contact_id": "1700001000.3", "outcome": "abandoned", "raw_exit_reason": "ABANDON",
                           "wait_ms": 20000, "agent_id": "PJSIP/1002"}],
        "agent_segments": [_segment("PJSIP/1001", 40, 60, 15000 + 2500 + 5000)],
        "agent_states": [_state("PJSIP/1001", "on_contact", 40, 100), _state("PJSIP/1001", "available", 100, None)]},
    # the caller hung up while PJSIP/1003 rang: ABANDON names the member -> routed agent
    "RINGCANCELED": {"contacts": [_closed(7)], "queue_entries": [_exit("abandoned", "ABANDON", 7, "PJSIP/1003")]},
    # PJSIP/1001 dumped the caller during the announcement; the caller stayed queued and PJSIP/1002 answered
    "AGENTDUMP": {"contacts": [_closed(80)], "queue_entries": [_answered(20, "PJSIP/1002")],
                  "agent_segments": [_segment("PJSIP/1002", 20, 60, 4000)],
                  "agent_states": [_state("PJSIP/1002", "on_contact", 20, 80), _state("PJSIP/1002", "available", 80, None)]},
    # SYSCOMPAT: PJSIP/1001 answered but the channels were incompatible; the caller later timed out
    "SYSCOMPAT": {"contacts": [_closed(30)],
                  "queue_entries": [_exit("flowed_out", "EXITWITHTIMEOUT", 30, "PJSIP/1001")]},
    "AGENTLOGIN": {"agent_states": [_state("Agent/1001", "available", 0, None)]},
    "AGENTLOGOFF": {"agent_states": [_state("Agent/1001", "available", 0, 3600), _state("Agent/1001", "offline", 3600, None)]},
    # ADDMEMBER ... PAUSED adds the member paused: aux without a reason
    "ADDMEMBER": {"agent_states": [_state("PJSIP/1001", "available", 0, None), _state("PJSIP/1002", "aux", 0, None)]},
    # member of sales and support: leaving sales at +600 changes nothing; leaving support at +900 -> offline
    "REMOVEMEMBER": {"agent_states": [_state("PJSIP/1001", "available", 0, 900), _state("PJSIP/1001", "offline", 900, None)]},
    # one PAUSE line per queue at the same second: one aux interval
    "PAUSE": {"agent_states": [_state("PJSIP/1001", "available", 0, 100), _state("PJSIP/1001", "aux", 100, None, "Lunch")]},
    # reason change with log_unpause_on_reason_change: UNPAUSE Auto-Unpause + PAUSE Training in the same second
    "UNPAUSE": {"agent_states": [_state("PJSIP/1001", "available", 0, 60), _state("PJSIP/1001", "aux", 60, 120, "Break"),
                                 _state("PJSIP/1001", "aux", 120, 360, "Training"),
                                 _state("PJSIP/1001", "available", 360, None)]},
    "PAUSEALL": {"agent_states": [_state("PJSIP/1001", "aux", 10, None, "Meeting")]},
    "UNPAUSEALL": {"agent_states": [_state("PJSIP/1001", "aux", 0, 1800, "Meeting"),
                                    _state("PJSIP/1001", "available", 1800, None)]},
    "PENALTY": {},
    "RINGINUSE": {},
    # ANSWER after 90 s of talk ending at +120: connected at +30; NOANSWER: a contact without a segment
    "OUTCALL": {"contacts": [{"contact_id": "1700000000.7", "direction": "outbound", "is_open": False,
                              "arrived_at": at(30), "ended_at": at(120)},
                             {"contact_id": "1700000150.8", "direction": "outbound", "is_open": False,
                              "arrived_at": at(200), "ended_at": at(200)}],
                "agent_segments": [{"contact_id": "1700000000.7", "agent_id": "PJSIP/1001", "queue_id": "outbound",
                                    "connected_at": at(30), "acw_ended_at": at(120), "talk_ms": 90000,
                                    "hold_ms": None, "acw_ms": None, "direction": "outbound"}]},
    "QUEUESTART": {},
    "CONFIGRELOAD": {},
    # custom events (DID, INFO via QueueLog()) are read and ignored; the call they belong to loads as usual
    "custom": {"contacts": [_closed(9)], "queue_entries": [_exit("abandoned", "ABANDON", 9)]},
}
