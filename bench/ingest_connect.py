"""Benchmark: Amazon Connect contact records (JSON lines) parsed and loaded into a fresh DuckDB file.

`measure(records)` writes realistic CTRs (full-size records with Agent, Queue, endpoints, recordings,
attributes; 70% answered, 15% abandoned, 5% callbacks requested, 10% transferred in two legs) to a
temporary directory, then times `callboard ingest connect-ctr` end to end through the IngestService
(split, parse, chain join, build, identity mapping, one-transaction load). It also times DuckDB's own
`read_json` of the same file into a table (no mapping at all) as the baseline, and prints the ratio.
Target: >= 100,000 records/s on the 2-core machine.
"""

from __future__ import annotations

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


def measure(records: int = 200_000) -> dict[str, float]:
    import duckdb

    from callboard.core.settings import load_settings
    from callboard.runtime import build_runtime

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = write_json_lines(root / "ctr.jsonl", make_records(records))
        size_mb = path.stat().st_size / 1e6
        import callboard.ingest.connectors.connect_ctr  # noqa: F401 - imports are not part of the measurement
        import pandas  # noqa: F401 - DuckDB's fetchdf imports it on first use
        import pyarrow.compute  # noqa: F401

        runtime = build_runtime(load_settings(root / "data"))
        try:
            t0 = time.perf_counter()
            report = runtime.ingest.ingest("connect-ctr", [path])[0]
            ours_s = time.perf_counter() - t0
        finally:
            runtime.close()
        con = duckdb.connect(str(root / "baseline.duckdb"))
        t0 = time.perf_counter()
        con.execute(f"CREATE TABLE raw AS SELECT * FROM read_json('{path}', format='newline_delimited')")
        base_s = time.perf_counter() - t0
        con.close()
    return {
        "records": float(records),
        "file_mb": round(size_mb, 1),
        "contacts_loaded": float(report.loaded),
        "rejected": float(report.rejected),
        "connect_ctr_seconds": round(ours_s, 3),
        "connect_ctr_records_per_s": round(records / ours_s),
        "duckdb_read_json_seconds": round(base_s, 3),
        "ratio_to_duckdb_read_json": round(ours_s / base_s, 2),
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    print(json.dumps(measure(count)))
