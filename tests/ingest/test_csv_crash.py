"""A load killed with SIGKILL leaves the store as it was (one transaction per file); a rerun loads it all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from callboard.core.settings import load_settings
from callboard.runtime import build_runtime
from tests.ingest.ingest_csv_helpers import FIXTURES, counts

ROWS = 300_000
TABLES = ["contacts", "queue_entries", "agent_segments", "load_batches", "quarantine"]
MAPPING = """\
source: bigpbx
kind: contacts
fields:
  contact_id: Call ID
  arrived_at: {column: Start Time, format: "%Y-%m-%d %H:%M:%S"}
  queue_id: Queue
  agent_id: Agent
  wait_ms: {column: Wait Time, format: seconds}
  talk_ms: {column: Talk Time, format: seconds}
"""


def _big_file(path: Path) -> None:
    i = pl.col("i")
    pl.DataFrame({"i": pl.int_range(0, ROWS, eager=True)}).select(
        ("K" + i.cast(pl.Utf8)).alias("Call ID"),
        (pl.datetime(2025, 1, 1) + pl.duration(seconds=i * 7)).dt.strftime("%Y-%m-%d %H:%M:%S").alias("Start Time"),
        pl.when(i % 3 == 0).then(pl.lit("Sales")).otherwise(pl.lit("Support")).alias("Queue"),
        ("agent" + (i % 97).cast(pl.Utf8)).alias("Agent"),
        (i % 300).alias("Wait Time"),
        (i % 900 + 30).alias("Talk Time"),
    ).write_csv(path)


def _command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("callboard")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "callboard.cli.main", *args]


def test_sigkill_mid_load_changes_nothing_and_a_rerun_loads_everything(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    big = tmp_path / "big.csv"
    _big_file(big)
    assert big.stat().st_size > 8 << 20  # large enough for the CLI's "writing to the store" line
    mapping = tmp_path / "big.yaml"
    mapping.write_text(MAPPING)

    runtime = build_runtime(load_settings(data_dir))
    try:
        runtime.ingest.ingest_csv([FIXTURES / "dst_london.csv"], mapping=FIXTURES / "dst_london.yaml")
        before = counts(runtime, TABLES)
    finally:
        runtime.close()
    assert before["contacts"] == 4

    proc = subprocess.Popen(
        _command("ingest", "csv", str(big), "--mapping", str(mapping), "--data-dir", str(data_dir)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # parsing is done; the store transaction starts now
            if "writing to the store" in line:
                break
        time.sleep(0.05)  # inside the store transaction, well before its commit
        if proc.poll() is not None:
            pytest.skip("the load finished before it could be killed (a very fast machine)")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    runtime = build_runtime(load_settings(data_dir))
    try:
        assert counts(runtime, TABLES) == before
        [report] = runtime.ingest.ingest_csv([big], mapping=mapping)
        assert (report.rows_read, report.loaded, report.rejected) == (ROWS, ROWS, 0)
        after = counts(runtime, TABLES)
    finally:
        runtime.close()
    assert after["contacts"] == before["contacts"] + ROWS
    assert after["agent_segments"] == before["agent_segments"] + ROWS
    assert after["load_batches"] == before["load_batches"] + 1
