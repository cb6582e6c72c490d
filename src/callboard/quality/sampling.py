"""Sampling plans (issue 6 item 3): which contacts QA evaluates, drawn reproducibly. Pure functions.

A plan asks for N contacts per agent per period, optionally stratified by channel or queue and narrowed by
targeted filters (low CSAT, long handle time, transfers, repeat contacts). The draw is reproducible from the
plan's stored seed: every candidate gets the rank `sha256(seed:source:contact_id)`, so the same candidates
always give the same sample, and a late-arriving contact can only displace the one contact it beats in its
own stratum and time slot (everyone else keeps their place).

Spread: the period is cut into as many equal time slots as the agent-stratum's quota, and each slot takes its
lowest-ranked contact; slots with no contact are filled from the remaining lowest ranks. A contact already
sampled or evaluated (`exclude`) is never drawn again. Assignment gives each drawn contact to the evaluator
with the lightest load, preferring one who has scored that agent least (rotation also makes the evaluator
severity model identifiable).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from callboard.core.errors import InvalidInput

STRATA = (None, "channel", "queue")
FILTERS = ("low_csat", "long_aht", "transfers", "repeats")


@dataclass(frozen=True)
class Candidate:
    source: str
    contact_id: str
    agent_id: str
    started_at: dt.datetime
    channel: str
    queue_id: str | None = None
    csat: float | None = None  # on a 1-5 scale (None: no survey)
    handle_s: float | None = None
    transferred: bool = False
    repeat: bool = False  # the customer contacted again within the repeat window (not first-contact resolved)

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.contact_id)


@dataclass(frozen=True)
class Targeting:
    """Targeted filters; a candidate qualifies when it matches any chosen one (`match_all`: every one)."""

    low_csat_max: float | None = None  # csat <= this (e.g. 2 on 1-5)
    long_aht_min_s: float | None = None  # handle time >= this
    transfers: bool = False
    repeats: bool = False
    match_all: bool = False

    @property
    def active(self) -> bool:
        return self.low_csat_max is not None or self.long_aht_min_s is not None or self.transfers or self.repeats

    def reasons(self, c: Candidate) -> tuple[str, ...]:
        out = []
        if self.low_csat_max is not None and c.csat is not None and c.csat <= self.low_csat_max:
            out.append("low_csat")
        if self.long_aht_min_s is not None and c.handle_s is not None and c.handle_s >= self.long_aht_min_s:
            out.append("long_aht")
        if self.transfers and c.transferred:
            out.append("transfers")
        if self.repeats and c.repeat:
            out.append("repeats")
        return tuple(out)

    def chosen(self) -> int:
        return sum([self.low_csat_max is not None, self.long_aht_min_s is not None, self.transfers, self.repeats])

    def qualifies(self, c: Candidate) -> bool:
        if not self.active:
            return True
        found = len(self.reasons(c))
        return found == self.chosen() if self.match_all else found > 0


@dataclass(frozen=True)
class PlanSpec:
    n_per_agent: int
    seed: int
    stratify_by: str | None = None  # None | channel | queue
    targeting: Targeting = field(default_factory=Targeting)
    spread: bool = True

    def __post_init__(self) -> None:
        if self.n_per_agent < 1:
            raise InvalidInput("n_per_agent must be at least 1")
        if self.stratify_by not in STRATA:
            raise InvalidInput(f"unknown stratum '{self.stratify_by}'", hint="stratify by: channel, queue or none")


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    stratum: str
    rank: str  # hex of the seeded hash: lower draws first
    reasons: tuple[str, ...]


def rank_of(seed: int, c: Candidate) -> str:
    return hashlib.sha256(f"{seed}:{c.source}:{c.contact_id}".encode()).hexdigest()


def stratum_of(spec: PlanSpec, c: Candidate) -> str:
    if spec.stratify_by == "channel":
        return c.channel
    if spec.stratify_by == "queue":
        return c.queue_id or "(no queue)"
    return "all"


def allocate(quota: int, sizes: Mapping[str, int]) -> dict[str, int]:
    """Split `quota` over strata in proportion to their sizes (largest remainder; ties by name), never more
    than a stratum holds."""
    total = sum(sizes.values())
    if total == 0:
        return {s: 0 for s in sizes}
    quota = min(quota, total)
    exact = {s: quota * n / total for s, n in sizes.items()}
    out = {s: int(v) for s, v in exact.items()}
    order = sorted(sizes, key=lambda s: (-(exact[s] - out[s]), s))
    i = 0
    while sum(out.values()) < quota:
        s = order[i % len(order)]
        if out[s] < sizes[s]:
            out[s] += 1
        i += 1
    return out


def _spread_pick(items: list[tuple[str, Candidate]], quota: int, start: dt.datetime, end: dt.datetime,
                 spread: bool) -> list[tuple[str, Candidate]]:
    ranked = sorted(items, key=lambda rc: rc[0])
    if not spread or quota <= 1 or end <= start:
        return ranked[:quota]
    width = (end - start) / quota
    chosen: list[tuple[str, Candidate]] = []
    taken: set[tuple[str, str]] = set()
    for slot in range(quota):
        lo, hi = start + slot * width, start + (slot + 1) * width
        best = next((rc for rc in ranked if lo <= rc[1].started_at < hi and rc[1].key not in taken), None)
        if best is not None:
            chosen.append(best)
            taken.add(best[1].key)
    for rc in ranked:  # fill empty slots from the remaining lowest ranks
        if len(chosen) >= quota:
            break
        if rc[1].key not in taken:
            chosen.append(rc)
            taken.add(rc[1].key)
    return sorted(chosen, key=lambda rc: rc[1].started_at)


def draw(spec: PlanSpec, candidates: Iterable[Candidate], *, start: dt.datetime, end: dt.datetime,
         exclude: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
         already: Mapping[tuple[str, str], int] | None = None) -> list[Pick]:
    """The sample for one period [start, end). `exclude`: (source, contact_id) already sampled or evaluated;
    `already`: picks each (agent, stratum) already has this period (a top-up draws only the shortfall)."""
    groups: dict[str, dict[str, list[tuple[str, Candidate]]]] = defaultdict(lambda: defaultdict(list))
    seen: set[tuple[str, str]] = set()
    for c in candidates:
        if c.key in exclude or c.key in seen or not (start <= c.started_at < end) or not spec.targeting.qualifies(c):
            continue
        seen.add(c.key)
        groups[c.agent_id][stratum_of(spec, c)].append((rank_of(spec.seed, c), c))
    picks: list[Pick] = []
    have = already or {}
    for agent in sorted(groups):
        strata = groups[agent]
        taken = {s: have.get((agent, s), 0) for s in strata}  # type: ignore[call-overload]
        quota = allocate(spec.n_per_agent, {s: len(v) + taken[s] for s, v in strata.items()})
        for s in sorted(strata):
            need = max(quota[s] - taken[s], 0)
            for rank, c in _spread_pick(strata[s], need, start, end, spec.spread):
                picks.append(Pick(c, s, rank, spec.targeting.reasons(c)))
    return picks


@dataclass(frozen=True)
class Assignment:
    source: str
    contact_id: str
    agent_id: str
    evaluator: str


def assign(picks: Sequence[Pick], evaluators: Sequence[str], *, load: Mapping[str, int] | None = None,
           pairs: Mapping[tuple[str, str], int] | None = None) -> list[Assignment]:
    """Give each pick to the evaluator with the fewest open items (`load`), then the fewest evaluations of
    that agent (`pairs[(evaluator, agent)]`), then by name: balanced and rotating, deterministic."""
    if not evaluators:
        raise InvalidInput("no evaluators to assign to", hint="add QA analysts to the plan")
    work = Counter({e: 0 for e in evaluators}) + Counter(load or {})
    for e in evaluators:
        work.setdefault(e, 0)
    seen = Counter(pairs or {})
    out = []
    for p in sorted(picks, key=lambda p: p.rank):
        agent = p.candidate.agent_id
        evaluator = min(evaluators, key=lambda e: (work[e], seen[(e, agent)], e))
        work[evaluator] += 1
        seen[(evaluator, agent)] += 1
        out.append(Assignment(p.candidate.source, p.candidate.contact_id, agent, evaluator))
    return out
