"""Benchmark: Amazon Connect contact records (JSON lines) parsed and loaded into a fresh DuckDB file.

`measure(records)` writes realistic CTRs (full-size records with Agent, Queue, endpoints, recordings,
attributes; 70% answered, 15% abandoned, 5% callbacks requested, 10% transferred in two legs) to a
temporary directory, then times `callboard ingest connect-ctr` end to end through the IngestService
(split, parse, chain join, build, identity mapping, one-transaction load). It also times DuckDB's own
`read_json` of the same file into a table (no mapping at all) as the baseline, twice: with the
auto-detected schema (every field, `duckdb_read_json_*`) and with only the fields the connector reads,
given explicitly (`duckdb_read_json_columns_*`, the fairer floor), and prints the ratios. CPU seconds
(process time, all threads) are reported next to wall seconds: on a shared machine they move less.
Target: >= 100,000 records/s on the 2-core machine.

    uv run python bench/ingest_connect.py --records 200000 --shape concatenated
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

INSTANCE = "arn:aws:connect:us-east-1:012345678901:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111"
QUEUES = ["Sales", "Support", "Billing", "Retention", "Technical"]


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _base(contact_id: str, method: str, start: dt.datetime, rng: random.Random, n: int) -> dict[str, object]:
    return {
        "AWSAccountId": "012345678901",
        "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "Agent": None,
        "AgentConnectionAttempts": 1,
        "Attributes": {"topic": rng.choice(["billing", "orders", "outage", "account"]), "language": "en-US",
                       "crm_id": f"CRM{n % 50_000:06d}"},
        "Channel": "VOICE",
        "ConnectedToSystemTimestamp": _iso(start),
        "ContactId": contact_id,
        "CustomerEndpoint": {"Address": f"+1555{n % 40_000:07d}", "Type": "TELEPHONE_NUMBER"},
        "DisconnectReason": "CUSTOMER_DISCONNECT",
        "InitialContactId": None,
        "InitiationMethod": method,
        "InitiationTimestamp": _iso(start),
        "InstanceARN": INSTANCE,
        "LastUpdateTimestamp": None,
        "MediaStreams": [{"Type": "AUDIO"}],
        "NextContactId": None,
        "PreviousContactId": None,
        "Queue": None,
        "Recording": None,
        "Recordings": None,
        "SystemEndpoint": {"Address": "+18005550100", "Type": "TELEPHONE_NUMBER"},
        "TransferCompletedTimestamp": None,
        "TransferredToEndpoint": None,
    }


def _queue(name: str, enq: dt.datetime, wait_s: int) -> dict[str, object]:
    return {"ARN": f"{INSTANCE}/queue/{name.lower()}-0000", "Name": name, "EnqueueTimestamp": _iso(enq),
            "DequeueTimestamp": _iso(enq + dt.timedelta(seconds=wait_s)), "Duration": wait_s}


def _agent(n: int, connected: dt.datetime, talk: int, hold: int, acw: int, holds: int) -> dict[str, object]:
    end = connected + dt.timedelta(seconds=talk + hold)
    return {
        "ARN": f"{INSTANCE}/agent/agent-{n % 300:04d}",
        "AfterContactWorkDuration": acw,
        "AfterContactWorkStartTimestamp": _iso(end),
        "AfterContactWorkEndTimestamp": _iso(end + dt.timedelta(seconds=acw)),
        "AgentInteractionDuration": talk,
        "ConnectedToAgentTimestamp": _iso(connected),
        "CustomerHoldDuration": hold,
        "HierarchyGroups": None,
        "LongestHoldDuration": hold,
        "NumberOfHolds": holds,
        "RoutingProfile": {"ARN": f"{INSTANCE}/routing-profile/basic", "Name": "Basic Routing Profile"},
        "Username": f"agent{n % 300:04d}",
    }


def make_records(count: int, seed: int = 7) -> list[dict[str, object]]:
    """`count` contact records (a transferred contact contributes two), in export order."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 5, 6, 8, 0, 0)
    out: list[dict[str, object]] = []
    n = 0
    while len(out) < count:
        n += 1
        t0 = start + dt.timedelta(seconds=n * 2)
        wait = rng.randint(0, 90)
        rec = _base(f"c-{n:09d}", "INBOUND", t0, rng, n)
        queue = rng.choice(QUEUES)
        rec["Queue"] = _queue(queue, t0 + dt.timedelta(seconds=20), wait)
        roll = rng.random()
        connected = t0 + dt.timedelta(seconds=20 + wait)
        talk, hold, acw, holds = rng.randint(30, 900), rng.choice([0, 0, 0, 15, 40]), rng.randint(0, 120), 0
        holds = 1 if hold else 0
        if roll < 0.70 or roll >= 0.90:
            rec["Agent"] = _agent(n, connected, talk, hold, acw, holds)
            rec["DisconnectTimestamp"] = _iso(connected + dt.timedelta(seconds=talk + hold))
        else:
            rec["DisconnectTimestamp"] = _iso(connected)
            if roll >= 0.85:
                rec["NextContactId"] = f"cb-{n:09d}"
                rec["DisconnectReason"] = "CONTACT_FLOW_DISCONNECT"
        rec["LastUpdateTimestamp"] = _iso(connected + dt.timedelta(seconds=talk + hold + acw + 5))
        out.append(rec)
        if roll >= 0.90:  # transferred to a second queue and agent
            rec["NextContactId"] = f"t-{n:09d}"
            t1 = connected + dt.timedelta(seconds=talk + hold)
            leg = _base(f"t-{n:09d}", "TRANSFER", t1, rng, n)
            leg.update(InitialContactId=rec["ContactId"], PreviousContactId=rec["ContactId"],
                       CustomerEndpoint=rec["CustomerEndpoint"], Attributes=rec["Attributes"])
            w2 = rng.randint(0, 60)
            leg["Queue"] = _queue("Technical", t1, w2)
            c2 = t1 + dt.timedelta(seconds=w2)
            leg["Agent"] = _agent(n + 7, c2, 200, 0, 30, 0)
            leg["DisconnectTimestamp"] = _iso(c2 + dt.timedelta(seconds=200))
            leg["LastUpdateTimestamp"] = _iso(c2 + dt.timedelta(seconds=240))
            out.append(leg)
    return out[:count]


