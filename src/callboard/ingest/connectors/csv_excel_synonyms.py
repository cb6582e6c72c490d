"""Common export column names per canonical field, used by mapping inference (first = preferred).

Headers are compared after `header_base`: lower case, units in brackets and trailing unit words
removed ("Talk Time (sec)" -> "talk time", unit hint "sec"), punctuation collapsed to single spaces.
"""

from __future__ import annotations

import re

_AGENT_IDS = ["agent id", "agentid", "agent login", "login id", "agent login id", "user id", "userid", "employee id",
              "agent number", "agent code", "agent ext", "extension", "login", "agent key", "rep id"]
_AGENT_NAMES = ["agent name", "agent", "agent full name", "agent display name", "name", "user name", "username",
                "employee", "employee name", "user", "rep", "representative", "rep name", "handled by", "owner",
                "assignee", "operator"]
_QUEUES = ["queue", "queue name", "skill", "skill name", "queue id", "split", "split skill", "skillset",
           "skill group", "hunt group", "acd group", "routing queue", "queue group", "service", "department", "line"]
_TEAMS = ["team", "team name", "team id", "agent group", "group", "supervisor group", "unit", "squad"]
_CHANNELS = ["channel", "media type", "mediatype", "media", "medium", "contact channel", "channel type",
             "media channel"]

CONTACT_SYNONYMS: dict[str, list[str]] = {
    "contact_id": ["call id", "contact id", "callid", "contactid", "interaction id", "conversation id", "session id",
                   "ticket id", "call reference", "call ref", "unique id", "uniqueid", "call guid", "record id",
                   "reference", "call uid", "id"],
    "updated_at": ["last modified", "last updated", "updated at", "last update", "last update timestamp",
                   "lastupdatetimestamp", "modified", "modified at", "updated", "last modified date"],
    "ended_at": ["end time", "call end", "call end time", "ended at", "end date time", "end datetime",
                 "disconnect time", "disconnect timestamp", "hangup time", "end", "finished"],
    "connected_at": ["answer time", "answered at", "connected at", "connect time", "connected time", "pickup time",
                     "connected to agent timestamp", "agent connect time", "answered time"],
    "arrived_at": ["start time", "call start", "call start time", "start date time", "start datetime", "start",
                   "date time", "datetime", "timestamp", "arrival time", "arrived at", "received", "received at",
                   "created", "created at", "initiation timestamp", "started at", "begin time", "contact start",
                   "enqueue time", "queued at", "call time", "time", "date"],
    "wait_ms": ["wait time", "queue time", "wait", "time in queue", "queue duration", "queue wait", "queue wait time",
                "waiting time", "wait duration", "speed of answer", "time to answer", "answer time", "ring time"],
    "talk_ms": ["talk time", "talk", "talk duration", "conversation time", "conversation duration",
                "agent talk time", "duration", "call duration"],
    "hold_ms": ["hold time", "hold", "hold duration", "on hold", "total hold time", "customer hold duration"],
    "acw_ms": ["acw", "acw time", "after call work", "after call work time", "wrap up", "wrap up time", "wrapup",
               "wrapup time", "wrap", "wrap time", "after contact work", "after contact work duration",
               "post call work", "acw duration", "wrap up duration"],
    "handle_ms": ["handle time", "handling time", "aht", "total handle time", "handle", "handle duration"],
    "hold_count": ["holds", "hold count", "number of holds", "no of holds", "num holds", "hold counter"],
    "abandoned": ["abandoned", "abandon", "is abandoned", "abandoned flag", "abandoned call", "abandoned y n",
                  "aban"],
    "answered": ["answered", "is answered", "answered flag", "answered y n"],
    "transferred": ["transferred", "transfer", "is transferred", "transferred out", "transfer flag",
                    "transferred y n"],
    "outcome": ["outcome", "call outcome", "result", "call result", "status", "call status", "exit reason",
                "termination reason", "disconnect reason", "end reason", "queue result", "queue outcome"],
    "disposition": ["disposition", "disposition code", "wrap up code", "wrapup code", "wrap code", "reason code",
                    "call disposition", "outcome code", "result code", "outcome", "call outcome", "result",
                    "call result", "status", "call status"],
    "resolved": ["resolved", "is resolved", "fcr", "first call resolution", "first contact resolution",
                 "issue resolved", "resolved y n"],
    "csat": ["csat", "csat score", "csat rating", "satisfaction", "customer satisfaction", "satisfaction score",
             "survey score", "rating"],
    "nps": ["nps", "nps score", "net promoter score", "likelihood to recommend", "recommend"],
    "ces": ["ces", "ces score", "customer effort", "customer effort score", "effort score", "effort"],
    "customer_id": ["customer", "customer id", "ani", "caller", "caller id", "calling number", "caller number", "cli",
                    "from", "from number", "phone number", "phone", "customer number", "customer phone",
                    "account", "account id", "account number", "customer endpoint", "client", "client id"],
    "channel": _CHANNELS,
    "direction": ["direction", "call direction", "call type", "inbound outbound"],
    "queue_id": _QUEUES,
    "agent_id": _AGENT_IDS,
    "agent_name": _AGENT_NAMES,
    "team_id": _TEAMS,
    "topic": ["topic", "contact reason", "call reason", "reason", "category", "subject", "intent", "issue type"],
    "bot_only": ["bot only", "self service", "contained", "ivr only", "bot contained", "self served"],
}

