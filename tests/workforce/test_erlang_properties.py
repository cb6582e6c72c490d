"""Hypothesis properties of the Erlang models: monotone in agents, occupancy = traffic/agents, search minimality."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from callboard.workforce.erlang import erlang_a, erlang_c, evaluate, required_agents

traffic = st.floats(min_value=0.05, max_value=400.0, allow_nan=False)
aht = st.floats(min_value=10.0, max_value=1200.0, allow_nan=False)
within = st.floats(min_value=0.0, max_value=300.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(a=traffic, aht_s=aht, t=within, extra=st.integers(min_value=1, max_value=40))
def test_erlang_c_sl_rises_asa_falls_with_agents(a: float, aht_s: float, t: float, extra: int) -> None:
    n = np.floor(a) + np.arange(1, extra + 2)  # stable staffing levels N > A, one step apart
    m = erlang_c(n, a, aht_s, t)
    assert np.all(np.diff(m.service_level) >= -1e-12)
    assert np.all(np.diff(m.asa_s) <= 1e-12)
    assert np.all(np.diff(m.wait_probability) <= 1e-12)
    assert np.all((m.service_level >= 0) & (m.service_level <= 1))
    assert np.allclose(m.occupancy, a / n, rtol=1e-15, atol=0)


@settings(max_examples=40, deadline=None)
@given(a=st.floats(min_value=0.05, max_value=150.0), aht_s=aht, t=within,
       patience_s=st.floats(min_value=5.0, max_value=3000.0))
def test_erlang_a_monotone_in_agents(a: float, aht_s: float, t: float, patience_s: float) -> None:
    n = np.arange(0, int(a) + 12, dtype=float)
    m = erlang_a(n, a, aht_s, patience_s, t)
    assert np.all(np.diff(m.service_level) >= -1e-9)
    assert np.all(np.diff(m.abandon_probability) <= 1e-9)
    assert np.all(np.diff(m.asa_s[1:]) <= 1e-9 * np.maximum(1.0, m.asa_s[1:-1]))
    assert np.all((m.abandon_probability >= 0) & (m.abandon_probability <= 1))


@settings(max_examples=40, deadline=None)
@given(calls=st.lists(st.floats(min_value=0.0, max_value=3000.0), min_size=1, max_size=12),
       aht_s=aht, t=within, target=st.floats(min_value=0.05, max_value=0.98))
def test_search_is_minimal(calls: list[float], aht_s: float, t: float, target: float) -> None:
    """The answer meets the target and one agent fewer does not (zero-volume intervals need 0)."""
    r = required_agents(calls=calls, interval_s=1800, aht_s=aht_s, answer_within_s=t, target_sl=target)
    assert np.all(r.agents_raw[np.asarray(calls) == 0] == 0)
    busy = r.traffic_erlangs > 0  # (calls of 5e-324 give a traffic that underflows to 0: no work either)
    assert np.all(r.service_level[busy] >= target)
    fewer = evaluate(agents=np.maximum(r.agents_raw - 1, 0), calls=calls, interval_s=1800, aht_s=aht_s,
                     answer_within_s=t)
    assert np.all(fewer.service_level[busy] < target)


@settings(max_examples=60, deadline=None)
@given(raw=st.integers(min_value=0, max_value=100_000), pct=st.integers(min_value=0, max_value=99))
def test_shrinkage_is_the_exact_ceiling(raw: int, pct: int) -> None:
    """ceil(raw / (1 - pct/100)) = ceil(100·raw / (100 - pct)) in integers."""
    e = evaluate(agents=raw, calls=0, interval_s=1800, aht_s=180, answer_within_s=20, shrinkage=pct / 100)
    assert int(e.agents) == -(-100 * raw // (100 - pct))
