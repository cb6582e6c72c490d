"""The default KPI set per agent per day in vectorised pandas (groupby/merge; no per-row Python).

Same definitions, attribution and NULL rule as `kpi_sql.py` (reference §2-§9): queue KPIs on the entry's
enqueue day and answering agent; handle KPIs on the segment's ACW-end day; FCR and surveys on the
contact's arrival day, credited to the last handling agent. The FCR repeat window sorts contacts per
customer by (arrived_at, contact_id) and takes the next candidate arrival with a per-customer
shift(-1) + backfill.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.kpi_sql import KpiParams

KEYS = ["agent", "day"]


def frames_from_arrow(tables: dict) -> dict[str, pd.DataFrame]:
    """Arrow -> pandas once, outside the timed runs (pandas' own at-rest format)."""
    return {name: table.to_pandas() for name, table in tables.items()}


def _day(ts: pd.Series) -> pd.Series:
    return ts.dt.floor("D")


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype("float64")
    return num.astype("float64") / den.where(den != 0)


def _queue(q: pd.DataFrame, p: KpiParams) -> pd.DataFrame:
    q = q[~q["bot_only"]]
    outcome = q["outcome"]
    answered = outcome == "answered"
    abandoned = outcome == "abandoned"
    wait = q["wait_ms"]
    work = pd.DataFrame({
        "agent": q["agent_id"],
        "day": _day(q["enqueued_at"]),
        "offered": np.ones(len(q), np.int64),
        "answered": answered,
        "abandoned": abandoned,
        "flowed_out": outcome == "flowed_out",
        "short_abandoned": abandoned & (wait <= p.short_abandon_s * 1000),
        "answered_within": answered & (wait <= p.threshold_s * 1000),
        "wait_answered_ms": wait.where(answered),
        "answered_with_wait": answered & wait.notna(),
    })
    g = work.groupby(KEYS, dropna=False, sort=False)
    counts = g[["offered", "answered", "abandoned", "flowed_out", "short_abandoned", "answered_within",
                "answered_with_wait"]].sum()
    counts["wait_answered_ms"] = g["wait_answered_ms"].sum(min_count=1)
    return counts


def _handle(s: pd.DataFrame) -> pd.DataFrame:
    s = s[~s["bot_only"]]
    handle = s["talk_ms"] + s["hold_ms"] + s["acw_ms"]
    work = pd.DataFrame({
        "agent": s["agent_id"],
        "day": _day(s["acw_ended_at"].fillna(s["connected_at"])),
        "handled": np.ones(len(s), np.int64),
        "held": s["hold_count"] >= 1,
        "hold_count_known": s["hold_count"].notna(),
        "transferred": s["transferred_out"],
        "handle_ms": handle,
        "handle_known": handle.notna(),
        "talk_ms": s["talk_ms"],
        "talk_known": s["talk_ms"].notna(),
        "hold_ms": s["hold_ms"],
        "hold_known": s["hold_ms"].notna(),
        "acw_ms": s["acw_ms"],
        "acw_known": s["acw_ms"].notna(),
    })
    g = work.groupby(KEYS, dropna=False, sort=False)
    counts = g[["handled", "held", "hold_count_known", "transferred", "handle_known", "talk_known", "hold_known",
                "acw_known"]].sum()
    sums = g[["handle_ms", "talk_ms", "hold_ms", "acw_ms"]].sum(min_count=1)
    return counts.join(sums)


def _contacts(c: pd.DataFrame, s: pd.DataFrame, p: KpiParams) -> pd.DataFrame:
    """One row per contact: last handling agent, transfer flag, FCR eligibility and resolution."""
    ordered = s[["source", "contact_id", "connected_at", "segment_seq", "agent_id", "transferred_out"]].sort_values(
        ["source", "contact_id", "connected_at", "segment_seq"])
    per = ordered.groupby(["source", "contact_id"], sort=False).agg(
        last_agent=("agent_id", "last"), transferred=("transferred_out", "any"))
    c = c[["source", "contact_id", "customer_id", "direction", "callback_of", "bot_only", "arrived_at"]].merge(
        per, how="left", left_on=["source", "contact_id"], right_index=True)
    handled = c["last_agent"].notna()
    c["eligible"] = handled & ~c["bot_only"] & c["customer_id"].notna()
    c["transferred"] = c["transferred"].fillna(False).astype(bool)
    # next inbound non-callback arrival of the same customer, in (arrived_at, contact_id) order
    c = c.sort_values(["customer_id", "arrived_at", "contact_id"], na_position="last")
    candidate = (c["direction"] == "inbound") & c["callback_of"].isna()
    cand_at = c["arrived_at"].where(candidate)
    customer = c["customer_id"]
    nxt = cand_at.groupby(customer, sort=False).shift(-1)
    nxt = nxt.groupby(customer, sort=False).bfill()
    window = pd.Timedelta(days=p.fcr_window_days)
    c["resolved"] = c["eligible"] & ~c["transferred"] & (nxt.isna() | (nxt > c["arrived_at"] + window))
    return c


def _fcr(c: pd.DataFrame) -> pd.DataFrame:
    work = pd.DataFrame({"agent": c["last_agent"], "day": _day(c["arrived_at"]),
                         "fcr_eligible": c["eligible"], "fcr_resolved": c["resolved"]})
    return work.groupby(KEYS, dropna=False, sort=False)[["fcr_eligible", "fcr_resolved"]].sum()


def _surveys(r: pd.DataFrame, c: pd.DataFrame, p: KpiParams) -> pd.DataFrame:
    r = r[["source", "contact_id", "response_id", "question", "score", "scale_min", "scale_max", "responded_at"]].merge(
        c[["source", "contact_id", "arrived_at", "last_agent"]], on=["source", "contact_id"], how="inner")
    r = r[r["responded_at"] <= r["arrived_at"] + pd.Timedelta(days=p.survey_window_days)]
    r = r.sort_values(["source", "contact_id", "question", "responded_at", "response_id"])
    r = r.drop_duplicates(["source", "contact_id", "question"], keep="last")
    q, score, lo, hi = r["question"], r["score"], r["scale_min"], r["scale_max"]
    csat = (q == "csat") & (lo == 1) & (hi == 5)
    nps = (q == "nps") & (lo == 0) & (hi == 10)
    ces = (q == "ces") & (lo == 1) & (hi == 7)
    has = score.notna()
    work = pd.DataFrame({
        "agent": r["last_agent"], "day": _day(r["arrived_at"]),
        "csat_n": csat & has, "csat_top2": csat & (score >= 4),
        "nps_n": nps & has, "promoters": nps & (score >= 9), "detractors": nps & (score <= 6),
        "ces_n": ces & has, "ces_sum": score.where(ces),
    })
    g = work.groupby(KEYS, dropna=False, sort=False)
    out = g[["csat_n", "csat_top2", "nps_n", "promoters", "detractors", "ces_n"]].sum()
    out["ces_sum"] = g["ces_sum"].sum(min_count=1)
    return out


def pandas_kpis(f: dict[str, pd.DataFrame], p: KpiParams) -> pd.DataFrame:
    queue = _queue(f["queue_entries"], p)
    handle = _handle(f["agent_segments"])
    contact = _contacts(f["contacts"], f["agent_segments"], p)
    fcr = _fcr(contact)
    survey = _surveys(f["survey_responses"], contact, p)
    m = queue.reset_index()
    for part in (handle, fcr, survey):  # merge matches NULL agents to NULL agents, like IS NOT DISTINCT FROM
        m = m.merge(part.reset_index(), on=KEYS, how="outer")
    out = pd.DataFrame({"agent": m["agent"], "day": m["day"]})
    for col in ("offered", "answered", "abandoned"):
        out[col] = m[col].fillna(0).astype("int64")
    base = m["answered"] + m["abandoned"] + m["flowed_out"] - m["short_abandoned"]
    out["service_level"] = _ratio(m["answered_within"], base)
    out["abandon_rate"] = _ratio(m["abandoned"] - m["short_abandoned"], base)
    out["asa_s"] = _ratio(m["wait_answered_ms"], m["answered_with_wait"]) / 1000
    out["handled"] = m["handled"].fillna(0).astype("int64")
    for name, col, known in (("aht_s", "handle_ms", "handle_known"), ("avg_talk_s", "talk_ms", "talk_known"),
                             ("avg_hold_s", "hold_ms", "hold_known"), ("avg_acw_s", "acw_ms", "acw_known")):
        out[name] = _ratio(m[col], m[known]) / 1000
    out["hold_rate"] = _ratio(m["held"], m["hold_count_known"])
    out["transfer_rate"] = _ratio(m["transferred"], m["handled"])
    out["fcr_rate"] = _ratio(m["fcr_resolved"], m["fcr_eligible"])
    out["csat_top2_rate"] = _ratio(m["csat_top2"], m["csat_n"])
    out["nps"] = 100 * _ratio(m["promoters"] - m["detractors"], m["nps_n"])
    out["ces_mean"] = _ratio(m["ces_sum"], m["ces_n"])
    return out.sort_values(KEYS, na_position="last").reset_index(drop=True)
