"""Evaluator-adjusted QA scores: agent and evaluator effects from all evaluations (two-way fixed effects).

Model: score_e = agent_effect[agent(e)] + evaluator_effect[evaluator(e)] + noise, with the evaluator effects
summing to zero within each connected group of agents and evaluators (so an agent effect is the score the
agent would get from an average evaluator). Solved as sparse least squares (scipy `lsqr`) on the one-hot
design: 100k evaluations take well under a second.

Why not the naive "evaluator mean minus overall mean": when a strict evaluator mostly scores weak agents the
naive number blames the evaluator for the agents' weakness (confounded assignment); the fixed-effects model
compares each evaluator with the others on the same agents.

Identification: effects are comparable only inside a connected component of the bipartite agent-evaluator
graph (an evaluator who shares no agents with anyone else cannot be told apart from their agents' level);
each result carries its component so a page can say so. Pure: plain arrays in, frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EvaluatorEffect:
    evaluator: str
    effect_points: float  # + lenient, − strict: points added vs the average evaluator of the component
    naive_deviation_points: float  # evaluator's mean score − overall mean (what vendors show)
    evaluations: int
    agents: int
    component: int


@dataclass(frozen=True)
class AgentAdjusted:
    agent_id: str
    raw_mean: float  # plain mean of the agent's evaluation scores
    adjusted: float  # agent effect: the expected score from an average evaluator
    evaluations: int
    component: int

    @property
    def adjustment_points(self) -> float:
        return self.adjusted - self.raw_mean


@dataclass(frozen=True)
class SeverityModel:
    evaluators: tuple[EvaluatorEffect, ...]
    agents: tuple[AgentAdjusted, ...]
    evaluations: int
    components: int
    residual_sd: float | None  # root mean squared residual (degrees-of-freedom corrected)

    def evaluator(self, name: str) -> EvaluatorEffect:
        return next(e for e in self.evaluators if e.evaluator == name)

    def agent(self, agent_id: str) -> AgentAdjusted:
        return next(a for a in self.agents if a.agent_id == agent_id)


def _components(agent_idx: np.ndarray, eval_idx: np.ndarray, n_agents: int, n_evals: int) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = n_agents + n_evals
    graph = coo_matrix((np.ones(len(agent_idx)), (agent_idx, eval_idx + n_agents)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels  # type: ignore[no-any-return]


def fit_severity(agent_ids: Sequence[str], evaluators: Sequence[str], scores: Sequence[float] | np.ndarray
                 ) -> SeverityModel:
    """Fit the two-way model on parallel arrays (one entry per evaluation; calibration evaluations must be
    left out by the caller). Scores are on the evaluation scale (0-100)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import lsqr

    y = np.asarray(scores, dtype=float)
    n = len(y)
    if n == 0:
        return SeverityModel((), (), 0, 0, None)
    agent_names, a_idx = np.unique(np.asarray(agent_ids, dtype=object).astype(str), return_inverse=True)
    eval_names, e_idx = np.unique(np.asarray(evaluators, dtype=object).astype(str), return_inverse=True)
    na, ne = len(agent_names), len(eval_names)
    rows = np.repeat(np.arange(n), 2)
    cols = np.column_stack([a_idx, na + e_idx]).reshape(-1)
    design = csr_matrix((np.ones(2 * n), (rows, cols)), shape=(n, na + ne))
    # Centre y so lsqr starts near the answer; the minimum-norm solution is then shifted per component.
    grand = float(y.mean())
    solution = lsqr(design, y - grand, atol=1e-10, btol=1e-10, iter_lim=10 * (na + ne) + 100)[0]
    a_eff, e_eff = solution[:na] + grand, solution[na:].copy()
    labels = _components(a_idx, e_idx, na, ne)
    a_comp, e_comp = labels[:na], labels[na:]
    for comp in np.unique(e_comp):  # impose Σ evaluator effects = 0 inside each component
        shift = e_eff[e_comp == comp].mean()
        e_eff[e_comp == comp] -= shift
        a_eff[a_comp == comp] += shift
    fitted = a_eff[a_idx] + e_eff[e_idx]
    dof = n - na - ne + len(np.unique(labels))
    residual_sd = float(np.sqrt(((y - fitted) ** 2).sum() / dof)) if dof > 0 else None

    e_count = np.bincount(e_idx, minlength=ne)
    e_sum = np.bincount(e_idx, weights=y, minlength=ne)
    pairs = np.unique(np.column_stack([e_idx, a_idx]), axis=0)
    e_agents = np.bincount(pairs[:, 0], minlength=ne)
    a_count = np.bincount(a_idx, minlength=na)
    a_sum = np.bincount(a_idx, weights=y, minlength=na)
    evaluators_out = tuple(
        EvaluatorEffect(str(eval_names[j]), float(e_eff[j]), float(e_sum[j] / e_count[j] - grand), int(e_count[j]),
                        int(e_agents[j]), int(e_comp[j])) for j in range(ne))
    agents_out = tuple(AgentAdjusted(str(agent_names[i]), float(a_sum[i] / a_count[i]), float(a_eff[i]),
                                     int(a_count[i]), int(a_comp[i])) for i in range(na))
    return SeverityModel(evaluators_out, agents_out, n, len(np.unique(labels)), residual_sd)
