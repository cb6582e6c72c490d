"""Tiny hand-made datasets for metric tests: write contacts, queue entries, segments and surveys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from callboard.records.batch import LoadBatch, input_schema

T0 = dt.datetime(2026, 3, 2, 9, 0, 0)  # a Monday, 09:00 UTC


@dataclass
class Dataset:
    """Accumulates canonical rows; `batch()` turns them into one LoadBatch."""

    source: str = "test"
    contacts: list[dict[str, Any]] = field(default_factory=list)
    queue_entries: list[dict[str, Any]] = field(default_factory=list)
    agent_segments: list[dict[str, Any]] = field(default_factory=list)
    survey_responses: list[dict[str, Any]] = field(default_factory=list)
    agent_states: list[dict[str, Any]] = field(default_factory=list)
    interval_stats: list[dict[str, Any]] = field(default_factory=list)
    team_memberships: list[dict[str, Any]] = field(default_factory=list)
    qa_scores: list[dict[str, Any]] = field(default_factory=list)
    qa_item_results: list[dict[str, Any]] = field(default_factory=list)

    def contact(self, contact_id: str, *, at: dt.datetime = T0, channel: str = "voice", direction: str = "inbound",
                customer_id: str | None = None, bot_only: bool = False, topic: str | None = None,
                resolved: bool | None = None, callback_of: str | None = None) -> str:
        self.contacts.append(dict(
            source=self.source, contact_id=contact_id, channel=channel, direction=direction, customer_id=customer_id,
            bot_only=bot_only, topic=topic, arrived_at=at, ended_at=None, disposition=None, resolved=resolved,
            callback_of=callback_of, is_open=False, updated_at=None,
        ))
        return contact_id

    def _contact(self, contact_id: str) -> dict[str, Any]:
        return next(c for c in self.contacts if c["contact_id"] == contact_id)

    def entry(self, contact_id: str, *, queue: str = "q1", outcome: str = "answered", wait_s: float | None = 0,
              agent: str | None = None, at: dt.datetime | None = None, seq: int = 0) -> None:
        c = self._contact(contact_id)
        enq = at or c["arrived_at"]
        wait_ms = None if wait_s is None else round(wait_s * 1000)
        self.queue_entries.append(dict(
            source=self.source, contact_id=contact_id, entry_seq=seq, queue_id=queue, channel=c["channel"],
            direction=c["direction"], customer_id=c["customer_id"], bot_only=c["bot_only"], topic=c["topic"],
            enqueued_at=enq, dequeued_at=None if wait_ms is None else enq + dt.timedelta(milliseconds=wait_ms),
            wait_ms=wait_ms, outcome=outcome, raw_exit_reason=None, agent_id=agent,
        ))

    def segment(self, contact_id: str, agent: str, *, talk_s: float | None = 0, hold_s: float | None = 0,
                acw_s: float | None = 0, hold_count: int | None = 0, transferred_out: bool = False,
                queue: str | None = "q1", at: dt.datetime | None = None, seq: int = 0,
                dial_s: float | None = None, contacting_s: float | None = None,
                voicemail_s: float | None = None) -> None:
        c = self._contact(contact_id)
        start = at or c["arrived_at"]
        ms = lambda s: None if s is None else round(s * 1000)  # noqa: E731
        total = sum(x or 0 for x in (talk_s, hold_s, acw_s))
        self.agent_segments.append(dict(
            source=self.source, contact_id=contact_id, segment_seq=seq, agent_id=agent, queue_id=queue,
            channel=c["channel"], direction=c["direction"], customer_id=c["customer_id"], bot_only=c["bot_only"],
            topic=c["topic"], connected_at=start, acw_ended_at=start + dt.timedelta(seconds=total),
            talk_ms=ms(talk_s), hold_ms=ms(hold_s), hold_count=hold_count, acw_ms=ms(acw_s), dial_ms=ms(dial_s),
            contacting_ms=ms(contacting_s), voicemail_ms=ms(voicemail_s), transferred_out=transferred_out,
        ))

    def survey(self, contact_id: str, question: str, score: float | None, *, scale: tuple[float, float] = (1, 5),
               after: dt.timedelta = dt.timedelta(hours=1), response_id: str | None = None) -> None:
        c = self._contact(contact_id)
        self.survey_responses.append(dict(
            source=self.source, response_id=response_id or f"{contact_id}-{question}-{len(self.survey_responses)}",
            contact_id=contact_id, question=question, score=score, scale_min=scale[0], scale_max=scale[1],
            responded_at=c["arrived_at"] + after, comment=None,
        ))

    def agent_state(self, agent: str, state: str, *, at: dt.datetime = T0, minutes: float | None = None,
                    until: dt.datetime | None = None, reason: str | None = None, paid: bool | None = None,
                    record_id: str | None = None) -> dt.datetime | None:
        """One agent state interval from `at`, `minutes` long (or ending `until`; neither: still open).
        Returns its end, so consecutive states chain: `t = d.agent_state("a1", "available", at=t, minutes=5)`."""
        end = until if until is not None else (None if minutes is None else at + dt.timedelta(minutes=minutes))
        self.agent_states.append(dict(
            source=self.source, record_id=record_id or f"{agent}-{len(self.agent_states)}", agent_id=agent,
            state=state, reason=reason, paid=paid, started_at=at, ended_at=end,
        ))
        return end

    def interval_stat(self, record_id: str, *, at: dt.datetime = T0, interval_s: int = 1800, queue: str | None = "q1",
                      channel: str | None = None, agent: str | None = None, offered: int | None = None,
                      answered: int | None = None, abandoned: int | None = None,
                      answered_within: int | None = None, threshold_s: float | None = None,
                      wait_answered_s: float | None = None, handled: int | None = None,
                      handle_s: float | None = None) -> None:
        """One per-interval aggregate row (sources that export no contact rows). Sums, not averages:
        `wait_answered_s` is the total wait of the answered contacts, `handle_s` the total handle time."""
        ms = lambda s: None if s is None else round(s * 1000)  # noqa: E731
        self.interval_stats.append(dict(
            source=self.source, record_id=record_id, interval_start=at, interval_s=interval_s, queue_id=queue,
            channel=channel, agent_id=agent, offered=offered, answered=answered, abandoned=abandoned,
            answered_within_threshold=answered_within, threshold_s=threshold_s,
            wait_answered_ms=ms(wait_answered_s), handled=handled, handle_ms=ms(handle_s),
        ))

    def membership(self, agent: str, team: str, *, valid_from: dt.datetime,
                   valid_to: dt.datetime | None = None) -> None:
        """Agent `agent` belongs to `team` from `valid_from` (inclusive) to `valid_to` (exclusive; None: still)."""
        self.team_memberships.append(dict(agent_id=agent, team_id=team, valid_from=valid_from, valid_to=valid_to))

    def evaluation(self, contact_id: str, agent: str, score_pct: float | None, *, evaluator: str = "qa1",
                   critical_failed: bool = False, fatal: bool = False, state: str = "submitted",
                   is_calibration: bool = False) -> int:
        """One QA evaluation of `contact_id` (at its latest revision), dated by the contact's arrival; its id."""
        c = self._contact(contact_id)
        evaluation_id = len(self.qa_scores) + 1
        self.qa_scores.append(dict(
            evaluation_id=evaluation_id, source=self.source, contact_id=contact_id, agent_id=agent,
            team_id=None, queue_id=None, channel=c["channel"], evaluator=evaluator, form_id=1, form_version=1,
            contact_at=c["arrived_at"], submitted_at=c["arrived_at"] + dt.timedelta(days=1), state=state,
            revision=1, is_calibration=is_calibration, score_pct=score_pct, score_before_fail_pct=score_pct,
            critical_score_pct=None, fatal=fatal, critical_failed=critical_failed,
        ))
        return evaluation_id

    def item_result(self, evaluation_id: int, kind: str, item_id: str, *, section: str | None = None,
                    failed: bool = False) -> None:
        """One row of `qa_item_results`: an applicable question (`kind` "question", in `section`) or a scored
        section (`kind` "section") of evaluation `evaluation_id`, failed or not."""
        self.qa_item_results.append(dict(
            evaluation_id=evaluation_id, item_kind=kind, item_id=item_id,
            section_id=section if kind == "question" else item_id,
            earned=0.0 if failed else 1.0, possible=1.0, failed=failed,
        ))

    def batch(self) -> LoadBatch:
        batch = LoadBatch(source=self.source, file="<test>", file_sha256=None, rows_read=len(self.contacts))
        for name in ("contacts", "queue_entries", "agent_segments", "survey_responses", "agent_states",
                     "interval_stats", "team_memberships", "qa_scores", "qa_item_results"):
            rows = getattr(self, name)
            if rows:
                batch.add(name, pa.Table.from_pylist(rows, schema=input_schema(name)))
        return batch
