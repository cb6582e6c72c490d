"""Inter-rater agreement (reference §14): pure functions over plain sequences and arrays.

Statistics come from the libraries the design names, not hand-written formulas:
- Cohen's kappa and weighted kappa (two raters): scikit-learn `cohen_kappa_score`;
- Fleiss' kappa (many raters, every item rated by the same number of raters): statsmodels;
- Krippendorff's alpha (any number of raters, missing values allowed): `krippendorff`;
- ICC(2,1) / ICC(A,1) on total scores (two-way random, absolute agreement, single rater): pingouin.

Conventions: a *reliability matrix* has one row per rater and one column per item (contact); a missing
answer (rater did not score it, or N/A) is NaN. Every function returns None instead of raising when the
statistic is undefined (one category only, p_e = 1, fewer than two pairable values).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Level = Literal["nominal", "ordinal", "interval", "ratio"]
KappaWeights = Literal["linear", "quadratic"] | None

BANDS = ((0.0, "less than chance"), (0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial"),
         (math.inf, "almost perfect"))


def kappa_band(value: float | None) -> str:
    """Landis & Koch words for a kappa or alpha: < 0 less than chance; 0-0.2 slight; ... 0.8-1 almost perfect."""
    if value is None:
        return "undefined"
    if value < 0:
        return BANDS[0][1]
    return next(label for upper, label in BANDS[1:] if value <= upper)


def _finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def cohen_kappa(rater_a: Sequence[object], rater_b: Sequence[object], *, weights: KappaWeights = None,
                labels: Sequence[object] | None = None) -> float | None:
    """κ = (p_o − p_e)/(1 − p_e) for two raters over the same items (None entries are dropped pairwise).

    `weights` "linear"/"quadratic" gives weighted kappa for ordinal scales; then `labels` must be in scale
    order (default: sorted values)."""
    pairs = [(a, b) for a, b in zip(rater_a, rater_b, strict=True) if a is not None and b is not None
             and not (isinstance(a, float) and math.isnan(a)) and not (isinstance(b, float) and math.isnan(b))]
    if not pairs:
        return None
    from sklearn.metrics import cohen_kappa_score

    a, b = zip(*pairs, strict=True)
    if labels is None and weights is not None:
        labels = sorted(set(a) | set(b))  # type: ignore[type-var]
    if len(set(a) | set(b)) < 2:
        return None  # one category: p_e = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = cohen_kappa_score(list(a), list(b), weights=weights, labels=None if labels is None else list(labels))
    return _finite(float(value))


def percent_agreement(a: Sequence[object], b: Sequence[object]) -> float | None:
    """p_o: share of items both raters answered where they gave the same answer."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    return sum(x == y for x, y in pairs) / len(pairs) if pairs else None


def fleiss_kappa(counts: np.ndarray | Sequence[Sequence[int]]) -> float | None:
    """Fleiss' κ from an items × categories table of counts (each row sums to the same number of raters)."""
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2 or table.shape[0] == 0:
        return None
    sums = table.sum(axis=1)
    if not np.allclose(sums, sums[0]) or sums[0] < 2:
        return None
    from statsmodels.stats.inter_rater import fleiss_kappa as _fleiss

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _finite(float(_fleiss(table, method="fleiss")))


def category_counts(matrix: np.ndarray) -> np.ndarray | None:
    """Items × categories counts from a raters × items reliability matrix, keeping items every rater answered."""
    data = np.asarray(matrix, dtype=float)
    complete = data[:, ~np.isnan(data).any(axis=0)]
    if complete.size == 0:
        return None
    cats = np.unique(complete)
    return np.stack([(complete == c).sum(axis=0) for c in cats], axis=1)


def krippendorff_alpha(matrix: np.ndarray | Sequence[Sequence[float]], *, level: Level = "nominal") -> float | None:
    """α = 1 − D_o/D_e over a raters × items matrix (NaN = missing); None with fewer than two values per item
    anywhere or a single category overall."""
    data = np.asarray(matrix, dtype=float)
    if data.ndim != 2 or data.shape[0] < 2:
        return None
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    values = data[:, pairable]
    if values.size == 0 or len(np.unique(values[~np.isnan(values)])) < 2:
        return None
    import krippendorff

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _finite(float(krippendorff.alpha(reliability_data=values, level_of_measurement=level)))


@dataclass(frozen=True)
class Icc:
    icc_2_1: float | None  # two-way random, absolute agreement, single rater (pingouin "ICC2" / ICC(A,1))
    icc_2_k: float | None  # the same for the mean of k raters
    icc_3_1: float | None  # consistency (ignores a rater's constant leniency)
    ci95_low: float | None
    ci95_high: float | None
    items: int
    raters: int


