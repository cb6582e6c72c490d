"""The catalog against the KPI reference: every metric ID of §3-§11 is computed or documented as not,
the short aliases users rely on exist, and the AHT components add up.

The reference is read from `docs/reference/kpi-definitions.md`, a copy kept in the repository so the
test runs on a clean clone; when the team's shared original is next to the checkout, the copy must
match it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callboard.core.settings import Settings
from callboard.metrics.catalog import Catalog
from callboard.metrics.service import KpiService
from callboard.store.duckdb_store import DuckDBStore
from tests.metrics.builders import Dataset

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "docs" / "reference" / "kpi-definitions.md"
SHARED_REFERENCE = REPO.parent / "shared" / "reference" / "kpi-definitions.md"
UNSUPPORTED = REPO / "docs" / "unsupported-metrics.md"
METRIC_SECTIONS = range(3, 12)  # §3 service level .. §11 adherence, conformance, shrinkage

_ID = r"[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)?"


def sections(text: str) -> dict[int, list[str]]:
    """Lines of each numbered `## N. Title` section."""
    out: dict[int, list[str]] = {}
    current: int | None = None
    for line in text.splitlines():
        heading = re.match(r"^## (\d+)\. ", line)
        if heading:
            current = int(heading.group(1))
            out[current] = []
        elif line.startswith("## "):
            current = None
        elif current is not None:
            out[current].append(line)
    return out


def reference_metric_ids(text: str) -> dict[str, int]:
    """Metric IDs named in §3-§11, with their section.

    A backticked token is a metric ID when it is
    1. the first cell of a table row (`| `service_level.genesys_cloud` | formula | source |`);
    2. the ID of a bold default (`**Default `fcr.repeat_7d`**`, `**CSAT default `csat.top2box_5pt`**`);
    3. a dotted `kpi.variant` token anywhere in the prose (`iph.per_online_hour`, `ces.v2_low_effort_pct`);
    4. a metric the prose introduces: "reported beside `short_abandon_rate`", "`max_queued_s` is the ...".
    Field and parameter names (`wait_s`, `short_abandon_s`, `hold_count ≥ 1`, `survey_window`) match none
    of these; code blocks are skipped.
    """
    found: dict[str, int] = {}
    for number, lines in sections(text).items():
        if number not in METRIC_SECTIONS:
            continue
        in_code = False
        for line in lines:
            if line.startswith("```"):
                in_code = not in_code
                continue
            if in_code:
                continue
            if line.startswith("|"):
                first = line.strip().strip("|").split("|")[0].strip()
                cell = re.fullmatch(rf"`({_ID})`", first)
                if cell:
                    found.setdefault(cell.group(1), number)
            patterns = (
                rf"\*\*[^*`]*`({_ID})`\*\*",
                r"`([a-z][a-z0-9_]*\.[a-z0-9_]+)`",
                rf"[Rr]eported beside `({_ID})`",
                rf"^`({_ID})` is the ",
            )
            for pattern in patterns:
                for match in re.finditer(pattern, line):
                    found.setdefault(match.group(1), number)
    return found


def unsupported_ids() -> set[str]:
    ids = set()
    for line in UNSUPPORTED.read_text(encoding="utf-8").splitlines():
        cell = re.match(rf"^\|\s*`({_ID})`\s*\|", line)
        if cell:
            ids.add(cell.group(1))
    return ids


@pytest.fixture(scope="module")
def ref_ids() -> dict[str, int]:
    return reference_metric_ids(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def test_reference_copy_matches_the_shared_original() -> None:
    if not SHARED_REFERENCE.exists():
        pytest.skip("the shared reference is not next to this checkout (clean clone): the copy is used")
    assert REFERENCE.read_text(encoding="utf-8") == SHARED_REFERENCE.read_text(encoding="utf-8"), (
        f"docs/reference/kpi-definitions.md differs from {SHARED_REFERENCE}: copy the new version in"
    )


def test_parser_finds_metric_ids_and_not_field_names(ref_ids: dict[str, int]) -> None:
    for expected in ("service_level.genesys_cloud", "service_level.callboard", "abandon_rate.callboard",
                     "short_abandon_rate", "max_queued_s", "aht.genesys_thandle", "hold_rate", "avg_hold_held",
                     "iph", "iph.per_online_hour", "iph.per_paid_hour", "fcr.repeat_7d", "fcr.repeat_Wd",
                     "csat.top2box_5pt", "nps.standard", "ces.v2_mean_7pt", "ces.v2_low_effort_pct",
                     "occupancy.queueing", "utilization.staffed_over_paid", "adherence.callboard",
                     "conformance.worked_over_scheduled", "shrinkage.callboard", "shrinkage_apply.divide"):
        assert expected in ref_ids, f"the reference parser missed {expected}"
    for field in ("wait_s", "short_abandon_s", "survey_window", "hold_count", "handle_s", "offered",
                  "answered_only", "transferred_out", "available", "tHandle", "one_touch_percentage"):
        assert field not in ref_ids, f"{field} is a field or parameter name, not a metric ID"
    assert ref_ids["service_level.erlang_c_expected"] == 3
    assert ref_ids["shrinkage_apply.multiply"] == 11
    assert len(ref_ids) >= 80


def test_every_reference_metric_is_computed_or_documented(ref_ids: dict[str, int], catalog: Catalog) -> None:
    documented = unsupported_ids()
    missing = sorted(f"{i} (§{s})" for i, s in ref_ids.items() if i not in catalog.metrics and i not in documented)
    assert not missing, (
        "reference metric IDs neither in the catalog nor in docs/unsupported-metrics.md: " + ", ".join(missing)
    )


def test_unsupported_list_is_not_stale(ref_ids: dict[str, int], catalog: Catalog) -> None:
    documented = unsupported_ids()
    assert documented, "docs/unsupported-metrics.md lists no IDs (table rows `| `id` | § | reason |`)"
    now_supported = sorted(documented & set(catalog.metrics))
    assert not now_supported, f"in the catalog now, remove from docs/unsupported-metrics.md: {now_supported}"
    unknown = sorted(documented - set(ref_ids))
    assert not unknown, f"docs/unsupported-metrics.md lists IDs the reference does not name: {unknown}"


REQUIRED_ALIASES = {
    "offered": "offered", "handled": "handled", "answered": "answered", "abandoned": "abandoned",
    "abandon_rate": "abandon_rate.callboard", "aht_s": "aht.callboard", "avg_talk_s": "avg_talk",
    "avg_hold_s": "avg_hold_all", "avg_acw_s": "avg_acw", "asa_s": "asa.callboard",
    "service_level": "service_level.callboard", "fcr_rate": "fcr.repeat_7d", "resolved_rate": "fcr.agent_flagged",
    "csat_mean": "csat.mean", "csat_top2_rate": "csat.top2box_5pt", "csat_binary_rate": "csat.zendesk_binary",
    "nps": "nps.standard", "ces_mean": "ces.v2_mean_7pt", "transfer_rate": "transfer_rate", "hold_rate": "hold_rate",
}


@pytest.mark.parametrize(("name", "target"), sorted(REQUIRED_ALIASES.items()))
def test_required_short_names_resolve(name: str, target: str, catalog: Catalog) -> None:
    assert catalog.resolve(name).metric.id == target


def test_kpi_names_resolve_to_their_one_default(catalog: Catalog) -> None:
    for kpi, variants in catalog.kpis().items():
        defaults = [m.id for m in variants if m.default]
        assert len(defaults) <= 1, f"KPI {kpi} has several defaults: {defaults}"
        if defaults and kpi not in catalog.metrics and kpi not in catalog.aliases:
            assert catalog.find(kpi).id == defaults[0]


def _segments(data: list[tuple[int, int, int, int]]) -> Dataset:
    d = Dataset()
    for i, (agent, talk, hold, acw) in enumerate(data):
        d.contact(f"c{i}")
        d.segment(f"c{i}", f"a{agent}", talk_s=talk, hold_s=hold, hold_count=int(hold > 0), acw_s=acw)
    return d


def _components(d: Dataset, by: str = "") -> list[dict[str, object]]:
    store = DuckDBStore(":memory:")
    try:
        store.load(d.batch())
        service = KpiService(store=store, catalog=Catalog.load(), settings=Settings())
        result = service.query(metrics="avg_talk_s,avg_hold_s,avg_acw_s,aht_s", by=by)
        return [dict(r) for r in result.rows]
    finally:
        store.close()


def test_aht_is_the_sum_of_its_components() -> None:
    # a1: (100 + 20 + 30) and (200 + 0 + 40); a2: (50 + 40 + 10) -> overall 490 / 3
    rows = _components(_segments([(1, 100, 20, 30), (1, 200, 0, 40), (2, 50, 40, 10)]))
    (row,) = rows
    assert row["aht_s"] == pytest.approx(490 / 3)
    assert row["avg_talk_s"] + row["avg_hold_s"] + row["avg_acw_s"] == pytest.approx(row["aht_s"])


@given(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 3600), st.integers(0, 600), st.integers(0, 900)),
                min_size=1, max_size=12))
def test_aht_components_add_up_per_agent(data: list[tuple[int, int, int, int]]) -> None:
    for row in _components(_segments(data), by="agent"):
        assert row["avg_talk_s"] + row["avg_hold_s"] + row["avg_acw_s"] == pytest.approx(row["aht_s"], abs=1e-6)
