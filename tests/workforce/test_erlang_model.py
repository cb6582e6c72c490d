"""Erlang B/C/A numbers: the published worked example, hand-computed cases, an independent birth-death chain."""

from __future__ import annotations

import math

import numpy as np
import pytest

from callboard.workforce.erlang import erlang_a, erlang_b, erlang_c, evaluate, log_erlang_b, required_agents


def test_worked_example_reference_15() -> None:
    """Reference §15 (Call Centre Helper; pyworkforce docs; R ErlangC): 100 calls / 30 min, AHT 180 s ->
    A = 100·180/1800 = 10 Erlangs; T = 20 s, SL target 0.8, max occupancy 0.85, shrinkage 0.3 ->
    14 agents, SL 0.8883500191794669, P(wait) 0.1741319335950498, occupancy 10/14, ASA = C·180/4,
    positions ceil(14·10/7) = 20."""
    r = required_agents(calls=100, interval_s=1800, aht_s=180, answer_within_s=20, target_sl=0.8,
                        max_occupancy=0.85, shrinkage=0.3)
    rec = r.record()
    assert rec["traffic_erlangs"] == 10.0
    assert rec["agents_raw"] == 14
    assert rec["agents"] == 20
    assert rec["service_level"] == pytest.approx(0.8883500191794669, abs=1e-12)
    assert rec["wait_probability"] == pytest.approx(0.1741319335950498, abs=1e-12)
    assert rec["occupancy"] == pytest.approx(0.7142857142857143, abs=1e-15)
    assert rec["asa_s"] == pytest.approx(0.1741319335950498 * 180 / 4, rel=1e-12)  # ≈ 7.84 s
    # 13 agents miss the target: that is why 14 is the answer
    assert evaluate(agents=13, calls=100, interval_s=1800, aht_s=180, answer_within_s=20).service_level < 0.8


def test_erlang_b_small_by_hand() -> None:
    """A = 2: B(1) = 2/(1+2) = 2/3; B(2) = 2·(2/3)/(2 + 4/3) = (4/3)/(10/3) = 0.4;
    B(3) = 2·0.4/(3 + 0.8) = 0.8/3.8 = 4/19. Erlang C at N = 3: C = 3·(4/19)/(3 - 2·(15/19)) = (12/19)/(27/19)
    = 4/9; ASA = C·AHT/(N - A) = 4/9 · 100 / 1 = 44.44 s with AHT 100 s."""
    assert erlang_b(np.array([0, 1, 2, 3]), 2.0) == pytest.approx([1.0, 2 / 3, 0.4, 4 / 19], rel=1e-14)
    m = erlang_c(3, 2.0, 100.0, 0.0)
    assert m.wait_probability == pytest.approx(4 / 9, rel=1e-14)
    assert m.service_level == pytest.approx(5 / 9, rel=1e-14)  # T = 0: 1 - C
    assert m.asa_s == pytest.approx(400 / 9, rel=1e-14)


def test_recurrence_and_log_space_agree_and_stay_finite_at_10000_erlangs() -> None:
    """Bulk whole N uses the recurrence, the rest log space: both must agree; 10,000+ Erlangs never overflows
    (the textbook A**N/N! overflows near 140 Erlangs)."""
    rng = np.random.default_rng(3)
    a = rng.uniform(0.5, 300, 500)
    n = np.floor(a) + rng.integers(0, 15, 500)
    assert erlang_b(n, a) == pytest.approx(np.exp(log_erlang_b(n, a)), rel=1e-10)
    # A = 10,000: B(10,000) by the plain recurrence from 0 in Python floats (no overflow in this form)
    b = 1.0
    for k in range(1, 10_001):
        b = 10_000 * b / (k + 10_000 * b)
    assert float(np.exp(log_erlang_b(10_000, 10_000.0))) == pytest.approx(b, rel=1e-9)
    r = required_agents(calls=[200_000, 400_000], interval_s=1800, aht_s=180, answer_within_s=20, target_sl=0.8)
    assert np.all(np.isfinite(r.service_level)) and np.all(r.agents_raw > r.traffic_erlangs)
    assert np.all(r.service_level >= 0.8)
    below = evaluate(agents=r.agents_raw - 1, calls=[200_000, 400_000], interval_s=1800, aht_s=180,
                     answer_within_s=20)
    assert np.all(below.service_level < 0.8)


