"""Conversation characteristics (Contact Lens, Transcribe Call Analytics) -> Callboard conversation_metrics.

The platforms report talk time, non-talk time, interruptions, talk speed, sentiment and chat response
times per contact. Callboard keeps each figure as the platform gave it, one row per figure: the metric
name carries the unit (`talk_time_ms`, `talk_speed_wpm`, `sentiment_overall_score` on the platform's
-5..+5 scale), `participant` is agent, customer or all, and `period_seq` numbers the periods of a
per-period figure (quarters 1-4 of the call), 0 otherwise. Figures of other roles (SYSTEM) are not kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from callboard.ingest.connectors.transcript_io import BadField, number
from callboard.ingest.connectors.transcript_rows import Collected

ROLES = {"AGENT": "agent", "CUSTOMER": "customer"}
ROLE = "{ROLE}"  # a path step matching each participant role key

# (path inside ConversationCharacteristics, metric name, participant or None when the path has {ROLE})
VOICE_FIGURES: tuple[tuple[str, str, str | None], ...] = (
    ("TotalConversationDurationMillis", "conversation_duration_ms", "all"),
    ("TalkTime.TotalTimeMillis", "talk_time_ms", "all"),
    ("TalkTime.DetailsByParticipant.{ROLE}.TotalTimeMillis", "talk_time_ms", None),
    ("NonTalkTime.TotalTimeMillis", "non_talk_time_ms", "all"),
    ("Interruptions.TotalCount", "interruption_count", "all"),
    ("Interruptions.TotalTimeMillis", "interruption_time_ms", "all"),
    ("TalkSpeed.DetailsByParticipant.{ROLE}.AverageWordsPerMinute", "talk_speed_wpm", None),
    ("Sentiment.OverallSentiment.{ROLE}", "sentiment_overall_score", None),
)
CHAT_FIGURES: tuple[tuple[str, str, str | None], ...] = (
    ("ResponseTime.AgentGreetingTimeMillis", "agent_greeting_time_ms", "agent"),
    ("ResponseTime.DetailsByParticipantRole.{ROLE}.Average.ValueMillis", "response_time_avg_ms", None),
    ("ResponseTime.DetailsByParticipantRole.{ROLE}.Maximum.ValueMillis", "response_time_max_ms", None),
    ("Sentiment.OverallSentiment.DetailsByParticipantRole.{ROLE}", "sentiment_overall_score", None),
    ("Sentiment.OverallSentiment.DetailsByInteraction.DetailsByParticipantRole.{ROLE}.WithAgent",
     "sentiment_with_agent_score", None),
    ("Sentiment.OverallSentiment.DetailsByInteraction.DetailsByParticipantRole.{ROLE}.WithoutAgent",
     "sentiment_without_agent_score", None),
    ("Sentiment.SentimentShift.DetailsByParticipantRole.{ROLE}.BeginScore", "sentiment_begin_score", None),
    ("Sentiment.SentimentShift.DetailsByParticipantRole.{ROLE}.EndScore", "sentiment_end_score", None),
    ("Sentiment.SentimentShift.DetailsByInteraction.DetailsByParticipantRole.{ROLE}.WithAgent.BeginScore",
     "sentiment_with_agent_begin_score", None),
    ("Sentiment.SentimentShift.DetailsByInteraction.DetailsByParticipantRole.{ROLE}.WithAgent.EndScore",
     "sentiment_with_agent_end_score", None),
)
WHERE = "ConversationCharacteristics"


def _walk(node: Any, steps: list[str], trail: list[str], role: str | None) -> Iterator[tuple[str | None, Any, str]]:
    """(role, value, dotted path) for every value the path reaches; missing steps yield nothing."""
    if not steps:
        yield role, node, ".".join(trail)
        return
    if not isinstance(node, dict):
        return
    step, rest = steps[0], steps[1:]
    if step == ROLE:
        for key, child in node.items():
            if key in ROLES:
                yield from _walk(child, rest, [*trail, key], ROLES[key])
    elif step in node:
        yield from _walk(node[step], rest, [*trail, step], role)


def _figure(out: Collected, contact_id: str, metric: str, who: str, value: Any, path: str, period: int = 0) -> None:
    try:
        out.metrics.add(contact_id, metric, who, number(value, f"{WHERE}.{path}", required=True), period)
    except BadField as problem:
        out.records += 1
        out.reject(None, problem, value, WHERE)


def _figures(out: Collected, contact_id: str, cc: dict[str, Any], table: tuple[tuple[str, str, str | None], ...]) -> None:
    for path, metric, fixed in table:
        for role, value, where in _walk(cc, path.split("."), [], None):
            _figure(out, contact_id, metric, fixed or role or "all", value, where)


def _interrupters(out: Collected, contact_id: str, cc: dict[str, Any]) -> None:
    """Per-interrupter counts and time: the listed instances of each role (none listed: 0)."""
    by_role = cc.get("Interruptions", {}).get("InterruptionsByInterrupter") if isinstance(
        cc.get("Interruptions"), dict) else None
    if not isinstance(by_role, dict):
        return
    for key, who in ROLES.items():
        instances = by_role.get(key, [])
        path = f"Interruptions.InterruptionsByInterrupter.{key}"
        if not isinstance(instances, list):
            _figure(out, contact_id, "interruption_count", who, instances, path)
            continue
        durations = [i.get("DurationMillis") if isinstance(i, dict) else i for i in instances]
        try:
            total = sum(number(d, f"{WHERE}.{path}.DurationMillis", required=True) or 0.0 for d in durations)
        except BadField as problem:
            out.records += 1
            out.reject(None, problem, instances, WHERE)
            continue
        out.metrics.add(contact_id, "interruption_count", who, float(len(instances)))
        out.metrics.add(contact_id, "interruption_time_ms", who, total)


def _periods(out: Collected, contact_id: str, cc: dict[str, Any]) -> None:
    """Sentiment by period: `sentiment_quarter_score` for QUARTER, period_seq 1..4 in time order."""
    by_period = cc.get("Sentiment", {}).get("SentimentByPeriod") if isinstance(cc.get("Sentiment"), dict) else None
    if not isinstance(by_period, dict):
        return
    for period, by_role in by_period.items():
        if not isinstance(by_role, dict):
            continue
        metric = f"sentiment_{str(period).lower()}_score"
        for key, who in ROLES.items():
            periods = by_role.get(key)
            if not isinstance(periods, list):
                continue
            for seq, item in enumerate(periods, start=1):
                value = item.get("Score") if isinstance(item, dict) else item
                _figure(out, contact_id, metric, who, value, f"Sentiment.SentimentByPeriod.{period}.{key}[{seq}].Score", seq)


def voice_characteristics(out: Collected, contact_id: str, cc: Any) -> None:
    """A call's characteristics (Contact Lens voice and Transcribe Call Analytics share the layout)."""
    if not isinstance(cc, dict):
        return
    _figures(out, contact_id, cc, VOICE_FIGURES)
    instances = cc.get("NonTalkTime", {}).get("Instances") if isinstance(cc.get("NonTalkTime"), dict) else None
    if isinstance(instances, list):
        out.metrics.add(contact_id, "non_talk_count", "all", float(len(instances)))
    _interrupters(out, contact_id, cc)
    _periods(out, contact_id, cc)


def chat_characteristics(out: Collected, contact_id: str, cc: Any) -> None:
    """A chat's characteristics: response and greeting times, overall sentiment and its shift."""
    if isinstance(cc, dict):
        _figures(out, contact_id, cc, CHAT_FIGURES)
