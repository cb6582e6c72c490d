"""The demo organisation: sites, teams, queues, agents (with skill differences) and team memberships.

Agents are numbered a001.. in team order (Care a001-a013, Tech a014-a023, Sales a024-a029, Digital
a030-a040 at scale 1, 40 agents). A few have a story, so the per-agent tables are interesting: a005 is
a star, a009 is fast but careless, a012 moves from Care to Tech half way through the period, a017 is
slow, a020 struggles (repeats, transfers, low CSAT) and a029 is a new hire who joins two thirds of the
way in and speeds up as she learns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from callboard.demo.names import display_name

SOURCE = "demo"
LEGACY_SOURCE = "legacy_acd"
POOLS = ("care", "tech", "sales", "chat", "email")


@dataclass(frozen=True)
class Site:
    site_id: str
    name: str
    time_zone: str


@dataclass(frozen=True)
class Team:
    team_id: str
    name: str
    site_id: str


@dataclass(frozen=True)
class Queue:
    """A queue belongs to one channel; `pool` names the agents who serve it (empty for the legacy ACD)."""

    queue_id: str
    name: str
    channel: str
    direction: str
    pool: str
    source: str


@dataclass(frozen=True)
class Agent:
    """An agent and the traits that shape their numbers (factors multiply the queue's typical times)."""

    agent_id: str
    display_name: str
    team_id: str  # the team at the start of the period
    role: str  # voice | chat | email
    lanes: int  # contacts handled at once: 1, or 3 for chat
    talk_factor: float
    hold_factor: float
    acw_factor: float
    repeat_factor: float  # multiplies the chance a handled contact comes back unresolved
    transfer_factor: float
    csat_shift: float  # added to the latent satisfaction of this agent's customers
    shift_slot: int  # which of the pool's shift templates the agent works
    days_off: tuple[int, ...]  # weekdays off, Monday = 0
    hire_day: int | None  # day index the agent starts on, None if hired before the period
    persona: str | None


@dataclass(frozen=True)
class Membership:
    agent_id: str
    team_id: str
    valid_from: dt.datetime
    valid_to: dt.datetime | None


@dataclass(frozen=True)
class DemoLogin:
    """A suggested sign-in for the web app (accounts are created by the app, not by the analytics load)."""

    username: str
    password: str
    role: str
    agent_id: str | None
    team_ids: tuple[str, ...]


@dataclass(frozen=True)
class Org:
    sites: tuple[Site, ...]
    teams: tuple[Team, ...]
    queues: tuple[Queue, ...]
    agents: tuple[Agent, ...]
    memberships: tuple[Membership, ...]
    logins: tuple[DemoLogin, ...]
    start: dt.datetime  # first day of the period, 00:00 UTC
    days: int

    def team_on(self, agent_index: int, day: int) -> str:
        """The agent's team on day `day` (effective-dated membership)."""
        agent = self.agents[agent_index]
        instant = self.start + dt.timedelta(days=day, hours=12)
        for m in self.memberships:
            current = m.valid_from <= instant and (m.valid_to is None or instant < m.valid_to)
            if m.agent_id == agent.agent_id and current:
                return m.team_id
        return agent.team_id

    def pool_on(self, agent_index: int, day: int) -> str:
        team = self.team_on(agent_index, day)
        if team == "t_digital":
            return self.agents[agent_index].role
        return TEAM_POOL[team]

    def queue_index(self, queue_id: str) -> int:
        return next(i for i, q in enumerate(self.queues) if q.queue_id == queue_id)


SITES = (Site("s_mcr", "Manchester", "UTC"), Site("s_lis", "Lisbon", "UTC"))
TEAMS = (
    Team("t_care", "Customer Care", "s_mcr"),
    Team("t_tech", "Tech Support", "s_mcr"),
    Team("t_sales", "Sales", "s_lis"),
    Team("t_digital", "Digital Care", "s_lis"),
)
TEAM_POOL = {"t_care": "care", "t_tech": "tech", "t_sales": "sales"}
TEAM_SHARE = {"t_care": 13, "t_tech": 10, "t_sales": 6, "t_digital": 11}
QUEUES = (
    Queue("q_billing", "Billing", "voice", "inbound", "care", SOURCE),
    Queue("q_retention", "Retention", "voice", "inbound", "care", SOURCE),
    Queue("q_tech", "Tech Support", "voice", "inbound", "tech", SOURCE),
    Queue("q_sales", "Sales", "voice", "inbound", "sales", SOURCE),
    Queue("q_orders_chat", "Orders Chat", "chat", "inbound", "chat", SOURCE),
    Queue("q_messaging", "WhatsApp Care", "messaging", "inbound", "chat", SOURCE),
    Queue("q_email", "Email Care", "email", "inbound", "email", SOURCE),
    Queue("q_sales_outbound", "Sales Outbound", "voice", "outbound", "sales", SOURCE),
    Queue("q_collections", "Collections (legacy ACD)", "voice", "inbound", "", LEGACY_SOURCE),
)

# Weekly demand by weekday (Mon..Sun), used to spread days off so staffing follows demand.
_WEEKLY_STAFF = np.array([1.18, 1.05, 1.0, 0.97, 0.92, 0.55, 0.36])  # weekend hours are short: per hour, busier
_SALES_STAFF = np.array([1.18, 1.05, 1.0, 0.97, 0.94, 0.5, 0.0])  # Sales is closed on Sundays
_SHIFT_SLOTS = {"voice": 2, "chat": 2, "email": 1}


def _team_sizes(n_agents: int) -> dict[str, int]:
    total = sum(TEAM_SHARE.values())
    raw = {t: n_agents * s / total for t, s in TEAM_SHARE.items()}
    sizes = {t: max(2, int(v)) for t, v in raw.items()}
    order = sorted(raw, key=lambda t: raw[t] - int(raw[t]), reverse=True)
    i = 0
    while sum(sizes.values()) < n_agents:
        sizes[order[i % len(order)]] += 1
        i += 1
    return sizes


def _days_off(n: int, rng: np.random.Generator, weekly: np.ndarray) -> list[tuple[int, int]]:
    """Two days off per agent from Tue..Sun, counts proportional to how little each day needs staff."""
    need = n * 5 * weekly / weekly.sum()  # agent-days wanted per weekday
    off = np.maximum(n - need, 0.0)
    off[0] = 0.0  # everyone works Monday, the heaviest day
    off = off / off.sum() * 2 * n
    counts = np.floor(off).astype(int)
    for k in np.argsort(-(off - counts))[: 2 * n - counts.sum()]:
        counts[k] += 1
    slots = np.repeat(np.arange(7), counts)  # sorted, 2n long
    pairs = [(int(slots[i]), int(slots[i + n])) for i in range(n)]
    fixed = [(a, b) if a != b else (a, (b + 1) % 7 or 1) for a, b in pairs]
    order = rng.permutation(n)
    return [tuple(sorted(fixed[k])) for k in order]  # type: ignore[misc]


def _persona_map(sizes: dict[str, int]) -> dict[int, str]:
    starts, acc = {}, 0
    for team in TEAM_SHARE:
        starts[team] = acc
        acc += sizes[team]
    wanted = [
        ("t_care", 4, "star"),
        ("t_care", 8, "speedster"),
        ("t_care", 11, "team_changer"),
        ("t_tech", 3, "slow"),
        ("t_tech", 6, "struggler"),
        ("t_sales", sizes["t_sales"] - 1, "new_hire"),
    ]
    return {starts[t] + k: p for t, k, p in wanted if 0 <= k < sizes[t]}


_PERSONA_TRAITS = {  # talk, hold, acw, repeat, transfer, csat_shift
    "star": (0.85, 0.7, 0.8, 0.55, 0.6, 0.6),
    "speedster": (0.68, 0.6, 0.55, 1.9, 1.3, -0.5),
    "slow": (1.45, 1.8, 1.6, 0.9, 1.0, -0.2),
    "struggler": (1.15, 1.5, 1.2, 2.1, 2.3, -0.8),
}


def build_org(rng: np.random.Generator, *, start: dt.datetime, days: int, scale: float) -> Org:
    n_agents = max(12, round(40 * scale))
    sizes = _team_sizes(n_agents)
    personas = _persona_map(sizes)
    agents: list[Agent] = []
    memberships: list[Membership] = []
    mid = start + dt.timedelta(days=days // 2)
    index = 0
    for team in TEAM_SHARE:
        n = sizes[team]
        offs = _days_off(n, rng, _SALES_STAFF if team == "t_sales" else _WEEKLY_STAFF)
        n_chat = max(1, round(n * 0.7)) if team == "t_digital" else 0
        for k in range(n):
            role = "voice" if team != "t_digital" else ("chat" if k < n_chat else "email")
            persona = personas.get(index)
            talk, hold, acw, repeat, transfer, shift = (
                float(np.exp(rng.normal(0, 0.12))),
                float(np.exp(rng.normal(0, 0.3))),
                float(np.exp(rng.normal(0, 0.25))),
                float(np.exp(rng.normal(0, 0.2))),
                float(np.exp(rng.normal(0, 0.25))),
                float(rng.normal(0, 0.2)),
            )
            if persona in _PERSONA_TRAITS:
                talk, hold, acw, repeat, transfer, shift = _PERSONA_TRAITS[persona]
            hire_day = (2 * days) // 3 if persona == "new_hire" else None
            agent_id = f"a{index + 1:03d}"
            agents.append(
                Agent(
                    agent_id=agent_id,
                    display_name=display_name(index),
                    team_id=team,
                    role=role,
                    lanes=3 if role == "chat" else 1,
                    talk_factor=talk,
                    hold_factor=hold,
                    acw_factor=acw,
                    repeat_factor=repeat,
                    transfer_factor=transfer,
                    csat_shift=shift,
                    shift_slot=(k * 3 + 1) % _SHIFT_SLOTS[role],
                    days_off=offs[k],
                    hire_day=hire_day,
                    persona=persona,
                )
            )
            joined = (
                start + dt.timedelta(days=hire_day)
                if hire_day is not None
                else start - dt.timedelta(days=int(rng.integers(120, 1500)))
            )
            if persona == "team_changer":
                memberships.append(Membership(agent_id, team, joined, mid))
                memberships.append(Membership(agent_id, "t_tech", mid, None))
            else:
                memberships.append(Membership(agent_id, team, joined, None))
            index += 1
    return Org(
        sites=SITES,
        teams=TEAMS,
        queues=QUEUES,
        agents=tuple(agents),
        memberships=tuple(memberships),
        logins=_logins(agents),
        start=start,
        days=days,
    )


def _logins(agents: list[Agent]) -> tuple[DemoLogin, ...]:
    logins = [
        DemoLogin("admin", "demo", "admin", None, tuple(t.team_id for t in TEAMS)),
        DemoLogin("qa", "demo", "qa_analyst", None, tuple(t.team_id for t in TEAMS)),
        DemoLogin("planner", "demo", "planner", None, tuple(t.team_id for t in TEAMS)),
        DemoLogin("manager", "demo", "manager", None, tuple(t.team_id for t in TEAMS if t.site_id == SITES[0].site_id)),
    ]
    logins += [DemoLogin(f"sup.{t.team_id[2:]}", "demo", "supervisor", None, (t.team_id,)) for t in TEAMS]
    featured = [a for a in agents if a.persona in ("star", "struggler", "new_hire")] or agents[:3]
    logins += [DemoLogin(a.agent_id, "demo", "agent", a.agent_id, (a.team_id,)) for a in featured]
    return tuple(logins)
