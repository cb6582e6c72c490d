"""Staffing-plan settings in the app database: planned shrinkage by category and targets per queue (audited).

Shrinkage categories add up (breaks 10% + training 5% + ... = total), in exact decimals: the total is handed
to the Erlang module as a float whose shortest decimal is the exact sum, so 0.1 + 0.05 + 0.04 + 0.11 is
0.3 (floats would give 0.30000000000000004 and over-staff). Queues without a saved target use their
channel's default (DEFAULT_TARGETS).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from callboard.core.errors import InvalidInput
from callboard.org import audit
from callboard.store.appdb.forecast_models import ShrinkageCategory, StaffingTarget

CATEGORIES = ("breaks", "training", "coaching", "absence")
DEFAULT_SHRINKAGE: dict[str, str] = {"breaks": "0.10", "training": "0.05", "coaching": "0.04", "absence": "0.11"}


@dataclass(frozen=True)
class Target:
    queue: str
    target_sl: float  # fraction answered within answer_within_s (email: share handled within it)
    answer_within_s: float
    max_occupancy: float
    concurrency: int  # chats at once per agent (1 for voice)
    saved: bool = False


# channel -> (target SL, answer within s, max occupancy, concurrency)
DEFAULT_TARGETS: dict[str, tuple[float, float, float, int]] = {
    "voice": (0.8, 20.0, 0.85, 1), "chat": (0.8, 60.0, 0.85, 2), "messaging": (0.8, 300.0, 0.85, 3),
    "email": (1.0, 4 * 3600.0, 0.85, 1),
}


@dataclass(frozen=True)
class ShrinkagePlan:
    categories: dict[str, str]  # category -> decimal fraction as typed

    @property
    def total(self) -> Decimal:
        return sum((Decimal(v) for v in self.categories.values()), Decimal(0))

    @property
    def total_ratio(self) -> float:
        return float(self.total)


def _decimal(text: str, field: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation as exc:
        raise InvalidInput(f"{field}: '{text}' is not a number", hint="a fraction such as 0.08 (8%)") from exc
    if not value.is_finite() or not 0 <= value < 1:
        raise InvalidInput(f"{field}: {text} is out of range", hint="a fraction from 0 to below 1, e.g. 0.08")
    return value


def shrinkage_plan(session: Session) -> ShrinkagePlan:
    saved = {r.category: r.fraction_text for r in session.scalars(select(ShrinkageCategory))}
    if not saved:
        return ShrinkagePlan(dict(DEFAULT_SHRINKAGE))
    return ShrinkagePlan({c: saved.get(c, "0") for c in [*CATEGORIES, *sorted(set(saved) - set(CATEGORIES))]})


def set_shrinkage(session: Session, *, actor: str, categories: dict[str, str]) -> ShrinkagePlan:
    unknown = sorted(set(categories) - set(CATEGORIES))
    if unknown:
        raise InvalidInput(f"unknown shrinkage category '{unknown[0]}'", hint=f"valid: {', '.join(CATEGORIES)}")
    before = shrinkage_plan(session)
    cleaned = {c: str(_decimal(v, f"shrinkage {c}")) for c, v in categories.items()}
    merged = {**before.categories, **cleaned}
    if sum(Decimal(v) for v in merged.values()) >= 1:
        raise InvalidInput("total shrinkage must be below 1 (100%)", hint="lower one of the categories")
    now = audit.utc_now()
    for category, text in merged.items():
        row = session.get(ShrinkageCategory, category)
        if row is None:
            session.add(ShrinkageCategory(category=category, fraction_text=text, updated_at=now, updated_by=actor))
        else:
            row.fraction_text, row.updated_at, row.updated_by = text, now, actor
    audit.record(session, actor=actor, action="update", entity="shrinkage_plan", entity_id="plan",
                 before=before.categories, after=merged)
    return ShrinkagePlan(merged)


def default_target(queue: str, channel: str | None) -> Target:
    sl, within, occupancy, concurrency = DEFAULT_TARGETS.get(channel or "voice", DEFAULT_TARGETS["voice"])
    return Target(queue, sl, within, occupancy, concurrency)


def targets(session: Session, channels: dict[str, str]) -> dict[str, Target]:
    """Every queue in `channels` (queue -> channel) plus any saved one."""
    saved = {r.queue_id: r for r in session.scalars(select(StaffingTarget))}
    out = {q: default_target(q, c) for q, c in channels.items()}
    for q, r in saved.items():
        out[q] = Target(q, float(r.target_sl_text), r.answer_within_s, float(r.max_occupancy_text), r.concurrency, True)
    return out


def set_target(session: Session, *, actor: str, queue: str, target_sl: str, answer_within_s: float,
               max_occupancy: str, concurrency: int = 1) -> Target:
    sl = _decimal(target_sl, "target service level")
    occupancy = _decimal(max_occupancy, "max occupancy") if str(max_occupancy).strip() not in ("1", "1.0") else Decimal(1)
    if sl <= 0 or occupancy <= 0:
        raise InvalidInput("target service level and max occupancy must be above 0", hint="e.g. 0.8 and 0.85")
    if not 0 < answer_within_s <= 7 * 86400:
        raise InvalidInput(f"answer within {answer_within_s} s is out of range", hint="seconds, e.g. 20")
    if not 1 <= concurrency <= 20:
        raise InvalidInput(f"concurrency {concurrency} is out of range", hint="1 for voice, 2-4 for chat")
    row = session.get(StaffingTarget, queue)
    before = None if row is None else {"target_sl": row.target_sl_text, "answer_within_s": row.answer_within_s,
                                       "max_occupancy": row.max_occupancy_text, "concurrency": row.concurrency}
    now = audit.utc_now()
    if row is None:
        row = StaffingTarget(queue_id=queue, target_sl_text=str(sl), answer_within_s=float(answer_within_s),
                             max_occupancy_text=str(occupancy), concurrency=concurrency, updated_at=now, updated_by=actor)
        session.add(row)
    else:
        row.target_sl_text, row.answer_within_s, row.max_occupancy_text = str(sl), float(answer_within_s), str(occupancy)
        row.concurrency, row.updated_at, row.updated_by = concurrency, now, actor
    audit.record(session, actor=actor, action="update" if before else "create", entity="staffing_target",
                 entity_id=queue, before=before,
                 after={"target_sl": str(sl), "answer_within_s": float(answer_within_s),
                        "max_occupancy": str(occupancy), "concurrency": concurrency})
    return Target(queue, float(sl), float(answer_within_s), float(occupancy), concurrency, True)
