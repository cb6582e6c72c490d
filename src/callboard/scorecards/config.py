"""Scorecard configurations: which weighted KPIs (and the QA slot) score a team's agents, and how.

A scorecard applies to one team (`applies_to_kind='team'`, a team id) or to a role
(`applies_to_kind='role'`, `applies_to_id='agent'`: the organisation's default for every team without
its own). Items: `kind` 'kpi' (a catalog metric) or 'qa' (the quality score slot, 0-100, filled by the
quality module's provider), a weight, a floor (0 points) and a target (100 points).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callboard.core.errors import InvalidInput
from callboard.scorecards.periods import check_kind
from callboard.scorecards.points import direction
from callboard.store.appdb.models import Scorecard, ScorecardItem

APPLIES_TO = ("team", "role")
SCORED_ROLES = ("agent",)
ITEM_KINDS = ("kpi", "qa")
QA_METRIC = "qa_score"
MAX_ITEMS = 12


@dataclass(frozen=True)
class ItemSpec:
    kind: str
    metric: str
    weight: float
    floor: float
    target: float


@dataclass(frozen=True)
class ScorecardSpec:
    name: str
    applies_to_kind: str
    applies_to_id: str
    period: str
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class ItemConfig:
    position: int
    kind: str
    metric: str
    weight: float
    floor: float
    target: float

    @property
    def direction(self) -> str:
        return direction(self.floor, self.target)


@dataclass(frozen=True)
class ScorecardConfig:
    id: int
    name: str
    applies_to_kind: str
    applies_to_id: str
    period: str
    items: tuple[ItemConfig, ...]
    created_at: dt.datetime
    updated_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape (API, audit before/after)."""
        body = asdict(self)
        body["created_at"] = self.created_at.isoformat(timespec="seconds")
        body["updated_at"] = self.updated_at.isoformat(timespec="seconds")
        for item, config in zip(body["items"], self.items, strict=True):
            item["direction"] = config.direction
        return body


def to_config(row: Scorecard) -> ScorecardConfig:
    items = tuple(ItemConfig(i.position, i.kind, i.metric, i.weight, i.floor, i.target) for i in row.items)
    return ScorecardConfig(row.id, row.name, row.applies_to_kind, row.applies_to_id, row.period, items,
                           row.created_at, row.updated_at)


def validate(spec: ScorecardSpec, *, team_ids: set[str], metric_better: Callable[[str], str]) -> ScorecardSpec:
    """Check a spec; `metric_better(name)` resolves a catalog metric (raising for an unknown one) to
    higher | lower | neutral. Returns the spec with names trimmed."""
    name = spec.name.strip()
    if not name:
        raise InvalidInput("the scorecard needs a name", hint="e.g. 'Customer Care monthly'")
    if spec.applies_to_kind not in APPLIES_TO:
        raise InvalidInput(f"applies_to_kind '{spec.applies_to_kind}' is unknown", hint="use team or role")
    target_id = spec.applies_to_id.strip()
    if spec.applies_to_kind == "team" and target_id not in team_ids:
        raise InvalidInput(f"no team '{target_id}'", hint=f"teams: {', '.join(sorted(team_ids)) or 'none yet'}")
    if spec.applies_to_kind == "role" and target_id not in SCORED_ROLES:
        raise InvalidInput(f"role '{target_id}' is not scored", hint="scorecards score agents: use role 'agent'")
    check_kind(spec.period)
    if not spec.items:
        raise InvalidInput("the scorecard has no items", hint="add at least one KPI with a weight, floor and target")
    if len(spec.items) > MAX_ITEMS:
        raise InvalidInput(f"{len(spec.items)} items is too many", hint=f"keep it to {MAX_ITEMS} or fewer")
    items = []
    for number, item in enumerate(spec.items, start=1):
        where = f"item {number}"
        if item.kind not in ITEM_KINDS:
            raise InvalidInput(f"{where}: kind '{item.kind}' is unknown", hint="use kpi or qa")
        for field in ("weight", "floor", "target"):
            if not math.isfinite(getattr(item, field)):
                raise InvalidInput(f"{where}: {field} is not a number")
        if item.weight <= 0:
            raise InvalidInput(f"{where}: weight {item.weight} must be above 0", hint="weights are relative, e.g. 30")
        if item.floor == item.target:
            raise InvalidInput(f"{where}: floor and target are both {item.floor}",
                               hint="floor earns 0 points, target 100; floor above target means lower is better")
        metric = item.metric.strip() or (QA_METRIC if item.kind == "qa" else "")
        if item.kind == "kpi":
            better = metric_better(metric)
            implied = direction(item.floor, item.target)
            if better in ("higher", "lower") and better != implied:
                raise InvalidInput(
                    f"{where}: {metric} is better {better} but floor {item.floor} / target {item.target} "
                    f"reward it {implied}",
                    hint="swap floor and target" if better == "lower" else "put the floor below the target")
        items.append(ItemSpec(item.kind, metric, float(item.weight), float(item.floor), float(item.target)))
    return ScorecardSpec(name, spec.applies_to_kind, target_id, spec.period, tuple(items))


def find_rows(session: Session) -> list[Scorecard]:
    return list(session.scalars(select(Scorecard).order_by(Scorecard.applies_to_kind.desc(), Scorecard.applies_to_id,
                                                            Scorecard.id)))


def apply_spec(session: Session, row: Scorecard, spec: ScorecardSpec, now: dt.datetime) -> None:
    """Write the spec into `row`, replacing its items (old items are deleted first: positions are unique)."""
    row.name = spec.name
    row.applies_to_kind = spec.applies_to_kind
    row.applies_to_id = spec.applies_to_id
    row.period = spec.period
    row.updated_at = now
    if row.items:
        row.items.clear()
        session.flush()
    for position, item in enumerate(spec.items):
        row.items.append(ScorecardItem(position=position, kind=item.kind, metric=item.metric, weight=item.weight,
                                       floor=item.floor, target=item.target))
