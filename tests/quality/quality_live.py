"""A live server on the quality test data (quality_data.build) with a published form, shared by the web tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from callboard.runtime import Runtime
from tests.quality.quality_data import FORM, PASSWORD, build
from tests.web.web_live import serving, sign_in


@dataclass
class QualityServer:
    url: str
    runtime: Runtime
    form_id: int

    def client(self, username: str) -> httpx.Client:
        return sign_in(httpx.Client(base_url=self.url, timeout=120), username, PASSWORD)


@pytest.fixture(scope="module")
def quality_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QualityServer]:
    runtime = build(tmp_path_factory.mktemp("quality-web"))
    qa = runtime.users.viewer("qa")
    form_id = runtime.quality.create_form(qa, FORM)
    runtime.quality.publish_form(qa, form_id)
    with serving(runtime) as url:
        yield QualityServer(url, runtime, form_id)
