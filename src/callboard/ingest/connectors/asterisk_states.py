"""Agent state intervals from queue_log membership, pause and call lines, for all agents at once.

Each agent's state at any moment is, in priority order:

- `on_contact` while one of their calls is connected (CONNECT up to COMPLETE*/transfer);
- `offline` after leaving every queue (REMOVEMEMBER, AGENTLOGOFF) until a join, pause or call;
- `aux` with the pause reason after PAUSE/PAUSEALL (or ADDMEMBER ... PAUSED), until UNPAUSE;
- `available` otherwise (logged in: ADDMEMBER, AGENTLOGIN, UNPAUSE, or a static member seen on a call).

Asterisk logs no wrap-up and no ringing state, so there are no `acw` or `connecting` intervals. Pauses
are per agent, not per queue (a member paused in one of two queues shows as aux). Consecutive lines
giving the same state make one interval; the agent's latest interval is open (`ended_at` NULL) and is
replaced by its closed version when the next change arrives, in this read or a later one: the
`AgentContext` of every agent travels in the cursor state.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from callboard.ingest.connectors import asterisk_events as ev

_EVENTS_SCHEMA = {"agent": pl.Utf8, "t_us": pl.Int64, "ord": pl.Int64, "member_queue": pl.Utf8,
                  "member_flag": pl.Int64, "base_state": pl.Utf8, "base_reason": pl.Utf8, "delta": pl.Int64,
                  "leave": pl.Boolean}


@dataclass(frozen=True)
class AgentContext:
    """Where an agent stood at the end of the last read: the open interval and what it is made of."""

    state: str
    reason: str | None
    since_us: int
    base: str  # the state under any call: available, aux or offline
    base_reason: str | None
    active_calls: int
    queues: tuple[str, ...]  # queues (and the agent-login pseudo-queue) the agent is a member of


def line_events(lines: pl.DataFrame) -> pl.DataFrame:
    """Membership and pause lines -> timeline events (member changes, base state changes)."""
    event = pl.col("event")
    joins, leaves = event.is_in(list(ev.JOINS)), event.is_in(list(ev.LEAVES))
    member = pl.when(event.is_in(["ADDMEMBER", "REMOVEMEMBER"])).then(pl.col("queue")).otherwise(
        pl.lit(ev.AGENT_LOGIN_QUEUE))
    base = (pl.when(joins & pl.col("paused")).then(pl.lit("aux")).when(joins).then(pl.lit("available"))
            .when(event.is_in(list(ev.PAUSES))).then(pl.lit("aux"))
            .when(event.is_in(list(ev.UNPAUSES))).then(pl.lit("available")))
    reason = pl.when(event.is_in(list(ev.PAUSES)) & (pl.col("reason").fill_null("") != "")).then(pl.col("reason"))
    return lines.select(
        "agent", "t_us", "ord",
        pl.when(joins | leaves).then(member).alias("member_queue"),
        pl.when(joins).then(1).when(leaves).then(0).cast(pl.Int64).alias("member_flag"),
        base.alias("base_state"), reason.alias("base_reason"), pl.lit(0, pl.Int64).alias("delta"),
        leaves.alias("leave"),
    )


def call_events(agent_times: pl.DataFrame) -> pl.DataFrame:
    """(agent, t_us, ord, delta) rows: +1 when a call connects, -1 when it ends."""
    return agent_times.select(
        "agent", "t_us", "ord", pl.lit(None, pl.Utf8).alias("member_queue"), pl.lit(None, pl.Int64).alias("member_flag"),
        pl.lit(None, pl.Utf8).alias("base_state"), pl.lit(None, pl.Utf8).alias("base_reason"),
        pl.col("delta").cast(pl.Int64), pl.lit(False).alias("leave"))


def _within(values: pl.Expr) -> pl.Expr:
    """Cumulative sum restarting at each agent's first row, on a frame sorted by agent (no window)."""
    total = values.cum_sum()
    return total - pl.when(pl.col("_first")).then(total - values).otherwise(None).forward_fill()


