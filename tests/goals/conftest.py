from __future__ import annotations

from collections.abc import Iterator

import pytest

from callboard.runtime import Runtime
from tests.goals.goal_data import build


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = build(tmp_path_factory.mktemp("goals-data"))
    try:
        yield rt
    finally:
        rt.close()
