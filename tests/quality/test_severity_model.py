"""Evaluator-adjusted QA scores (issue 6 item 5): the two-way model recovers planted evaluator severity on
confounded data where the naive mean deviation is wrong."""

from __future__ import annotations

import time

import numpy as np
import pytest

from callboard.quality.severity import fit_severity

# Planted evaluator effects in points, summing to zero (the model's constraint): strict ... lenient.
PLANTED = {"strict": -8.0, "firm": -1.0, "fair": 3.0, "soft": 6.0}


def confounded(seed: int, n_agents: int = 60, n_evals: int = 3000, noise_sd: float = 6.0
               ) -> tuple[list[str], list[str], np.ndarray, dict[str, float]]:
    """Half the agents are weak (true level ~62), half strong (~86). The strict evaluator gets 85% of its
    work from weak agents; the lenient ones mostly score strong agents."""
    rng = np.random.default_rng(seed)
    weak = [f"a{i:03d}" for i in range(n_agents // 2)]
    strong = [f"a{i:03d}" for i in range(n_agents // 2, n_agents)]
    level = {a: rng.normal(62, 4) for a in weak} | {a: rng.normal(86, 4) for a in strong}
    p_weak = {"strict": 0.85, "firm": 0.5, "fair": 0.2, "soft": 0.15}
    names = list(PLANTED)
    agents, evaluators, scores = [], [], []
    for _ in range(n_evals):
        ev = names[rng.integers(len(names))]
        pool = weak if rng.random() < p_weak[ev] else strong
        agent = pool[rng.integers(len(pool))]
        agents.append(agent)
        evaluators.append(ev)
        scores.append(level[agent] + PLANTED[ev] + rng.normal(0, noise_sd))
    return agents, evaluators, np.array(scores), level


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_model_recovers_planted_severity_where_naive_deviation_fails(seed: int) -> None:
    agents, evaluators, scores, level = confounded(seed)
    model = fit_severity(agents, evaluators, scores)
    assert model.components == 1 and model.evaluations == 3000
    for name, planted in PLANTED.items():
        got = model.evaluator(name)
        assert abs(got.effect_points - planted) <= 1.5, (name, got.effect_points, planted)
    # the naive deviation blames the strict evaluator for its weak agents: weak share 0.85 vs 0.425 overall
    # (mean of .85 .5 .2 .15), levels 24 points apart -> naive ~ -8 - (0.85 - 0.425) * 24 = -18.2
    naive = model.evaluator("strict").naive_deviation_points
    assert abs(naive - PLANTED["strict"]) > 4.0, naive
    assert naive < PLANTED["strict"]  # looks stricter than it is
    # the lenient evaluator's naive deviation is inflated the other way
    assert model.evaluator("soft").naive_deviation_points - PLANTED["soft"] > 4.0
    # adjusted agent scores sit nearer the true level than raw means on average
    raw_err = np.mean([abs(a.raw_mean - level[a.agent_id]) for a in model.agents])
    adj_err = np.mean([abs(a.adjusted - level[a.agent_id]) for a in model.agents])
    assert adj_err < raw_err
    assert sum(e.effect_points for e in model.evaluators) == pytest.approx(0.0, abs=1e-6)


def test_exact_fit_small_table_by_hand() -> None:
    # Two agents, two evaluators, no noise: a1 = 80, a2 = 60; evaluator x = -5, y = +5 (sum 0).
    # Scores: a1/x 75, a1/y 85, a2/x 55, a2/y 65 -> the model returns exactly these effects.
    # a2 scored only by x once more (55) does not change anything: it fits exactly.
    model = fit_severity(["a1", "a1", "a2", "a2", "a2"], ["x", "y", "x", "y", "x"], [75, 85, 55, 65, 55])
    assert model.evaluator("x").effect_points == pytest.approx(-5)
    assert model.evaluator("y").effect_points == pytest.approx(5)
    assert model.agent("a1").adjusted == pytest.approx(80)
    assert model.agent("a2").adjusted == pytest.approx(60)
    # raw mean of a2 = (55 + 65 + 55)/3 = 58.333: x scored a2 twice, so the raw mean is 1.667 points low
    assert model.agent("a2").raw_mean == pytest.approx(175 / 3)
    assert model.agent("a2").adjustment_points == pytest.approx(60 - 175 / 3)
    # naive: x's mean (75 + 55 + 55)/3 = 61.667 minus the grand mean 335/5 = 67 -> -5.333
    assert model.evaluator("x").naive_deviation_points == pytest.approx(185 / 3 - 67)
    assert model.residual_sd == pytest.approx(0.0, abs=1e-6)


def test_disconnected_groups_are_centred_separately() -> None:
    # group 1: a1 scored by x (70) and y (80); group 2: a2 scored only by z (50).
    # group 1: x = -5, y = +5, a1 = 75; group 2: z alone -> effect 0, a2 = 50.
    model = fit_severity(["a1", "a1", "a2"], ["x", "y", "z"], [70, 80, 50])
    assert model.components == 2
    assert model.evaluator("z").effect_points == pytest.approx(0)
    assert model.agent("a2").adjusted == pytest.approx(50)
    assert model.evaluator("x").effect_points == pytest.approx(-5)
    assert model.evaluator("x").component != model.evaluator("z").component


def test_empty_input() -> None:
    assert fit_severity([], [], []).evaluations == 0


def test_hundred_thousand_evaluations_fit_quickly() -> None:
    """100k evaluations, 2,000 agents, 40 evaluators: prints the time (no timing assert; ~0.5 s here)."""
    rng = np.random.default_rng(7)
    n, n_agents, n_evals = 100_000, 2000, 40
    planted = rng.normal(0, 4, n_evals)
    planted -= planted.mean()
    level = rng.normal(75, 8, n_agents)
    a = rng.integers(n_agents, size=n)
    e = rng.integers(n_evals, size=n)
    y = level[a] + planted[e] + rng.normal(0, 6, n)
    started = time.perf_counter()
    model = fit_severity([f"a{i}" for i in a], [f"e{j:02d}" for j in e], y)
    print(f"fit_severity on 100k evaluations: {time.perf_counter() - started:.2f} s")
    got = np.array([model.evaluator(f"e{j:02d}").effect_points for j in range(n_evals)])
    assert np.max(np.abs(got - planted)) < 1.5