def _member_delta(e: pl.DataFrame) -> pl.Series:
    """+1/-1 where a line changes the agent's membership of a queue (0 where it repeats it), on the few
    membership lines of a frame sorted by agent and time; null on every other line."""
    rows = e.select(pl.arg_where(pl.col("member_queue").is_not_null())).to_series()
    members = e[rows]
    flag_before = pl.col("member_flag").shift(1).over(["agent", "member_queue"])
    delta = members.select(pl.col("member_flag") - pl.coalesce(flag_before, pl.col("was_member").fill_null(0)))
    return pl.Series("member_delta", dtype=pl.Int64).extend_constant(None, e.height).scatter(
        rows, delta.to_series().cast(pl.Int64))


def _by_agent_and_time(e: pl.DataFrame) -> pl.DataFrame:
    """`e` sorted by agent, time and file order. A log is written in time order, so a stable sort by agent of the
    events in file order is usually that order already (two integer sorts, about half the cost of the three-key
    sort); when some agent's times go back, the three-key sort."""
    e = e.sort("ord").sort("_aid", maintain_order=True)
    back = (pl.col("_aid") == pl.col("_aid").shift(1)) & (pl.col("t_us") < pl.col("t_us").shift(1))
    return e.sort(["_aid", "t_us", "ord"]) if e.select(back.any()).item() else e


def _carried_frame(context: dict[str, AgentContext]) -> pl.DataFrame:
    rows = [(a, c.state, c.reason, c.since_us, c.base, c.base_reason or "", c.active_calls,
             len(c.queues)) for a, c in context.items()]
    return pl.DataFrame(rows, orient="row", schema={
        "agent": pl.Utf8, "c_state": pl.Utf8, "c_reason": pl.Utf8, "c_since": pl.Int64, "c_base": pl.Utf8,
        "c_base_reason": pl.Utf8,
        "c_active": pl.Int64, "c_members": pl.Int64})


def build_states(events: pl.DataFrame, context: dict[str, AgentContext], source: str
                 ) -> tuple[pl.DataFrame, dict[str, AgentContext]]:
    """Agent state rows for the timeline events of one read, and each agent's context afterwards."""
    if events.height == 0:
        return _rows(pl.DataFrame(schema={"agent": pl.Utf8, "state": pl.Utf8, "reason": pl.Utf8,
                                          "start": pl.Int64, "end": pl.Int64}), source), context
    carried = _carried_frame(context)
    member_rows = pl.DataFrame([(a, q) for a, c in context.items() for q in c.queues], orient="row",
                               schema={"agent": pl.Utf8, "member_queue": pl.Utf8})
    # Agents are grouped, not ordered: a small integer per agent sorts far faster than the text.
    names = events.get_column("agent").unique()
    e = events.with_columns(pl.col("agent").replace_strict(names, pl.int_range(names.len(), eager=True),
                                                           default=None).alias("_aid"))
    if context:
        e = e.join(carried, on="agent", how="left").with_columns(
            pl.max_horizontal("t_us", pl.col("c_since").fill_null(0)).alias("t_us"))  # never before the open interval
        e = e.join(member_rows.with_columns(pl.lit(1, pl.Int64).alias("was_member")), on=["agent", "member_queue"],
                   how="left")
    else:  # a first read: nothing carried to join
        e = e.with_columns(*[pl.lit(None, dtype).alias(name) for name, dtype in carried.schema.items()
                             if name != "agent"], pl.lit(None, pl.Int64).alias("was_member"))
    e = _by_agent_and_time(e)
    # Sorted by agent, each agent is a run: windows become run-aware shifts and cumulative sums (see _within).
    first = (pl.col("_aid") != pl.col("_aid").shift(1)).fill_null(True)
    e = e.with_columns(first.alias("_first"))
    e = e.with_columns(_member_delta(e))
    e = e.with_columns(
        (pl.col("c_members").fill_null(0) + _within(pl.col("member_delta").fill_null(0))).alias("members"),
        (pl.col("c_active").fill_null(0) + _within(pl.col("delta"))).alias("active"))
    base = pl.when(pl.col("leave") & (pl.col("members") <= 0)).then(pl.lit("offline")) \
        .when(pl.col("leave")).then(None).otherwise(pl.col("base_state"))
    # an agent's first row always has a base (its own, the carried one or 'available'), so filling each base and
    # its reason forward stays within the agent's run; the two fill together (a reason always comes with its base)
    first_base = pl.coalesce("c_base", pl.lit("available"))
    e = e.with_columns(
        pl.when(base.is_not_null()).then(base).when(pl.col("_first")).then(first_base).forward_fill().alias("base"),
        pl.when(base.is_not_null()).then(pl.col("base_reason").fill_null(""))
        .when(pl.col("_first")).then(pl.when(pl.col("c_base").is_not_null()).then(pl.col("c_base_reason")).otherwise(
            pl.lit(""))).forward_fill().alias("base_reason"))
    e = e.with_columns(
        pl.when(pl.col("active") > 0).then(pl.lit("on_contact")).otherwise(pl.col("base")).alias("state"),
        pl.when((pl.col("active") > 0) | (pl.col("base_reason") == "")).then(None).otherwise(pl.col("base_reason"))
        .alias("reason"))
    # the last row of each (agent, time): the frame is sorted, so it is the row before a new agent or time (the
    # columns the changes need, selected first: the filter gathers them alone, into one chunk)
    at = e.select("_aid", "agent", "t_us", "state", "reason", "c_state", "c_reason").filter(
        ((pl.col("_aid") != pl.col("_aid").shift(-1)) | (pl.col("t_us") != pl.col("t_us").shift(-1))).fill_null(True))
    first_at = (pl.col("_aid") != pl.col("_aid").shift(1)).fill_null(True)
    reason = pl.col("reason").fill_null("")
    state_before = pl.when(first_at).then(pl.col("c_state")).otherwise(pl.col("state").shift(1))
    reason_before = pl.when(first_at).then(pl.col("c_reason").fill_null("")).otherwise(reason.shift(1))
    changes = at.filter(state_before.is_null() | (pl.col("state") != state_before) | (reason != reason_before))
    last_of_agent = (pl.col("_aid") != pl.col("_aid").shift(-1)).fill_null(True)
    intervals = changes.select("agent", "state", "reason", pl.col("t_us").alias("start"),
                               pl.when(last_of_agent).then(None).otherwise(pl.col("t_us").shift(-1)).alias("end"))
    # an agent's first change (the frame is sorted by agent and time) closes the interval carried open
    closing = changes.filter(first_at).select("agent", pl.col("t_us").alias("end")).join(
        carried.filter(pl.col("c_state").is_not_null()), on="agent").select(
        "agent", pl.col("c_state").alias("state"), pl.col("c_reason").alias("reason"),
        pl.col("c_since").alias("start"), "end")
    rows = pl.concat([closing, intervals], how="vertical").filter(
        pl.col("end").is_null() | (pl.col("end") > pl.col("start")))
    return _rows(rows, source), _next_context(e, changes, context)


