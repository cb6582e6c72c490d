"""Local times in the file's zone: the autumn fold takes the earlier instant and is counted; the spring gap
moves forward (as core.timeutil.localise)."""

from __future__ import annotations

import datetime as dt

from tests.ingest.ingest_csv_helpers import FIXTURES, query


def test_ambiguous_time_takes_the_earlier_instant_and_is_counted(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    [report] = runtime.ingest.ingest_csv([FIXTURES / "dst_london.csv"], mapping=FIXTURES / "dst_london.yaml")
    assert (report.loaded, report.rejected, report.dst_ambiguous) == (4, 0, 1)
    assert "ambiguous DST times 1" in report.summary()
    arrived = {r["contact_id"]: r["arrived_at"] for r in query(runtime, "SELECT contact_id, arrived_at FROM contacts")}
    assert arrived == {
        "L-1": dt.datetime(2025, 10, 25, 23, 30),  # 00:30 BST (UTC+1)
        "L-2": dt.datetime(2025, 10, 26, 0, 30),  # 01:30 happens twice: the first (BST) is 00:30 UTC
        "L-3": dt.datetime(2025, 10, 26, 2, 30),  # 02:30 GMT
        "L-4": dt.datetime(2025, 3, 30, 1, 30),  # 01:30 does not exist on 30 March: read as 02:30 BST
    }
    [batch] = query(runtime, "SELECT source, dst_ambiguous FROM load_batches")
    assert batch == {"source": "pbx_london", "dst_ambiguous": 1}


def test_interval_rows_in_the_fold_keep_both_hours(runtime_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "fold.csv"
    data.write_text(
        "Interval Start,Queue,Offered,Answered,Abandoned\n"
        "2025-10-26 01:00,Sales,5,5,0\n"
        "2025-10-26 01:30,Sales,6,6,0\n"
        "2025-10-26 01:00,Sales,7,7,0\n"  # the second 01:00, one hour later (GMT)
        "2025-10-26 01:30,Sales,8,8,0\n"
    )
    runtime = runtime_factory(time_zone="Europe/London")
    [report] = runtime.ingest.ingest_csv([data], mapping=None)
    assert (report.loaded, report.duplicates, report.dst_ambiguous) == (4, 0, 4)
    rows = query(runtime, "SELECT interval_start, offered FROM interval_stats ORDER BY interval_start")
    assert [(r["interval_start"].strftime("%H:%M"), r["offered"]) for r in rows] == [
        ("00:00", 5), ("00:30", 6), ("01:00", 7), ("01:30", 8)
    ]
