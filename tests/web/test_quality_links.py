"""The Quality home page links every quality page the signed-in role may open, and none it may not (the audit
found sampling, calibration and reports reachable only by typing the URL). One server per role set (the access
matrix's fixture)."""

from __future__ import annotations

import re

import pytest

from callboard.core.viewer import ROLES
from tests.web.test_access_matrix import Matrix, matrix  # noqa: F401  (the module-scoped server fixture)

QUALITY_PAGES = ("/quality/sampling", "/quality/calibration", "/quality/reports", "/quality/forms",
                 "/quality/exemplars")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "planner"])
def test_quality_home_links_the_pages_the_role_may_open(matrix: Matrix, role: str) -> None:  # noqa: F811
    client = matrix.clients[role]
    home = client.get("/quality")
    assert home.status_code == 200, home.text[:200]
    linked = set(re.findall(r'href="(/quality/[a-z]+)"', home.text))
    for page in QUALITY_PAGES:
        status = client.get(page).status_code
        assert status in (200, 403), (page, status)
        assert (page in linked) == (status == 200), f"{role}: {page} gives {status}, linked: {page in linked}"
    if role in ("qa_analyst", "admin"):
        assert {"/quality/sampling", "/quality/calibration", "/quality/reports"} <= linked
    if role in ("supervisor", "manager"):
        assert "/quality/reports" in linked and "/quality/calibration" not in linked
