"""What the evaluation page shows beside the form: the contact, its handling segments, survey answers and
transcript, read from the analytics store (Ibis). The evaluated agent is the contact's last handling agent
(reference §2.5 credit rule), unless the evaluator names one of the contact's agents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis

from callboard.core.errors import NotFound
from callboard.store.base import AnalyticsStore


@dataclass(frozen=True)
class Segment:
    agent_id: str
    queue_id: str | None
    connected_at: dt.datetime
    talk_s: float | None
    hold_s: float | None
    acw_s: float | None
    transferred_out: bool


@dataclass(frozen=True)
class Turn:
    seq: int
    participant: str
    text: str
    offset_s: float | None
    sentiment: str | None


@dataclass(frozen=True)
class ContactView:
    source: str
    contact_id: str
    channel: str
    direction: str
    topic: str | None
    arrived_at: dt.datetime
    ended_at: dt.datetime | None
    wait_s: float | None
    segments: tuple[Segment, ...]
    surveys: tuple[tuple[str, float | None], ...]  # (question, score)
    transcript: tuple[Turn, ...]

    @property
    def agent_id(self) -> str | None:
        return self.segments[-1].agent_id if self.segments else None

    @property
    def queue_id(self) -> str | None:
        return self.segments[-1].queue_id if self.segments else None

    @property
    def handle_s(self) -> float | None:
        parts = [s.talk_s + (s.hold_s or 0) + (s.acw_s or 0) for s in self.segments if s.talk_s is not None]
        return sum(parts) if parts else None


def _rows(expr: Any) -> list[dict[str, Any]]:
    return expr.to_pyarrow().to_pylist()  # type: ignore[no-any-return]


def _s(ms: int | None) -> float | None:
    return None if ms is None else ms / 1000.0


def load_contact(store: AnalyticsStore, contact_id: str, *, with_transcript: bool = True) -> ContactView:
    c = store.table("contacts")
    found = _rows(c.filter(c.contact_id == contact_id).select(
        "source", "contact_id", "channel", "direction", "topic", "arrived_at", "ended_at").limit(1))
    if not found:
        raise NotFound(f"no contact '{contact_id}' in the analytics store", hint="open a contact from the lists")
    row = found[0]
    s = store.table("agent_segments")
    segs = _rows(s.filter((s.contact_id == contact_id) & (s.source == row["source"]))
                 .order_by([s.connected_at, s.segment_seq])
                 .select("agent_id", "queue_id", "connected_at", "talk_ms", "hold_ms", "acw_ms", "transferred_out"))
    q = store.table("queue_entries")
    waits = _rows(q.filter((q.contact_id == contact_id) & (q.source == row["source"])).select("wait_ms"))
    r = store.table("survey_responses")
    surveys = _rows(r.filter(r.contact_id == contact_id).order_by(r.responded_at).select("question", "score"))
    turns: list[dict[str, Any]] = []
    if with_transcript:
        t = store.table("transcript_turns")
        turns = _rows(t.filter(t.contact_id == contact_id).order_by(t.turn_seq).select(
            "turn_seq", "participant", "text", "begin_offset_ms", "sentiment"))
    wait_ms = [w["wait_ms"] for w in waits if w["wait_ms"] is not None]
    return ContactView(
        source=row["source"], contact_id=row["contact_id"], channel=row["channel"], direction=row["direction"],
        topic=row["topic"], arrived_at=row["arrived_at"], ended_at=row["ended_at"],
        wait_s=_s(sum(wait_ms)) if wait_ms else None,
        segments=tuple(Segment(g["agent_id"], g["queue_id"], g["connected_at"], _s(g["talk_ms"]), _s(g["hold_ms"]),
                               _s(g["acw_ms"]), bool(g["transferred_out"])) for g in segs),
        surveys=tuple((x["question"], x["score"]) for x in surveys),
        transcript=tuple(Turn(x["turn_seq"], x["participant"], x["text"], _s(x["begin_offset_ms"]), x["sentiment"])
                         for x in turns))


@dataclass(frozen=True)
class RecentContact:
    contact_id: str
    agent_id: str
    channel: str
    queue_id: str | None
    connected_at: dt.datetime


def recent_contacts(store: AnalyticsStore, agent_ids: frozenset[str] | None, *, limit: int = 15,
                    exclude: set[str] | None = None) -> list[RecentContact]:
    """The latest handled contacts of agents in scope (None: all), newest first, for picking one to evaluate."""
    s = store.table("agent_segments")
    s = s.filter(~s.bot_only)
    if agent_ids is not None:
        if not agent_ids:
            return []
        s = s.filter(s.agent_id.isin(list(agent_ids)))
    if exclude:
        s = s.filter(~s.contact_id.isin(list(exclude)))
    rows = _rows(s.order_by([ibis.desc(s.connected_at), ibis.desc(s.contact_id)]).limit(limit).select(
        "contact_id", "agent_id", "channel", "queue_id", "connected_at"))
    return [RecentContact(r["contact_id"], r["agent_id"], r["channel"], r["queue_id"], r["connected_at"]) for r in rows]
