"""The Asterisk queue_log vocabulary Callboard reads: which events exist, what each one means for a call
or an agent, and which data fields must parse for a line to count as intact.

A queue_log line is `epoch|callid|queue|agent|event|data1|data2|...`. Field positions and units follow
`app_queue.c` (see specs/asterisk/queue-log-event-fields.csv): wait, hold, call and login times are in
seconds; RINGNOANSWER and RINGCANCELED ring times in milliseconds. `holdtime` in CONNECT, COMPLETE* and
the transfers is the caller's wait in the queue, not time on hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# -- events that belong to a queued call (grouped by callid) ------------------------------------------
ENTER: Final = "ENTERQUEUE"
CONNECT: Final = "CONNECT"
RINGNOANSWER: Final = "RINGNOANSWER"
RINGCANCELED: Final = "RINGCANCELED"
# the caller left the queue without being answered: event -> canonical outcome
EXITS: Final[dict[str, str]] = {
    "ABANDON": "abandoned",
    "EXITWITHTIMEOUT": "flowed_out",
    "EXITWITHKEY": "flowed_out",
    "EXITEMPTY": "flowed_out",
    "WITHDRAW": "flowed_out",
}
# the conversation with the agent ended (the agent segment closes)
TRANSFERS: Final = ("ATTENDEDTRANSFER", "BLINDTRANSFER", "TRANSFER")
ENDS: Final = ("COMPLETEAGENT", "COMPLETECALLER", *TRANSFERS)
# a member was tried and did not take the call; the caller stays in the queue (they name the routed agent)
RING_FAILURES: Final = (RINGNOANSWER, RINGCANCELED, "AGENTDUMP", "SYSCOMPAT")
CALL_EVENTS: Final = frozenset({ENTER, CONNECT, *EXITS, *ENDS, *RING_FAILURES})
OUTCALL: Final = "OUTCALL"  # one line = one outbound call (QueueUpdate dialplan application)

# -- agent events (state intervals) ------------------------------------------------------------------
JOINS: Final = ("ADDMEMBER", "AGENTLOGIN", "AGENTCALLBACKLOGIN")
LEAVES: Final = ("REMOVEMEMBER", "AGENTLOGOFF", "AGENTCALLBACKLOGOFF")
PAUSES: Final = ("PAUSE", "PAUSEALL")
UNPAUSES: Final = ("UNPAUSE", "UNPAUSEALL")
AGENT_EVENTS: Final = frozenset({*JOINS, *LEAVES, *PAUSES, *UNPAUSES})
# agent logins (chan_agent) are one pseudo-queue in the membership count
AGENT_LOGIN_QUEUE: Final = "@agent-login"

# -- read, checked, and otherwise ignored: queue or member configuration, not calls or states --------
INFO_EVENTS: Final = frozenset({"QUEUESTART", "CONFIGRELOAD", "PENALTY", "RINGINUSE"})

# callid values that are not a caller's channel
NOT_A_CALL: Final = ("", "NONE", "REALTIME", "MANAGER", "CLI")

# Tie order of a call's lines logged in the same second: the call's life runs enter, ring, connect, end.
RANK: Final[dict[str, int]] = {ENTER: 0, **{e: 1 for e in RING_FAILURES}, CONNECT: 2,
                               **{e: 3 for e in EXITS}, **{e: 3 for e in ENDS}}


@dataclass(frozen=True)
class NumberField:
    """A data field that must be a whole number for the line to be intact.

    `index` counts data fields from 1 (data1 = the 6th `|` field); a negative index counts from the end
    of the line (ATTENDEDTRANSFER writes its method data as one or more fields before the numbers).
    """

    events: tuple[str, ...]
    index: int
    name: str
    required: bool = True  # False: may be absent or empty (older Asterisk versions omit it)


NUMBER_FIELDS: Final[tuple[NumberField, ...]] = (
    NumberField((CONNECT,), 1, "holdtime"),
    NumberField((CONNECT,), 3, "ringtime", required=False),
    NumberField(("COMPLETEAGENT", "COMPLETECALLER"), 1, "holdtime"),
    NumberField(("COMPLETEAGENT", "COMPLETECALLER"), 2, "calltime"),
    NumberField(("BLINDTRANSFER", "TRANSFER"), 3, "holdtime"),
    NumberField(("BLINDTRANSFER", "TRANSFER"), 4, "calltime"),
    NumberField(("ATTENDEDTRANSFER",), -3, "holdtime"),
    NumberField(("ATTENDEDTRANSFER",), -2, "calltime"),
    NumberField(("ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "WITHDRAW"), 3, "waittime"),
    NumberField(("EXITWITHKEY",), 4, "waittime"),
    NumberField((RINGNOANSWER,), 1, "ringtime"),
    NumberField((RINGCANCELED,), 1, "ringtime", required=False),
    NumberField((OUTCALL,), 2, "talktime", required=False),
    NumberField(("AGENTLOGOFF", "AGENTCALLBACKLOGOFF"), 2, "logintime", required=False),
)

# Fewest `|` fields a line of the event has (ATTENDEDTRANSFER: 5 + method + method data + 3 numbers).
MIN_FIELDS: Final[dict[str, int]] = {"ATTENDEDTRANSFER": 10}
BASE_FIELDS: Final = 5
