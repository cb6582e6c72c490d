"""Value parsers and the mapping model, with hand-checked numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from callboard.core.errors import InvalidInput
from callboard.ingest import values as V
from callboard.ingest.mapping import load_mapping, mapping_from_dict, save_mapping


def s(*items: str | None) -> pl.Series:
    return V.clean(pl.Series(list(items), dtype=pl.Utf8))


def test_clock_durations() -> None:
    raw = s("26:15:00", "0:04:19", "4:19", "0:00:00.250", "", "0", "1:75:00", "x", "-0:05:00")
    parsed = V.parse_duration(raw, "hms")
    # 26:15:00 = 26 h 15 min = 94500 s; 4:19 alone is M:SS; blank is null, not an error
    assert parsed.values.to_list() == [94_500_000, 259_000, 259_000, 250, None, 0, None, None, None]
    assert parsed.bad.to_list() == [False, False, False, False, False, False, True, True, True]
    assert V.parse_duration(s("1:30"), "hm").values.to_list() == [5_400_000]  # H:MM


def test_number_durations_and_decimal_commas() -> None:
    assert V.parse_duration(s("12,5", "1.234,5"), "seconds", decimal=",", thousands=".").values.to_list() == [
        12_500, 1_234_500
    ]
    assert V.parse_duration(s("1.5"), "minutes").values.to_list() == [90_000]
    # Excel time fractions: 0.00299768518518519 d x 86 400 000 ms = 258 999.99... -> 259 000 ms
    assert V.parse_duration(s("0.00299768518518519", "1.09375"), "days").values.to_list() == [259_000, 94_500_000]


def test_percentages() -> None:
    assert V.parse_percent(s("94.01%", "100 %", "0%"), "percent").values.to_list() == pytest.approx([0.9401, 1.0, 0.0])
    assert V.parse_percent(s("94,01%", "94,01"), "percent", decimal=",").values.to_list() == pytest.approx(
        [0.9401, 0.9401]
    )
    assert V.parse_percent(s("0.9401", "94.01%"), "fraction").values.to_list() == pytest.approx([0.9401, 0.9401])
    assert V.parse_percent(s("101%", "n/a"), "percent").bad.to_list() == [True, True]


def test_booleans() -> None:
    parsed = V.parse_bool(s("Y", "n", "yes", "No", "TRUE", "0", "", "maybe"), ["y", "yes", "true", "1"],
                          ["n", "no", "false", "0"])
    assert parsed.values.to_list() == [True, False, True, False, True, False, None, None]
    assert parsed.bad.to_list() == [False] * 7 + [True]


def test_excel_serials_in_both_epochs() -> None:
    values, bad, local = V.parse_datetime_column(s("45292.375", "45292,375"), ["excel"], epoch="1900", decimal=",",
                                                 thousands=None)
    # serial 45292 = 2024-01-01 in the 1900 system; 0.375 d = 9 h (a decimal comma file may still hold '.')
    assert values.to_list() == [dt.datetime(2024, 1, 1, 9, 0)] * 2
    assert not bad.any()
    v1904, _, _ = V.parse_datetime_column(s("45292.375"), ["excel"], epoch="1904", decimal=".", thousands=None)
    assert v1904.to_list() == [dt.datetime(2024, 1, 1, 9, 0) + dt.timedelta(days=1462)]
    assert local.to_list()[1] is True


def test_dates_are_validated_not_rolled_over() -> None:
    values, bad, _ = V.parse_datetime_column(s("2026-02-30 10:00:00", "2026-02-28 10:00:00"),
                                             ["%Y-%m-%d %H:%M:%S"], epoch="1900", decimal=".", thousands=None)
    assert values.to_list() == [None, dt.datetime(2026, 2, 28, 10)]
    assert bad.to_list() == [True, False]


def test_offsets_are_instants() -> None:
    values, _, local = V.parse_datetime_column(s("2024-01-01T09:00:00+01:00", "2024-01-01T09:00:00Z",
                                                 "2024-01-01 09:00"), ["iso"], epoch="1900", decimal=".",
                                               thousands=None)
    assert values.to_list() == [dt.datetime(2024, 1, 1, 8), dt.datetime(2024, 1, 1, 9), dt.datetime(2024, 1, 1, 9)]
    assert local.to_list() == [False, False, True]


def test_to_utc_flags_the_fold() -> None:
    local = pl.Series([dt.datetime(2025, 10, 26, 1, 30), dt.datetime(2025, 7, 1, 12, 0), None])
    result = V.to_utc(local, "Europe/London")
    assert result.utc.to_list() == [dt.datetime(2025, 10, 26, 0, 30), dt.datetime(2025, 7, 1, 11, 0), None]
    assert result.ambiguous.to_list() == [True, False, False]
    assert result.utc_late.to_list()[0] == dt.datetime(2025, 10, 26, 1, 30)


def test_channel_words_and_overrides() -> None:
    parsed = V.parse_enum(s("Voice", "Phone", "Web Chat", "E-mail", "WhatsApp", "Fax"), "channel")
    assert parsed.values.to_list() == ["voice", "voice", "chat", "email", "messaging", None]
    assert parsed.bad.to_list()[-1] is True
    assert V.parse_enum(s("Fax"), "channel", {"fax": "email"}).values.to_list() == ["email"]
    assert V.parse_enum(s("EXITWITHTIMEOUT", "ABANDON"), "outcome").values.to_list() == ["flowed_out", "abandoned"]


def test_mapping_shorthand_and_round_trip(tmp_path: Path) -> None:
    mapping = mapping_from_dict({
        "source": "pbx", "file": {"delimiter": ";", "time_zone": "Europe/Berlin"},
        "fields": {"arrived_at": {"date": "Datum", "time": "Zeit", "date_format": "%d.%m.%Y"},
                   "agent_id": "Agent", "channel": {"constant": "chat"}, "csat": {"column": "CSAT", "scale": [1, 5]}},
    })
    assert mapping.fields["agent_id"].column == "Agent"
    out = save_mapping(mapping, tmp_path / "m.yaml")
    assert load_mapping(out) == mapping


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"fields": {"talk_ms": "Talk"}}, "needs the field arrived_at"),
        ({"fields": {"arrived_at": {"column": "A", "constant": "x"}}}, "exactly one of column"),
        ({"fields": {"arrived_at": "A", "wait_ms": {"column": "W", "format": "hours and minutes"}}}, "duration format"),
        ({"file": {"delimiter": ";;"}, "fields": {"arrived_at": "A"}}, "file.delimiter"),
        ({"kind": "intervals", "fields": {"interval_start": "I"}}, "at least one of offered"),
    ],
)
def test_mapping_errors_name_the_key(data: dict, words: str) -> None:
    with pytest.raises(InvalidInput, match=words.replace("(", r"\(")):
        mapping_from_dict(data)


def test_mapping_yaml_errors_carry_the_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("fields:\n  arrived_at: [unclosed\n")
    with pytest.raises(InvalidInput, match=r"m.yaml:\d+ is not valid YAML"):
        load_mapping(path)


def test_unknown_time_zone_names_the_key() -> None:
    with pytest.raises(InvalidInput, match="file.time_zone: unknown time zone 'Mars/Olympus'"):
        mapping_from_dict({"file": {"time_zone": "Mars/Olympus"}, "fields": {"arrived_at": "Start"}})