def _rows(rows: pl.DataFrame, source: str) -> pl.DataFrame:
    return rows.select(
        pl.lit(source).alias("source"),
        pl.format("{}@{}", pl.col("agent"), pl.col("start")).alias("record_id"),
        pl.col("agent").alias("agent_id"), "state", "reason", pl.lit(None, pl.Boolean).alias("paid"),
        pl.col("start").cast(pl.Datetime("us")).alias("started_at"), pl.col("end").cast(pl.Datetime("us")).alias("ended_at"))


def _next_context(e: pl.DataFrame, changes: pl.DataFrame, context: dict[str, AgentContext]
                  ) -> dict[str, AgentContext]:
    result = dict(context)
    # both frames are sorted by agent and time: an agent's last row is the one before the next agent
    last_row = (pl.col("_aid") != pl.col("_aid").shift(-1)).fill_null(True)
    last = e.select("_aid", "agent", "base", "base_reason", "active").filter(last_row).drop("_aid")
    latest = changes.select("_aid", "agent", "state", "reason", "t_us").filter(last_row).drop("_aid")
    flags = e.filter(pl.col("member_queue").is_not_null()).group_by(["agent", "member_queue"]).agg(
        pl.col("member_flag").last())
    member_of: dict[str, dict[str, int]] = {}
    for agent, queue, flag in flags.iter_rows():
        member_of.setdefault(agent, {})[queue] = flag
    now = {a: (s, r, t) for a, s, r, t in latest.iter_rows()}
    for agent, base, base_reason, active in last.iter_rows():
        old = context.get(agent)
        queues = set(old.queues if old else ())
        for queue, flag in member_of.get(agent, {}).items():
            (queues.add if flag else queues.discard)(queue)
        state, reason, since = now.get(agent) or (old.state, old.reason, old.since_us)  # type: ignore[union-attr]
        result[agent] = AgentContext(state, reason, since, base, base_reason or None, max(int(active), 0),
                                     tuple(sorted(queues)))
    return result