def write_json_lines(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records), encoding="utf-8")
    return path


def write_concatenated(path: Path, records: list[dict[str, object]]) -> Path:
    """Objects back to back with no separator, as Kinesis Data Firehose writes CTRs to S3."""
    path.write_text("".join(json.dumps(r, separators=(",", ":")) for r in records), encoding="utf-8")
    return path


# the fields connect-ctr reads (connect_ctr_parse._STRUCTURE), as read_json columns
_COLUMNS = """{ContactId: 'VARCHAR', InitialContactId: 'VARCHAR', PreviousContactId: 'VARCHAR',
  NextContactId: 'VARCHAR', Channel: 'VARCHAR', InitiationMethod: 'VARCHAR', InitiationTimestamp: 'VARCHAR',
  DisconnectTimestamp: 'VARCHAR', DisconnectReason: 'VARCHAR', LastUpdateTimestamp: 'VARCHAR',
  TransferCompletedTimestamp: 'VARCHAR', TransferredToEndpoint: 'JSON', CustomerEndpoint: 'STRUCT(Address VARCHAR)',
  Queue: 'STRUCT(ARN VARCHAR, Name VARCHAR, EnqueueTimestamp VARCHAR, DequeueTimestamp VARCHAR, Duration VARCHAR)',
  Agent: 'STRUCT(ARN VARCHAR, ConnectedToAgentTimestamp VARCHAR, AgentInteractionDuration VARCHAR,
    CustomerHoldDuration VARCHAR, NumberOfHolds VARCHAR, AfterContactWorkDuration VARCHAR,
    AfterContactWorkStartTimestamp VARCHAR, AfterContactWorkEndTimestamp VARCHAR)',
  Attributes: 'MAP(VARCHAR, VARCHAR)'}"""


def _timed(run: object) -> tuple[float, float, object]:
    """(wall s, CPU s of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure(records: int = 200_000, shape: str = "lines", file: Path | None = None) -> dict[str, float]:
    import duckdb

    from callboard.core.settings import load_settings
    from callboard.runtime import build_runtime

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if file is None:
            write = write_concatenated if shape == "concatenated" else write_json_lines
            path = write(root / ("ctr.json" if shape == "concatenated" else "ctr.jsonl"), make_records(records))
        else:
            path = file
        size_mb = path.stat().st_size / 1e6
        import callboard.ingest.connectors.connect_ctr  # noqa: F401 - imports are not part of the measurement
        import pandas  # noqa: F401 - DuckDB's fetchdf imports it on first use
        import pyarrow.compute  # noqa: F401

        runtime = build_runtime(load_settings(root / "data"))
        runtime.ingest  # noqa: B018 - the ingest service's imports (polars, the CSV connector) are one-off too
        try:
            ours_s, ours_cpu, reports = _timed(lambda: runtime.ingest.ingest("connect-ctr", [path]))
            report = reports[0]  # type: ignore[index]
        finally:
            runtime.close()
        fmt = "auto" if shape == "concatenated" else "newline_delimited"
        con = duckdb.connect(str(root / "baseline.duckdb"))
        base_s, base_cpu, _ = _timed(lambda: con.execute(
            f"CREATE TABLE raw AS SELECT * FROM read_json('{path}', format='{fmt}')"))
        cols_s, cols_cpu, _ = _timed(lambda: con.execute(
            f"CREATE TABLE raw_columns AS SELECT * FROM read_json('{path}', format='{fmt}', records=true, "
            f"columns={_COLUMNS})"))
        con.close()
    count = report.rows_read  # type: ignore[attr-defined]
    return {
        "records": float(count),
        "file_mb": round(size_mb, 1),
        "contacts_loaded": float(report.loaded),  # type: ignore[attr-defined]
        "rejected": float(report.rejected),  # type: ignore[attr-defined]
        "connect_ctr_seconds": round(ours_s, 3),
        "connect_ctr_cpu_seconds": round(ours_cpu, 3),
        "connect_ctr_records_per_s": round(count / ours_s),
        "duckdb_read_json_seconds": round(base_s, 3),
        "duckdb_read_json_cpu_seconds": round(base_cpu, 3),
        "ratio_to_duckdb_read_json": round(ours_s / base_s, 2),
        "duckdb_read_json_columns_seconds": round(cols_s, 3),
        "duckdb_read_json_columns_cpu_seconds": round(cols_cpu, 3),
        "ratio_to_duckdb_read_json_columns": round(ours_s / cols_s, 2),
        "cpu_ratio_to_duckdb_read_json_columns": round(ours_cpu / cols_cpu, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Time connect-ctr against DuckDB's read_json on the same file.")
    parser.add_argument("records", nargs="?", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--records", dest="count", type=int, default=200_000, help="CTRs to generate (200000)")
    parser.add_argument("--shape", choices=["lines", "concatenated"], default="lines",
                        help="JSON lines, or objects back to back as Firehose writes them")
    parser.add_argument("--file", type=Path, help="time an existing export instead of generating one")
    args = parser.parse_args()
    print(json.dumps(measure(args.records or args.count, args.shape, args.file)))


if __name__ == "__main__":
    main()
