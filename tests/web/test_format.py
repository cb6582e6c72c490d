"""The page formatter: one rule per unit, null as a dash."""

from __future__ import annotations

import pytest

from callboard.web.format import DASH, format_duration, format_value


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (None, "ratio", DASH),
        (float("nan"), "seconds", DASH),
        (0.8123, "ratio", "81.2%"),
        (1.0, "ratio", "100.0%"),
        (0, "ratio", "0.0%"),
        (245.4, "seconds", "4:05"),  # 4 min 5.4 s rounds to 4:05
        (12.0, "seconds", "0:12"),
        (59.6, "seconds", "1:00"),
        (3725, "seconds", "1:02:05"),
        (13.21, "points", "+13"),
        (-7.6, "points", "-8"),
        (0.3, "points", "0"),
        (-0.4, "points", "0"),
        (1166, "count", "1,166"),
        (4.2149, "score", "4.21"),
        (12.345, "per_hour", "12.3/h"),
        ("Billing", "count", "Billing"),
    ],
)
def test_format_value(value: object, unit: str, expected: str) -> None:
    assert format_value(value, unit) == expected


def test_negative_duration() -> None:
    assert format_duration(-65) == "-1:05"
    assert format_duration(-0.2) == "0:00"