def icc(totals: np.ndarray | Sequence[Sequence[float]]) -> Icc | None:
    """ICC on total scores from an items × raters matrix; items missing a rater are dropped (pingouin needs a
    complete two-way layout). None with fewer than 2 items or 2 raters left."""
    data = np.asarray(totals, dtype=float)
    if data.ndim != 2:
        return None
    data = data[~np.isnan(data).any(axis=1)]
    n, k = data.shape if data.size else (0, 0)
    if n < 2 or k < 2 or n * k < 5 or np.allclose(data, data.flat[0]):
        return None  # pingouin's two-way ANOVA needs at least 5 values
    import pandas as pd
    import pingouin as pg

    frame = pd.DataFrame({"item": np.repeat(np.arange(n), k), "rater": np.tile(np.arange(k), n),
                          "score": data.reshape(-1)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            table = pg.intraclass_corr(frame, targets="item", raters="rater", ratings="score").set_index("Type")
        except (AssertionError, ValueError):  # degenerate layouts pingouin refuses
            return None
    # pingouin names: ICC(A,1) = Shrout-Fleiss ICC(2,1) (older releases "ICC2"), ICC(C,1) = ICC(3,1)
    names = {"a1": ("ICC(A,1)", "ICC2"), "ak": ("ICC(A,k)", "ICC2k"), "c1": ("ICC(C,1)", "ICC3")}
    row = {key: next(n for n in options if n in table.index) for key, options in names.items()}
    ci = table.loc[row["a1"], "CI95" if "CI95" in table.columns else "CI95%"]
    return Icc(_finite(table.loc[row["a1"], "ICC"]), _finite(table.loc[row["ak"], "ICC"]),
               _finite(table.loc[row["c1"], "ICC"]), _finite(ci[0]), _finite(ci[1]), n, k)


@dataclass(frozen=True)
class PairKappa:
    rater_a: str
    rater_b: str
    items: int
    percent_agreement: float | None
    kappa: float | None


def pairwise_kappas(raters: Sequence[str], matrix: np.ndarray, *, weights: KappaWeights = None) -> list[PairKappa]:
    """Cohen's (or weighted) kappa for every pair of raters (rows of a raters × items matrix, NaN = missing)."""
    data = np.asarray(matrix, dtype=float)
    labels = sorted(np.unique(data[~np.isnan(data)]).tolist()) if weights else None
    out = []
    for i, j in itertools.combinations(range(len(raters)), 2):
        both = ~np.isnan(data[i]) & ~np.isnan(data[j])
        a, b = data[i, both].tolist(), data[j, both].tolist()
        out.append(PairKappa(raters[i], raters[j], int(both.sum()), percent_agreement(a, b),
                             cohen_kappa(a, b, weights=weights, labels=labels)))
    return out


@dataclass(frozen=True)
class QuestionAgreement:
    """Agreement on one question across the raters of a calibration session."""

    question_id: str
    items: int  # contacts at least two raters answered
    raters: int
    percent_agreement: float | None  # share of agreeing rater pairs, over all pairs on all items
    expert_match_rate: float | None  # share of rater answers equal to the expert's (None without an expert)
    mean_pair_kappa: float | None  # mean Cohen's kappa over rater pairs (weighted for ordinal questions)
    fleiss_kappa: float | None  # items every rater answered
    alpha: float | None  # Krippendorff's alpha at the question's level (missing allowed)
    band: str


def pair_agreement_rate(matrix: np.ndarray) -> float | None:
    """Σ over items of agreeing pairs / Σ of pairs, pairs formed among the raters who answered the item."""
    data = np.asarray(matrix, dtype=float)
    agree = total = 0
    for column in data.T:
        values = column[~np.isnan(column)]
        m = len(values)
        if m < 2:
            continue
        _, counts = np.unique(values, return_counts=True)
        agree += int((counts * (counts - 1) // 2).sum())
        total += m * (m - 1) // 2
    return agree / total if total else None


def question_agreement(question_id: str, raters: Sequence[str], matrix: np.ndarray, *,
                       expert: Sequence[float] | None = None, ordinal: bool = False) -> QuestionAgreement:
    """All agreement measures for one question. `matrix` is raters × items (answer codes, NaN = N/A/missing);
    `expert` the expert's or consensus answer per item (NaN = none). Ordinal questions (scales) use linearly
    weighted kappa and ordinal alpha; the others nominal."""
    data = np.asarray(matrix, dtype=float)
    pairable = int(((~np.isnan(data)).sum(axis=0) >= 2).sum()) if data.size else 0
    match = None
    if expert is not None:
        ref = np.asarray(expert, dtype=float)
        mask = ~np.isnan(data) & ~np.isnan(ref)[None, :]
        match = float((data[mask] == np.broadcast_to(ref, data.shape)[mask]).mean()) if mask.any() else None
    kappas = [p.kappa for p in pairwise_kappas(raters, data, weights="linear" if ordinal else None)
              if p.kappa is not None]
    counts = category_counts(data) if data.size else None
    alpha = krippendorff_alpha(data, level="ordinal" if ordinal else "nominal") if data.size else None
    return QuestionAgreement(question_id, pairable, len(raters), pair_agreement_rate(data) if data.size else None,
                             match, float(np.mean(kappas)) if kappas else None,
                             fleiss_kappa(counts) if counts is not None else None, alpha, kappa_band(alpha))
