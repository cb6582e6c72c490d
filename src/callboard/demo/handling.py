"""How contacts behave once they arrive: topics, customer patience, talk/hold/ACW times, transfers.

Everything random about a contact is drawn here, vectorised, before the ACD simulation runs; the
simulation only applies the answering agent's factors. Times are integer milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callboard.demo.org import POOLS, Org

INF_MS = 1 << 62


@dataclass(frozen=True)
class Handling:
    talk_s: float  # median talk (or chat / email work) time
    talk_sigma: float
    hold_prob: float  # share of segments with at least one hold, for an average agent
    hold_s: float  # median length of one hold
    acw_s: float
    acw_sigma: float
    ring_s: tuple[float, float]  # contacting (inbound) or dialing (outbound) time, uniform
    patience_s: float | None  # median time a customer waits before giving up; None = never (async)
    short_abandon: float  # share of customers who hang up within a few seconds whatever happens
    timeout_s: float | None = None  # the queue's EXITWITHTIMEOUT
    overflow_to: str | None = None  # where a timed-out contact goes next (None: voicemail, contact ends)
    callback_after_s: float | None = None  # when the caller is offered a callback
    callback_share: float = 0.0  # share of callers who take the offer
    transfer_prob: float = 0.0
    transfer_to: tuple[tuple[str, float], ...] = ()
    topics: tuple[tuple[str, float, float, float], ...] = ()  # topic, weight, talk x, repeat x
    bot_share: float = 0.0  # contacts the bot resolves without an agent
    survey_rate: float = 0.15


PROFILES: dict[str, Handling] = {
    "q_billing": Handling(
        130, 0.55, 0.22, 35, 20, 0.5, (2, 6), 110, 0.03, timeout_s=420, callback_after_s=75, callback_share=0.25,
        transfer_prob=0.07, transfer_to=(("q_retention", 0.5), ("q_tech", 0.3), ("q_sales", 0.2)),
        topics=(("billing question", 0.4, 1.0, 1.0), ("payment issue", 0.2, 1.1, 1.2),
                ("refund request", 0.15, 1.2, 1.3), ("direct debit change", 0.15, 0.8, 0.6),
                ("cancel", 0.1, 1.1, 1.4)),
        survey_rate=0.16,
    ),
    "q_retention": Handling(
        240, 0.5, 0.25, 45, 30, 0.5, (2, 6), 150, 0.02, transfer_prob=0.05, transfer_to=(("q_billing", 1.0),),
        topics=(("cancel", 0.55, 1.0, 1.2), ("price complaint", 0.3, 0.9, 1.1), ("contract renewal", 0.15, 0.8, 0.7)),
        survey_rate=0.16,
    ),
    "q_tech": Handling(
        200, 0.6, 0.3, 45, 25, 0.5, (2, 6), 130, 0.03, timeout_s=600, callback_after_s=90, callback_share=0.3,
        transfer_prob=0.1, transfer_to=(("q_billing", 0.6), ("q_sales", 0.4)),
        topics=(("password reset", 0.3, 0.6, 0.6), ("connectivity issue", 0.3, 1.3, 1.6),
                ("device setup", 0.2, 1.2, 1.0), ("app error", 0.15, 1.0, 1.3), ("outage report", 0.05, 0.7, 1.2)),
        survey_rate=0.16,
    ),
    "q_sales": Handling(
        190, 0.55, 0.15, 30, 25, 0.5, (2, 6), 100, 0.03, timeout_s=150, overflow_to="q_billing",
        transfer_prob=0.06, transfer_to=(("q_billing", 1.0),),
        topics=(("new subscription", 0.4, 1.1, 0.7), ("upgrade", 0.35, 0.9, 0.8), ("pricing enquiry", 0.25, 0.8, 0.9)),
        survey_rate=0.14,
    ),
    "q_orders_chat": Handling(
        360, 0.55, 0.0, 0, 20, 0.5, (1, 3), 240, 0.02,
        topics=(("order status", 0.45, 0.8, 0.9), ("delivery delay", 0.25, 1.1, 1.3),
                ("return request", 0.2, 1.2, 1.0), ("order change", 0.1, 1.0, 0.9)),
        bot_share=0.06, survey_rate=0.22,
    ),
    "q_messaging": Handling(
        420, 0.6, 0.0, 0, 15, 0.5, (1, 3), None, 0.0,
        topics=(("order status", 0.35, 0.8, 0.9), ("address change", 0.2, 0.8, 0.7),
                ("billing question", 0.25, 1.0, 1.0), ("password reset", 0.2, 0.7, 0.6)),
        bot_share=0.04, survey_rate=0.2,
    ),
    "q_email": Handling(
        180, 0.6, 0.0, 0, 25, 0.5, (0, 0), None, 0.0,
        topics=(("billing question", 0.3, 1.0, 1.1), ("complaint", 0.2, 1.4, 1.4),
                ("document request", 0.2, 0.7, 0.6), ("order status", 0.2, 0.8, 0.9), ("cancel", 0.1, 1.0, 1.2)),
        survey_rate=0.12,
    ),
    "q_sales_outbound": Handling(
        150, 0.8, 0.05, 30, 40, 0.5, (8, 25), None, 0.0,
        topics=(("renewal offer", 0.5, 1.0, 0.5), ("sales follow-up", 0.5, 1.0, 0.5)),
        survey_rate=0.0,
    ),
}
TOPICS: tuple[str, ...] = tuple(sorted({t for p in PROFILES.values() for t, *_ in p.topics}))
CALLBACK_HANDLING = "callback"  # callbacks reuse the original queue's times


def mean_handle_s(p: Handling) -> float:
    """Expected busy time of one contact for an average agent (for staffing the demo centre)."""
    weights = np.array([w for _, w, _, _ in p.topics])
    talk_mult = float(np.dot(weights, [m for _, _, m, _ in p.topics]) / weights.sum())
    talk = p.talk_s * talk_mult * np.exp(p.talk_sigma**2 / 2)
    hold = p.hold_prob * p.hold_s * 1.43 * np.exp(0.18)
    acw = p.acw_s * np.exp(p.acw_sigma**2 / 2)
    return float(talk + hold + acw + sum(p.ring_s) / 2)


@dataclass(frozen=True)
class QueueRules:
    """Per-queue routing rules, indexed like org.queues (INF_MS = never)."""

    pool: np.ndarray  # int8 index into POOLS, -1 for queues the demo ACD does not serve
    timeout_ms: np.ndarray
    overflow: np.ndarray  # int16 queue index or -1
    callback_after_ms: np.ndarray
    hold_prob: np.ndarray
    transfer_prob: np.ndarray


@dataclass(frozen=True)
class ContactDraws:
    """Per-contact draws (arrays aligned with the arrivals); leg2 = the leg after a transfer."""

    topic: np.ndarray
    bot: np.ndarray
    repeat_mult: np.ndarray
    talk_ms: np.ndarray
    hold_ms: np.ndarray
    hold_count: np.ndarray
    u_hold: np.ndarray
    acw_ms: np.ndarray
    ring_ms: np.ndarray
    dial_ms: np.ndarray
    patience_ms: np.ndarray
    wants_callback: np.ndarray
    callback_delay_ms: np.ndarray
    u_transfer: np.ndarray
    transfer_queue: np.ndarray
    split: np.ndarray
    talk2_ms: np.ndarray
    hold2_ms: np.ndarray
    hold2_count: np.ndarray
    acw2_ms: np.ndarray
    ring2_ms: np.ndarray
    patience2_ms: np.ndarray


def queue_rules(org: Org) -> QueueRules:
    def ms(value: float | None) -> int:
        return INF_MS if value is None else int(value * 1000)

    qs = org.queues
    prof = [PROFILES.get(q.queue_id) for q in qs]
    return QueueRules(
        pool=np.array([POOLS.index(q.pool) if q.pool else -1 for q in qs], dtype=np.int8),
        timeout_ms=np.array([ms(p.timeout_s) if p else INF_MS for p in prof], dtype=np.int64),
        overflow=np.array([org.queue_index(p.overflow_to) if p and p.overflow_to else -1 for p in prof], np.int16),
        callback_after_ms=np.array([ms(p.callback_after_s) if p else INF_MS for p in prof], dtype=np.int64),
        hold_prob=np.array([p.hold_prob if p else 0.0 for p in prof]),
        transfer_prob=np.array([p.transfer_prob if p else 0.0 for p in prof]),
    )


def _times(rng: np.random.Generator, p: Handling, n: int, talk_mult: np.ndarray) -> dict[str, np.ndarray]:
    talk = p.talk_s * talk_mult * np.exp(rng.normal(0.0, p.talk_sigma, n))
    holds = np.minimum(rng.geometric(0.7, n), 5)  # 1 hold 70%, 2 holds 21%, ...
    hold = p.hold_s * holds * np.exp(rng.normal(0.0, 0.6, n)) if p.hold_s else np.zeros(n)
    acw = p.acw_s * np.exp(rng.normal(0.0, p.acw_sigma, n))
    ring = rng.uniform(p.ring_s[0], p.ring_s[1], n)
    return {
        "talk": np.maximum(talk * 1000, 15_000).astype(np.int64),
        "hold": (hold * 1000).astype(np.int64),
        "holds": holds.astype(np.int32),
        "acw": (acw * 1000).astype(np.int64),
        "ring": (ring * 1000).astype(np.int64),
    }


def draw_contacts(rng: np.random.Generator, org: Org, queue: np.ndarray) -> ContactDraws:
    n = len(queue)
    topic = np.zeros(n, np.int16)
    bot = np.zeros(n, bool)
    repeat_mult = np.ones(n)
    talk_mult = np.ones(n)
    cols = {k: np.zeros(n, np.int64) for k in ("talk", "hold", "holds", "acw", "ring", "patience", "cb")}
    transfer_queue = np.full(n, -1, np.int16)
    for qi, q in enumerate(org.queues):
        idx = np.flatnonzero(queue == qi)
        p = PROFILES.get(q.queue_id)
        if p is None or len(idx) == 0:
            continue
        weights = np.array([w for _, w, _, _ in p.topics])
        pick = rng.choice(len(p.topics), size=len(idx), p=weights / weights.sum())
        topic[idx] = np.array([TOPICS.index(t) for t, *_ in p.topics])[pick]
        talk_mult[idx] = np.array([m for _, _, m, _ in p.topics])[pick]
        repeat_mult[idx] = np.array([r for *_, r in p.topics])[pick]
        bot[idx] = rng.random(len(idx)) < p.bot_share
        for k, v in _times(rng, p, len(idx), talk_mult[idx]).items():
            cols[k][idx] = v
        if p.patience_s is None:
            cols["patience"][idx] = INF_MS
        else:
            patience = p.patience_s * np.exp(rng.normal(0.0, 1.0, len(idx)))
            short = rng.random(len(idx)) < p.short_abandon
            patience = np.where(short, rng.uniform(0.5, 4.5, len(idx)), patience)
            cols["patience"][idx] = (patience * 1000).astype(np.int64)
        cols["cb"][idx] = rng.random(len(idx)) < p.callback_share
        if p.transfer_to:
            targets = np.array([org.queue_index(t) for t, _ in p.transfer_to])
            tw = np.array([w for _, w in p.transfer_to])
            transfer_queue[idx] = targets[rng.choice(len(targets), size=len(idx), p=tw / tw.sum())]
    leg2 = {k: np.zeros(n, np.int64) for k in ("talk", "hold", "holds", "acw", "ring")}
    for qi, q in enumerate(org.queues):
        idx = np.flatnonzero(transfer_queue == qi)
        if len(idx):
            for k, v in _times(rng, PROFILES[q.queue_id], len(idx), np.ones(len(idx))).items():
                leg2[k][idx] = v
    return ContactDraws(
        topic=topic,
        bot=bot,
        repeat_mult=repeat_mult,
        talk_ms=cols["talk"],
        hold_ms=cols["hold"],
        hold_count=cols["holds"].astype(np.int32),
        u_hold=rng.random(n),
        acw_ms=cols["acw"],
        ring_ms=cols["ring"],
        dial_ms=rng.integers(8_000, 25_000, n),
        patience_ms=cols["patience"],
        wants_callback=cols["cb"].astype(bool),
        callback_delay_ms=rng.integers(2 * 60_000, 25 * 60_000, n),
        u_transfer=rng.random(n),
        transfer_queue=transfer_queue,
        split=rng.uniform(0.3, 0.75, n),
        talk2_ms=leg2["talk"],
        hold2_ms=leg2["hold"],
        hold2_count=leg2["holds"].astype(np.int32),
        acw2_ms=leg2["acw"],
        ring2_ms=leg2["ring"],
        patience2_ms=(200_000 * np.exp(rng.normal(0.0, 0.7, n))).astype(np.int64),
    )
