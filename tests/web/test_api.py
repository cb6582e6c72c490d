"""The JSON API over real HTTP: same numbers as KpiService and `callboard kpi --format json`, one error shape."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from typing import Any

import httpx
import pytest

from callboard.web.api.kpi import result_json
from tests.web.web_live import LiveServer

TILE_METRICS = "offered,answered,service_level,abandon_rate,asa_s,aht_s,fcr_rate,csat_top2_rate,transfer_rate,nps"


def service_json(server: LiveServer, **kwargs: Any) -> dict[str, Any]:
    """What the service answers in-process (under the app's engine lock), shaped like the API."""
    with server.context.engine():
        return result_json(server.runtime.kpi.query(**kwargs))


def run_cli(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("CALLBOARD_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "callboard.cli.main", *args, "--data-dir", str(server.cli_data_dir)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "hint"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def test_kpi_same_as_service(live_server: LiveServer, client: httpx.Client) -> None:
    params = {"metrics": "offered,service_level,aht_s,nps", "by": "queue,day", "from": "2026-02-20",
              "to": "2026-03-01", "where": "channel=voice"}
    response = client.get("/api/v1/kpi", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    expected = service_json(live_server, metrics="offered,service_level,aht_s,nps", by="queue,day",
                            from_date="2026-02-20", to_date="2026-03-01", where={"channel": ["voice"]})
    assert body == expected
    assert body["dimensions"] == ["queue", "day"]
    assert (body["from"], body["to"], body["time_zone"]) == ("2026-02-20", "2026-03-01", "UTC")
    assert {row["queue"] for row in body["rows"]} == {"Billing", "Sales"}  # the voice queues
    assert len(body["rows"]) == 2 * 10
    sl = next(m for m in body["metrics"] if m["requested"] == "service_level")
    assert sl["resolved"].startswith("service_level.callboard(") and sl["unit"] == "ratio"
    assert set(sl) == {"requested", "resolved", "title", "unit", "better", "formula"}


def test_kpi_same_as_cli_json(live_server: LiveServer, client: httpx.Client) -> None:
    args = ["--metrics", TILE_METRICS, "--by", "team", "--from", "2026-02-09", "--to", "2026-03-08",
            "--where", "queue=Billing,Support"]
    done = run_cli(live_server, "kpi", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    cli_rows = json.loads(done.stdout)
    api = client.get("/api/v1/kpi", params={"metrics": TILE_METRICS, "by": "team", "from": "2026-02-09",
                                            "to": "2026-03-08", "where": "queue=Billing,Support"}).json()
    assert api["rows"] == cli_rows
    assert len(cli_rows) == 4  # three teams and the abandoned contacts' (none)


def test_kpi_csv_same_numbers_as_json(client: httpx.Client) -> None:
    params = {"metrics": "offered,aht_s,csat_top2_rate", "by": "team", "where": "channel=voice"}
    response = client.get("/api/v1/kpi.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "kpi.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    json_rows = client.get("/api/v1/kpi", params=params).json()["rows"]
    assert [r["team"] for r in rows] == [r["team"] or "" for r in json_rows]
    for csv_row, json_row in zip(rows, json_rows, strict=True):
        assert int(csv_row["offered"]) == json_row["offered"]
        for name in ("aht_s", "csat_top2_rate"):
            assert (float(csv_row[name]) if csv_row[name] else None) == json_row[name]


def test_where_syntax(client: httpx.Client) -> None:
    def rows(*where: str) -> list[dict[str, Any]]:
        response = client.get("/api/v1/kpi", params=[("metrics", "offered"), ("by", "queue"),
                                                      *(("where", w) for w in where)])
        assert response.status_code == 200, response.text
        return response.json()["rows"]  # type: ignore[no-any-return]

    everything = {r["queue"]: r["offered"] for r in rows()}
    assert rows("queue=Billing") == rows("queue:Billing") == [{"queue": "Billing", "offered": everything["Billing"]}]
    two = rows("queue=Billing,Sales")
    assert {r["queue"] for r in two} == {"Billing", "Sales"}
    assert rows("queue=Billing", "queue=Sales") == two
    assert rows("queue=Billing", "channel=chat") == []  # dimensions are ANDed
    error = assert_error(client.get("/api/v1/kpi", params={"metrics": "offered", "where": "Billing"}), 422,
                         "invalid_input")
    assert "DIMENSION=VALUE" in error["message"]


def test_unknown_metric_is_404_with_valid_names(client: httpx.Client) -> None:
    error = assert_error(client.get("/api/v1/kpi", params={"metrics": "offered,sla"}), 404, "not_found")
    assert "'sla'" in error["message"]
    assert error["hint"].startswith("valid metrics: ") and "aht_s" in error["hint"] and "abandon_rate" in error["hint"]
    explain = assert_error(client.get("/api/v1/metrics/sla"), 404, "not_found")
    assert explain["hint"] == error["hint"]


def test_bad_inputs_are_422(client: httpx.Client) -> None:
    error = assert_error(client.get("/api/v1/kpi", params={"metrics": "offered", "from": "2026-02-30"}), 422,
                         "invalid_input")
    assert "from" in error["message"] and "YYYY-MM-DD" in error["hint"]
    swapped = assert_error(client.get("/api/v1/kpi", params={"metrics": "offered", "from": "2026-03-02",
                                                             "to": "2026-03-01"}), 422, "invalid_input")
    assert "before" in swapped["message"]
    assert_error(client.get("/api/v1/kpi"), 422, "invalid_input")  # metrics missing
    param = assert_error(client.get("/api/v1/kpi", params={"metrics": "service_level(threshold=30)"}), 422,
                         "invalid_input")
    assert "threshold_s" in param["hint"]
    assert_error(client.get("/api/v1/kpi.csv", params={"metrics": "offered", "to": "yesterday"}), 422,
                 "invalid_input")


def test_unknown_dimension_and_route(client: httpx.Client) -> None:
    error = assert_error(client.get("/api/v1/kpi", params={"metrics": "offered", "by": "queues"}), 404, "not_found")
    assert "queue" in error["hint"]
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_parameterised_metric(live_server: LiveServer, client: httpx.Client) -> None:
    body = client.get("/api/v1/kpi", params={"metrics": "service_level(threshold_s=60),service_level"}).json()
    strict = body["metrics"][0]
    assert strict["resolved"].startswith("service_level.callboard(threshold_s=60")
    row = body["rows"][0]
    assert row["service_level(threshold_s=60)"] >= row["service_level"]
    assert body == service_json(live_server, metrics="service_level(threshold_s=60),service_level")


def test_metrics_catalog(live_server: LiveServer, client: httpx.Client) -> None:
    body = client.get("/api/v1/metrics").json()
    ids = [m["id"] for m in body["metrics"]]
    assert set(ids) == set(live_server.runtime.catalog.metrics)
    assert body["aliases"]["aht_s"] == "aht.callboard"
    aht = next(m for m in body["metrics"] if m["id"] == "aht.callboard")
    assert aht["aliases"] == ["aht_s"] and aht["formula"] == "handle_ms / handle_known / 1000" and aht["default"]
    sl = client.get("/api/v1/metrics", params={"kpi": "service_level"}).json()["metrics"]
    assert sl and {m["kpi"] for m in sl} == {"service_level"} and sl[0]["default"]
    assert "threshold_s" in sl[0]["params"]


def test_metric_explain_has_sql(client: httpx.Client) -> None:
    body = client.get("/api/v1/metrics/service_level(threshold_s=30)").json()
    assert body["id"] == "service_level.callboard"
    assert body["params"]["threshold_s"] == 30
    assert "SELECT" in body["sql"].upper()
    assert body["measures"]
    assert client.get("/api/v1/metrics/aht_s").json()["id"] == "aht.callboard"


def test_data_range_and_dimension_values(client: httpx.Client) -> None:
    assert client.get("/api/v1/data-range").json() == {"first_day": "2026-01-05", "last_day": "2026-03-08",
                                                       "days_with_data": 63, "time_zone": "UTC"}
    queues = client.get("/api/v1/dimensions/queue/values").json()
    assert queues == {"dimension": "queue", "values": ["Billing", "Sales", "Support", "Tech"]}
    voice = client.get("/api/v1/dimensions/queue/values", params={"where": "channel=voice"}).json()["values"]
    assert voice == ["Billing", "Sales"]
    teams = client.get("/api/v1/dimensions/team/values").json()["values"]
    assert teams == ["Team Aurora", "Team Borealis", "Team Cirrus"]
    assert_error(client.get("/api/v1/dimensions/week/values"), 422, "invalid_input")


def test_health(live_server: LiveServer, client: httpx.Client) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["engine"] == "duckdb"
    assert body["data_dir"] == str(live_server.runtime.settings.data_dir)


def test_openapi_and_offline_docs(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/kpi", "/api/v1/kpi.csv", "/api/v1/metrics", "/api/v1/metrics/{name}"):
        assert path in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    for path in spec["paths"]:
        assert path in docs.text
    # nothing loads from elsewhere (the page's random CSRF token may spell "cdn": only addresses are checked)
    addresses = re.findall(r'(?:src|href)="([^"]*)"', docs.text)
    assert addresses and not [a for a in addresses if "cdn" in a.lower() or "//" in a]
    assert "http://" not in docs.text and "https://" not in docs.text


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_pages_load_only_local_assets(client: httpx.Client, path: str) -> None:
    html = client.get(path).text
    assert "https://" not in html and "http://" not in html
    for asset in ("/static/callboard.css",):
        assert asset in html and client.get(asset).status_code == 200


def test_plotly_served_from_the_wheel(client: httpx.Client) -> None:
    import plotly

    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert len(response.content) > 1_000_000
    assert plotly.__file__ and b"plotly" in response.content[:2000].lower()