def test_zero_volume_needs_no_agents_and_understaffing_reports_zero() -> None:
    r = required_agents(calls=[0, 0.0], interval_s=1800, aht_s=[180, np.nan], answer_within_s=20, target_sl=0.8,
                        shrinkage=0.3)
    assert r.agents.tolist() == [0, 0] and r.agents_raw.tolist() == [0, 0]
    assert np.isnan(r.service_level).all() and np.isnan(r.asa_s).all()
    # 10 Erlangs on 10 or 5 agents: unstable queue: SL 0, P(wait) 1, ASA undefined, never negative or > 1
    e = evaluate(agents=[5, 10, 10.5], calls=100, interval_s=1800, aht_s=180, answer_within_s=20)
    assert e.service_level[:2].tolist() == [0.0, 0.0] and e.wait_probability[:2].tolist() == [1.0, 1.0]
    assert np.isnan(e.asa_s[:2]).all()
    assert 0 < e.service_level[2] < 1 and 0 < e.wait_probability[2] < 1 and e.asa_s[2] > 0


def test_exact_shrinkage_21_over_0_7_is_30() -> None:
    """21/0.7 = 30.000000000000004 in floats (ceil 31); exactly 21·10/7 = 30."""
    assert math.ceil(21 / (1 - 0.3)) == 31  # the float trap this guards against
    e = evaluate(agents=[21, 7, 14, 22], calls=100, interval_s=1800, aht_s=180, answer_within_s=20, shrinkage=0.3)
    assert e.agents.tolist() == [30, 10, 20, 32]  # 22·10/7 = 31.43 -> 32


def test_occupancy_cap_uses_exact_ratio() -> None:
    """A = 63 calls·300 s/1800 s = 10.5 Erlangs, cap 0.7: 10.5/0.7 = 15 exactly (floats: 15.000000000000002,
    ceil 16). A 5% SL target is met by floor(10.5) + 1 = 11 agents, so the cap decides: 15."""
    assert math.ceil(10.5 / 0.7) == 16  # the float trap
    r = required_agents(calls=63, interval_s=1800, aht_s=300, answer_within_s=20, target_sl=0.05, max_occupancy=0.7)
    assert r.agents_for_target[()] == 11
    assert r.agents_raw[()] == 15
    assert r.occupancy[()] == pytest.approx(0.7)


def test_asa_target_search() -> None:
    """ASA target 10 s on the worked example: 13 agents give ASA = C·180/3 with C(13) > 0.2 -> > 10 s;
    14 give 7.84 s (worked example) -> 14."""
    r = required_agents(calls=100, interval_s=1800, aht_s=180, answer_within_s=20, target_asa_s=10)
    assert r.agents_raw[()] == 14
    assert evaluate(agents=13, calls=100, interval_s=1800, aht_s=180, answer_within_s=20).asa_s[()] > 10


def test_fractional_agents_interpolate() -> None:
    e = evaluate(agents=[13, 13.5, 14], calls=100, interval_s=1800, aht_s=180, answer_within_s=20)
    assert e.service_level[0] < e.service_level[1] < e.service_level[2]
    assert e.occupancy[1] == pytest.approx(10 / 13.5)


def test_invalid_inputs_are_one_line_errors() -> None:
    from callboard.core.errors import InvalidInput
    with pytest.raises(InvalidInput, match="fraction"):
        required_agents(calls=100, interval_s=1800, aht_s=180, answer_within_s=20, target_sl=80)
    with pytest.raises(InvalidInput, match="patience"):
        required_agents(calls=100, interval_s=1800, aht_s=180, answer_within_s=20, max_abandon=0.05)
    with pytest.raises(InvalidInput, match="target"):
        required_agents(calls=100, interval_s=1800, aht_s=180, answer_within_s=20)


# --- Erlang A against an independent birth-death chain -------------------------------------------------------