INTERVAL_SYNONYMS: dict[str, list[str]] = {
    "interval_start": ["interval start", "interval", "period start", "period", "start time", "interval begin",
                       "time interval", "half hour", "date time", "datetime", "timestamp", "start", "time", "date"],
    "offered": ["offered", "calls offered", "contacts offered", "offer", "incoming", "incoming calls",
                "calls received", "received", "inbound calls", "total calls", "calls", "contacts queued", "queued",
                "entered", "calls in", "volume", "contacts"],
    "answered": ["answered", "calls answered", "contacts answered", "answered calls", "accepted"],
    "abandoned": ["abandoned", "calls abandoned", "abandons", "abandoned calls", "abandoned contacts",
                  "contacts abandoned", "lost calls", "aban"],
    "handled": ["handled", "calls handled", "contacts handled", "handled calls"],
    "answered_within_threshold": ["answered within threshold", "answered within sl", "answered in sl",
                                  "calls answered within sl", "answered within target", "ans in sl", "within sl",
                                  "in sl"],
    "service_level": ["service level", "sl", "svc lvl", "service level pct", "service factor", "gos",
                      "grade of service", "sla", "service level percent"],
    "aht_ms": ["aht", "average handle time", "avg handle time", "avg handling time", "average handling time",
               "avg aht", "handle time avg"],
    "asa_ms": ["asa", "average speed of answer", "avg speed of answer", "avg speed answer", "avg answer time",
               "average answer time", "avg wait time", "average wait time"],
    "handle_ms": ["total handle time", "handle time", "handling time", "total handling time"],
    "wait_answered_ms": ["total wait time", "total answer time", "total wait answered"],
    "queue_id": _QUEUES,
    "channel": _CHANNELS,
    "agent_id": _AGENT_IDS,
    "agent_name": _AGENT_NAMES,
    "team_id": _TEAMS,
}

SYNONYMS = {"contacts": CONTACT_SYNONYMS, "intervals": INTERVAL_SYNONYMS}

# separate date and time columns that together make the arrival / interval start
DATE_PARTS = {
    "contacts": ["date", "call date", "start date", "contact date", "day"],
    "intervals": ["date", "interval date", "report date", "day", "period date"],
}
TIME_PARTS = {
    "contacts": ["time", "start time", "call time", "call start", "time of day", "start"],
    "intervals": ["interval", "time", "interval start", "half hour", "start time", "period", "time interval",
                  "period start", "hour", "start"],
}

# headers that only per-period aggregate reports have
STRONG_INTERVAL = {
    "offered", "calls offered", "contacts offered", "service level", "sl", "service level pct", "svc lvl",
    "asa", "average speed of answer", "avg speed of answer", "calls handled", "answered within threshold",
    "answered within sl", "gos", "grade of service", "calls answered", "calls abandoned", "half hour",
}

_UNITS = r"(?:ms|msec|millis|milliseconds|s|sec|secs|second|seconds|min|mins|minute|minutes|h|hr|hrs|hour|hours|" \
         r"hh ?mm ?ss|hh ?mm|mm ?ss|hms|%|pct|percent|days?)"


def header_base(header: str) -> tuple[str, str]:
    """'Talk Time (sec)' -> ('talk time', 'sec'); 'Service Level %' -> ('service level', '%')."""
    text = header.strip().lstrip("\ufeff")
    hint = ""
    bracket = re.search(r"[(\[]([^)\]]*)[)\]]", text)
    if bracket:
        hint = bracket.group(1).strip().lower()
        text = (text[: bracket.start()] + " " + text[bracket.end():]).strip()
    if text.endswith("%"):
        hint = hint or "%"
        text = text[:-1]
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # CamelCase -> words
    base = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    unit = re.search(rf"\s(?:in\s)?({_UNITS})$", base)
    if unit and len(base.split()) > 1:
        hint = hint or unit.group(1)
        base = base[: unit.start()].strip()
    return base, hint


def matches(base: str, synonyms: list[str]) -> bool:
    return base in synonyms


def rank(base: str, synonyms: list[str]) -> int | None:
    """0.. for an exact synonym (lower = preferred); 1000+ for a multi-word synonym inside the header."""
    if base in synonyms:
        return synonyms.index(base)
    padded = f" {base} "
    for index, synonym in enumerate(synonyms):
        if " " in synonym and f" {synonym} " in padded:
            return 1000 + index
    return None


def unit_of(hint: str) -> str | None:
    hint = hint.replace(" ", "").replace(":", "")
    if hint in ("ms", "msec", "millis", "milliseconds"):
        return "milliseconds"
    if hint in ("s", "sec", "secs", "second", "seconds"):
        return "seconds"
    if hint in ("min", "mins", "minute", "minutes"):
        return "minutes"
    if hint in ("h", "hr", "hrs", "hour", "hours"):
        return "hours"
    if hint in ("hhmmss", "hms", "mmss"):
        return "hms"
    if hint in ("hhmm",):
        return "hm"
    if hint in ("day", "days"):
        return "days"
    return None
