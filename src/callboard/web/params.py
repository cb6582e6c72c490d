"""Query-string parsing shared by the API and the pages: dates, the `where` filter, lists."""

from __future__ import annotations

import datetime as dt

from callboard.core.errors import InvalidInput

WHERE_HINT = "write where=DIMENSION=VALUE[,VALUE], e.g. where=queue=Billing (repeat for more dimensions)"


def parse_where(items: list[str] | None) -> dict[str, list[str]]:
    """Repeated `where=DIM=VALUE[,VALUE]` (also `DIM:VALUE`) -> {dim: [values]}; same dimension repeated adds values."""
    where: dict[str, list[str]] = {}
    for item in items or []:
        cut = min((i for i in (item.find("="), item.find(":")) if i >= 0), default=-1)
        key, value = (item[:cut].strip(), item[cut + 1:].strip()) if cut >= 0 else ("", "")
        values = [v.strip() for v in value.split(",") if v.strip()]
        if not key or not values:
            raise InvalidInput(f"where '{item}' is not DIMENSION=VALUE", hint=WHERE_HINT)
        where.setdefault(key, []).extend(values)
    return where


def parse_day(text: str | None, name: str) -> dt.date | None:
    """An optional YYYY-MM-DD query parameter; a bad one is a 422 naming the parameter."""
    if text is None or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(f"{name}='{text}' is not a date",
                           hint=f"write {name} as YYYY-MM-DD, e.g. {name}=2026-03-01") from exc


def check_period(from_text: str | None, to_text: str | None) -> tuple[dt.date | None, dt.date | None]:
    start, end = parse_day(from_text, "from"), parse_day(to_text, "to")
    if start and end and end < start:
        raise InvalidInput(f"'to' {end} is before 'from' {start}", hint="swap the two dates")
    return start, end