def chain_erlang_a(n: int, lam: float, mu: float, theta: float, t: float) -> dict[str, float]:
    """Independent computation, straight from the chain of reference §15: π_k ∝ Π λ/(min(i,N)μ + max(i-N,0)θ)
    in log space, truncated when terms are negligible; F_j(T) (sum of exponentials with rates Nμ+θ, ...,
    Nμ+(j+1)θ) by uniformization of the pure-death chain; ASA from E[V | served, j] = Σ 1/(Nμ+mθ)."""
    log_pi = [0.0]
    k = 0
    while True:
        k += 1
        rate = min(k, n) * mu + max(k - n, 0) * theta
        log_pi.append(log_pi[-1] + math.log(lam) - math.log(rate))
        if k > n + 10 and log_pi[-1] < max(log_pi) - 60:
            break
    top = max(log_pi)
    pi = np.exp(np.array(log_pi) - top)
    pi /= pi.sum()
    queue = pi[n:]
    jmax = queue.size - 1
    rates = np.array([n * mu + m * theta for m in range(1, jmax + 2)])  # rate out of position m
    # uniformization: state = position m (1..jmax+1), absorbing 0; F_j(T) = P(absorbed by T | start at j+1)
    big = rates.max()
    steps = int(big * t + 12 * math.sqrt(big * t + 1) + 30)
    # absorbed[m] after s uniform steps from start position m; iterate the distribution backward in m
    absorbed_after = np.zeros((steps + 1, jmax + 2))  # P(absorbed within s steps | start m)
    absorbed_after[:, 0] = 1.0
    down = np.concatenate([[0.0], rates / big])
    for s in range(1, steps + 1):
        prev = absorbed_after[s - 1]
        absorbed_after[s, 1:] = down[1:] * prev[:-1] + (1 - down[1:]) * prev[1:]
    s = np.arange(steps + 1)
    log_poisson = s * math.log(big * t) - big * t - np.array([math.lgamma(x + 1) for x in s]) if t > 0 else None
    weights = np.exp(log_poisson) if log_poisson is not None else np.eye(1, steps + 1)[0]
    f = weights @ absorbed_after  # F for each start position m
    j = np.arange(jmax + 1)
    served_share = n * mu / (n * mu + (j + 1) * theta)
    sl = pi[:n].sum() + float(np.sum(queue * served_share * f[j + 1]))
    abandon = theta * float(np.sum(j * queue)) / lam
    expected_v = np.cumsum(1.0 / rates)[j]
    served = pi[:n].sum() + float(np.sum(queue * served_share))
    asa = float(np.sum(queue * served_share * expected_v)) / served if served > 0 else float("nan")
    return {"wait": float(queue.sum()), "sl": sl, "abandon": abandon, "asa": asa,
            "occupancy": lam * (1 - abandon) / (n * mu) if n else float("nan")}


@pytest.mark.parametrize(("n", "calls", "aht_s", "patience_s", "within_s"), [
    (14, 100, 180, 120, 20), (10, 100, 180, 300, 20), (8, 100, 180, 60, 30), (3, 20, 300, 90, 15),
    (0, 10, 180, 100, 20), (60, 1000, 100, 200, 20), (25, 300, 120, 1000, 0), (1, 3, 600, 45, 60)])
def test_erlang_a_matches_birth_death_chain(n: int, calls: float, aht_s: float, patience_s: float,
                                            within_s: float) -> None:
    lam, mu, theta = calls / 1800, 1 / aht_s, 1 / patience_s
    expected = chain_erlang_a(n, lam, mu, theta, within_s)
    got = erlang_a(n, calls * aht_s / 1800, aht_s, patience_s, within_s)
    assert float(got.wait_probability) == pytest.approx(expected["wait"], abs=1e-10)
    assert float(got.service_level) == pytest.approx(expected["sl"], abs=1e-9)
    assert float(got.abandon_probability) == pytest.approx(expected["abandon"], abs=1e-10)
    if n:
        assert float(got.asa_s) == pytest.approx(expected["asa"], rel=1e-9)
        assert float(got.occupancy) == pytest.approx(expected["occupancy"], rel=1e-10)
    else:
        assert float(got.service_level) == 0.0 and float(got.abandon_probability) == pytest.approx(1.0)


def test_erlang_a_tends_to_erlang_c_without_abandonment() -> None:
    """θ -> 0 gives Erlang C (reference §15; Calabrio: 0% abandonment reduces Erlang A to C)."""
    a = erlang_a(14, 10.0, 180.0, 1e9, 20.0)
    assert float(a.service_level) == pytest.approx(0.8883500191794669, abs=1e-6)
    assert float(a.wait_probability) == pytest.approx(0.1741319335950498, abs=1e-6)


def test_erlang_a_staffing_for_abandon_target() -> None:
    """The search answers the smallest N: N meets the target and N - 1 does not."""
    r = required_agents(calls=[100, 400, 5000], interval_s=1800, aht_s=180, answer_within_s=20,
                        max_abandon=0.02, patience_s=120)
    assert np.all(r.abandon_probability <= 0.02)
    worse = evaluate(agents=r.agents_raw - 1, calls=[100, 400, 5000], interval_s=1800, aht_s=180,
                     answer_within_s=20, patience_s=120)
    assert np.all(worse.abandon_probability > 0.02)
