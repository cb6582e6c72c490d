"""Fairness statistics for agent rates: Wilson intervals and empirical-Bayes beta-binomial shrinkage.

Wilson score interval (Wilson 1927; Newcombe 1998 method 3) for x successes in n trials, z = 1.959964:
    centre = (p + z²/2n) / (1 + z²/n),  half = z / (1 + z²/n) * sqrt(p(1-p)/n + z²/4n²),  p = x/n.

Shrinkage: each agent's true rate is taken to come from the team's Beta(alpha, beta); the agent's
estimate is the posterior mean (x + alpha) / (n + alpha + beta), so a rate on few contacts is pulled
toward the team's rate and a rate on many contacts barely moves.

The team's alpha and beta are fitted by the method of moments for the beta-binomial with unequal
sample sizes (Kleinman 1973, weights n_i). With k agents, N = sum n_i, team rate p = sum x_i / N and
S = sum n_i (x_i/n_i - p)^2, the expected value of S is
    E[S] = p(1-p) [ (k-1) + rho (N - sum n_i^2 / N - (k-1)) ],   rho = 1 / (alpha + beta + 1)
(rho is the intra-agent correlation). Solving for rho:
    rho = (S / (p(1-p)) - (k-1)) / (N - sum n_i^2 / N - (k-1)),   alpha + beta = (1 - rho) / rho,
    alpha = p (alpha + beta), beta = (1-p) (alpha + beta).
When rho <= 0 the agents differ no more than chance would make them: every agent is estimated at the
team rate (complete pooling, prior strength infinite). Fewer than two agents with data: no prior.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import beta as beta_dist

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_interval(successes: float, trials: float, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for successes / trials; None when there are no trials."""
    if trials <= 0:
        return None
    p = successes / trials
    z2 = z * z
    denom = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class BetaPrior:
    """The team's distribution of true agent rates. `strength` = alpha + beta (inf: complete pooling)."""

    mean: float  # the team rate, sum x / sum n
    strength: float
    rho: float  # fitted intra-agent correlation before clamping
    agents: int

    @property
    def alpha(self) -> float:
        return self.mean * self.strength

    @property
    def beta(self) -> float:
        return (1 - self.mean) * self.strength

    @property
    def pooled(self) -> bool:
        return math.isinf(self.strength)

    def shrink(self, successes: float, trials: float) -> float:
        """Posterior mean (x + alpha) / (n + alpha + beta); the team rate under complete pooling."""
        if self.pooled:
            return self.mean
        return (successes + self.alpha) / (trials + self.strength)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """The central `level` range of true agent rates in the team (Beta quantiles)."""
        if self.pooled or self.mean in (0.0, 1.0):
            return self.mean, self.mean
        tail = (1 - level) / 2
        low, high = beta_dist.ppf([tail, 1 - tail], self.alpha, self.beta)
        return float(low), float(high)


MIN_STRENGTH = 1e-6  # rho >= 1: (almost) no shrinkage


def fit_beta_prior(counts: Sequence[tuple[float, float]]) -> BetaPrior | None:
    """Method-of-moments Beta prior from (successes, trials) per agent (see the module doc)."""
    data = [(x, n) for x, n in counts if n > 0]
    k = len(data)
    if k < 2:
        return None
    total_n = sum(n for _, n in data)
    p = sum(x for x, _ in data) / total_n
    if p <= 0 or p >= 1:
        return BetaPrior(p, math.inf, 0.0, k)
    spread = sum(n * (x / n - p) ** 2 for x, n in data)
    denom = total_n - sum(n * n for _, n in data) / total_n - (k - 1)
    if denom <= 0:
        return BetaPrior(p, math.inf, 0.0, k)
    rho = (spread / (p * (1 - p)) - (k - 1)) / denom
    if rho <= 0:
        return BetaPrior(p, math.inf, rho, k)
    strength = max(MIN_STRENGTH, (1 - rho) / rho) if rho < 1 else MIN_STRENGTH
    return BetaPrior(p, strength, rho, k)


def tukey_fences(values: Sequence[float]) -> tuple[float, float] | None:
    """(Q1 - 1.5 IQR, Q3 + 1.5 IQR) of at least four values (linear-interpolated quartiles); else None."""
    data = sorted(values)
    if len(data) < 4:
        return None

    def quantile(q: float) -> float:
        pos = q * (len(data) - 1)
        low = math.floor(pos)
        high = min(low + 1, len(data) - 1)
        return data[low] + (data[high] - data[low]) * (pos - low)

    q1, q3 = quantile(0.25), quantile(0.75)
    return q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
