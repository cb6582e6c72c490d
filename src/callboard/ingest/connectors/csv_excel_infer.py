"""Value-type inference for mapping suggestions: which formats parse every sample value of a column.

Every check runs the connector's own parsers (values.py) on the sample, so a format chosen here is a
format the load accepts.
"""

from __future__ import annotations

import re

import polars as pl

from callboard.ingest import values as V
from callboard.ingest.connectors.csv_excel_synonyms import header_base, rank, unit_of
from callboard.ingest.mapping import DEFAULT_SCALES, FieldSpec, FileOptions, IntervalOptions, as_list, fields_for

_DATES = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y/%m/%d", "%Y.%m.%d",
          "%d/%m/%y", "%m/%d/%y", "%d.%m.%y", "%Y%m%d", "%d-%b-%Y", "%d %b %Y", "%b %d %Y", "%b %d, %Y", "%d-%b-%y"]
_TIMES = ["%H:%M:%S", "%H:%M", "%H:%M:%S%.f", "%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p"]
_AWARE = ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z"]
RANGE_EXTRACT = r"^\s*([^-–]+?)\s*[-–]"  # "08:00 - 08:30" -> "08:00"


def _swap(fmt: str) -> str:
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _date_candidates(time_zone: str) -> list[str]:
    if time_zone.startswith("America/") or time_zone.startswith("US/"):
        out = list(_DATES)
        for a, b in (("%d/%m/%Y", "%m/%d/%Y"), ("%d/%m/%y", "%m/%d/%y"), ("%d-%m-%Y", "%m-%d-%Y")):
            i, j = out.index(a), out.index(b)
            out[i], out[j] = out[j], out[i]
        return out
    return list(_DATES)


def _cover(values: pl.Series, candidates: list[str], parse) -> list[str] | None:  # type: ignore[no-untyped-def]
    """Fewest formats (at most 3, greedy) that together parse every value; never both day/month orders."""
    remaining = values
    chosen: list[str] = []
    pool = list(candidates)
    while remaining.len() and len(chosen) < 3:
        best, best_ok = None, None
        for fmt in pool:
            ok = parse(remaining, fmt).is_not_null()
            if best_ok is None or ok.sum() > best_ok.sum():
                best, best_ok = fmt, ok
        if best is None or best_ok is None or not best_ok.any():
            return None
        chosen.append(best)
        pool = [f for f in pool if f != best and f != _swap(best)]
        remaining = remaining.filter(~best_ok)
    return chosen if not remaining.len() else None


def _strptime(kind: pl.DataType):  # type: ignore[no-untyped-def]
    def parse(s: pl.Series, fmt: str) -> pl.Series:
        if "%#z" in fmt:
            return s.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False, exact=True)
        return s.str.strptime(kind, fmt, strict=False, exact=True)

    return parse


def _ambiguous_day_month(values: pl.Series, fmt: str) -> bool:
    swapped = _swap(fmt)
    if swapped == fmt or fmt.startswith("%Y"):
        return False
    return bool(values.str.strptime(pl.Datetime("us"), swapped, strict=False, exact=True).is_not_null().all())


class Chooser:
    """Assigns sample columns to canonical fields, with the formats that parse them."""

    def __init__(
        self, headers: list[str], columns: dict[str, pl.Series], opts: FileOptions, kind: str, time_zone: str
    ) -> None:
        self.headers = [h for h in dict.fromkeys(headers) if h]
        self.columns = columns
        self.opts = opts
        self.kind = kind
        self.kinds = fields_for(kind)
        self.time_zone = time_zone
        self.bases = {h: header_base(h) for h in self.headers}
        self.fields: dict[str, FieldSpec] = {}
        self.notes: dict[str, str] = {}
        self.warnings: list[str] = []
        self.used: set[str] = set()
        self.start_date: tuple[str, list[str]] | None = None
        self.duration_formats: list[str] = []
        self.num = {"decimal": opts.decimal, "thousands": opts.thousands}

    # ---------------------------------------------------------------------------------- assignment

    def ranked(self, synonyms: list[str]) -> list[str]:
        scored = [(rank(self.bases[h][0], synonyms), i, h) for i, h in enumerate(self.headers) if h not in self.used]
        return [h for r, _, h in sorted((s for s in scored if s[0] is not None), key=lambda s: (s[0], s[1]))]

    def values(self, header: str) -> pl.Series:
        return self.columns[header].drop_nulls()

    def take(self, name: str, spec: FieldSpec, header: str, note: str = "") -> None:
        self.fields[name] = spec
        self.used.update(spec.columns())
        sample = [str(v) for v in self.values(header).unique(maintain_order=True).head(2).to_list()]
        shown = ", ".join(repr(v) for v in sample) if sample else "blank in the sample"
        self.notes[name] = f"e.g. {shown}" + (f"; {note}" if note else "")

    def assign(self, synonyms: dict[str, list[str]], date_parts: list[str], time_parts: list[str]) -> None:
        start = "arrived_at" if self.kind == "contacts" else "interval_start"
        if "contact_id" in synonyms:
            self._simple("contact_id", synonyms["contact_id"])
        self._start(start, synonyms[start], date_parts, time_parts)
        for name, names in synonyms.items():
            if name in self.fields or name in (start, "agent_name", "contact_id"):
                continue
            if name == "agent_id":
                self._agent(synonyms["agent_id"], synonyms["agent_name"])
            else:
                self._simple(name, names)

    def _simple(self, name: str, synonyms: list[str]) -> None:
        for header in self.ranked(synonyms):
            found = self.infer(name, header)
            if found is not None:
                spec, note = found
                self.take(name, spec, header, note)
                return

    def _agent(self, ids: list[str], names: list[str]) -> None:
        id_headers = [h for h in self.ranked(ids) if self.bases[h][0] in ids]
        name_headers = [h for h in self.ranked(names) if self.bases[h][0] in names]
        if id_headers:
            self.take("agent_id", FieldSpec(column=id_headers[0]), id_headers[0])
            if name_headers:
                self.take("agent_name", FieldSpec(column=name_headers[0]), name_headers[0])
        elif name_headers:
            self.take("agent_id", FieldSpec(column=name_headers[0]), name_headers[0], "the agent's name is the id")

    def _start(self, name: str, synonyms: list[str], date_parts: list[str], time_parts: list[str]) -> None:
        for header in self.ranked(synonyms):
            found = self.datetime_spec(header)
            if found is not None:
                self.take(name, found[0], header, found[1])
                return
        dates = [(h, d) for h in self.ranked(date_parts) if (d := self.date_formats(h)) is not None]
        for date_header, date_formats in dates:
            times = [(h, t) for h in self.ranked(time_parts) if h != date_header and (t := self.time_spec(h))]
            if times:
                time_header, (time_formats, extract) = times[0]
                spec = FieldSpec(date=date_header, time=time_header, date_format=_one(date_formats),
                                 time_format=_one(time_formats), extract=extract)
                self.start_date = (date_header, date_formats)
                self.take(name, spec, date_header, f"time from '{time_header}'" + self._dm_note(date_header,
                                                                                                   date_formats))
                return
        if dates:
            header, formats = dates[0]
            self.start_date = (header, formats)
            self.take(name, FieldSpec(date=header, date_format=_one(formats)), header, "date only: no time column")

    # ------------------------------------------------------------------------------------ inference

    def infer(self, name: str, header: str) -> tuple[FieldSpec, str] | None:
        kind = self.kinds[name]
        s = self.values(header)
        base, hint = self.bases[header]
        if kind == "string":
            return FieldSpec(column=header), ""
        if kind in ("channel", "direction", "outcome"):
            if s.len() == 0 or V.parse_enum(s, kind).bad.any():
                if s.len() and kind == "channel":
                    unknown = s.filter(V.parse_enum(s, kind).bad).unique().head(5).to_list()
                    self.warnings.append(f"column '{header}' looks like the channel but has unknown values "
                                         f"{unknown}: map them under fields.channel.values")
                return None
            return FieldSpec(column=header), ""
        if kind == "bool":
            if V.parse_bool(s, self.opts.true_values, self.opts.false_values).bad.any():
                return None
            return FieldSpec(column=header), ""
        if kind == "count":
            return (FieldSpec(column=header), "") if not V.parse_count(s, **self.num).bad.any() else None
        if kind == "score":
            return self._score(name, header, s)
        if kind == "percent":
            return self._percent(header, s, hint)
        if kind == "duration":
            return self._duration(header, s, hint)
        if kind == "timestamp":
            found = self.datetime_spec(header)
            if found is not None:
                return found
            times = self.time_spec(header)
            if times and self.start_date and s.len():
                date_header, date_formats = self.start_date
                spec = FieldSpec(date=date_header, time=header, date_format=_one(date_formats),
                                 time_format=_one(times[0]), extract=times[1])
                return spec, f"date from '{date_header}'"
        return None

    def _score(self, name: str, header: str, s: pl.Series) -> tuple[FieldSpec, str] | None:
        values, bad = V.parse_float(s, **self.num)
        if bad.any():
            return None
        lo_seen = values.min() if values.len() else None
        hi_seen = values.max() if values.len() else None
        scale = DEFAULT_SCALES[name]
        if hi_seen is not None and lo_seen is not None:
            for candidate in ((1, 5), (0, 5), (1, 7), (1, 10), (0, 10), (0, 100)):
                if candidate[0] <= lo_seen and hi_seen <= candidate[1] and (name != "nps" or candidate == (0, 10)):
                    scale = candidate
                    break
            else:
                return None
            if name == "nps":
                scale = (0, 10)
        return FieldSpec(column=header, scale=(float(scale[0]), float(scale[1]))), "scale guessed from the sample"

    def _percent(self, header: str, s: pl.Series, hint: str) -> tuple[FieldSpec, str] | None:
        if s.len() == 0:
            return FieldSpec(column=header, format="percent"), ""
        signs = s.str.ends_with("%").any()
        numbers, bad = V.parse_float(s.str.strip_chars_end("%").str.strip_chars(), **self.num)
        if bad.any():
            return None
        fmt = "percent" if signs or hint in ("%", "pct", "percent") or (numbers.max() or 0) > 1 else "fraction"
        if V.parse_percent(s, fmt, **self.num).bad.any():
            return None
        return FieldSpec(column=header, format=fmt), ""

    def _duration(self, header: str, s: pl.Series, hint: str) -> tuple[FieldSpec, str] | None:
        unit = unit_of(hint)
        candidates: list[str] = []
        if s.len() == 0:
            guess = self.duration_formats[0] if self.duration_formats else (unit or "seconds")
            return FieldSpec(column=header, format=guess), "blank in the sample: format guessed"
        if s.str.contains(":").any():
            candidates = ["hm", "hms"] if unit == "hm" else ["hms", "hm"]
        else:
            numbers, bad = V.parse_float(s, **self.num)
            if bad.any():
                return None
            fractional = s.str.contains(r"[.,]\d{4,}").any()
            if unit in ("seconds", "milliseconds", "minutes", "hours", "days"):
                candidates = [unit]
            elif fractional and (numbers.max() or 0) < 1:
                candidates = ["days"]  # Excel time fractions
            else:
                candidates = ["seconds"]
        for fmt in candidates:
            if not V.parse_duration(s, fmt, **self.num).bad.any():
                self.duration_formats.append(fmt)
                note = "Excel day fractions" if fmt == "days" else ""
                return FieldSpec(column=header, format=fmt), note
        return None

    def datetime_spec(self, header: str) -> tuple[FieldSpec, str] | None:
        s = self.values(header)
        if s.len() == 0:
            return None
        numbers, bad = V.parse_float(s, **self.num)
        if not bad.any():
            if ((numbers >= 1000) & (numbers <= V.MAX_EXCEL_SERIAL)).all() and (numbers != numbers.floor()).any():
                return FieldSpec(column=header, format="excel"), self._epoch_note()
            if ((numbers >= 1e9) & (numbers < 1e10)).all():
                return FieldSpec(column=header, format="epoch_s"), "Unix seconds (UTC)"
            if ((numbers >= 1e12) & (numbers < 1e13)).all():
                return FieldSpec(column=header, format="epoch_ms"), "Unix milliseconds (UTC)"
            return None
        dates = _date_candidates(self.time_zone)
        candidates = [d + sep + t for d in dates for sep in (" ", "T") for t in _TIMES] + _AWARE
        parse = _strptime(pl.Datetime("us"))
        shaped = [c for c in candidates if _shape_ok(s, c)]
        formats = _cover(s, shaped, parse)
        if formats is None:
            return None
        return FieldSpec(column=header, format=_one(formats)), self._dm_note(header, formats)

    def date_formats(self, header: str) -> list[str] | None:
        s = self.values(header)
        if s.len() == 0:
            return None
        numbers, bad = V.parse_float(s, **self.num)
        if not bad.any():
            if ((numbers >= 1000) & (numbers <= V.MAX_EXCEL_SERIAL)).all():
                return ["excel"]
            return None
        return _cover(s, _date_candidates(self.time_zone), _strptime(pl.Date))

    def time_spec(self, header: str) -> tuple[list[str], str | None] | None:
        s = self.values(header)
        if s.len() == 0:
            return None
        extract = None
        if s.str.contains(RANGE_EXTRACT + r"\s*\d").all():
            extract = RANGE_EXTRACT
            s = s.str.extract(RANGE_EXTRACT, 1)
        numbers, bad = V.parse_float(s, **self.num)
        if not bad.any():
            return (["excel"], None) if ((numbers >= 0) & (numbers < 1)).all() else None
        formats = _cover(s, list(_TIMES), _strptime(pl.Time))
        return (formats, extract) if formats else None

    def _epoch_note(self) -> str:
        return "Excel serial dates (file.excel_epoch: auto = the workbook's 1900/1904 flag; 1900 for CSV)"

    def _dm_note(self, header: str, formats: list[str]) -> str:
        s = self.values(header)
        if any(_ambiguous_day_month(s, f) for f in formats if "%d" in f and "%m" in f):
            order = "month/day" if formats[0].find("%m") < formats[0].find("%d") else "day/month"
            return f"{order} order guessed: no sample day is above 12"
        return ""


def _shape_ok(s: pl.Series, fmt: str) -> bool:
    """Cheap filter on the first value: 'T' separator, AM/PM, month names and UTC offsets must agree."""
    first = str(s[0])
    offset = re.search(r"(Z|[+-]\d{2}:?\d{2})$", first) is not None
    ampm = re.search(r"[AaPp]\.?[Mm]\.?$", first) is not None
    letters = re.sub(r"(\dT\d|[AaPp]\.?[Mm]\.?$|Z$)", "", first)
    checks = (
        ("T%H" in fmt or "T%I" in fmt, re.search(r"\dT\d", first) is not None),
        ("%p" in fmt, ampm),
        ("%b" in fmt, re.search(r"[A-Za-z]{3}", letters) is not None),
        ("%#z" in fmt, offset),
    )
    return all(a == b for a, b in checks)


def _one(formats: list[str]) -> str | list[str]:
    return formats[0] if len(formats) == 1 else formats


def as_counts(s: pl.Series, opts: FileOptions) -> pl.Series | None:
    values = s.drop_nulls()
    if values.len() == 0:
        return None
    parsed = V.parse_count(values, decimal=opts.decimal, thousands=opts.thousands)
    return None if parsed.bad.any() else parsed.values


def interval_options(chooser: Chooser, sl_threshold_s: float) -> IntervalOptions:
    minutes = _interval_minutes(chooser)
    threshold = sl_threshold_s
    spec = chooser.fields.get("service_level")
    if spec is not None and spec.column:
        found = re.search(r"(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)\b", spec.column, re.I) or re.search(
            r"\d+\s*/\s*(\d+)", spec.column
        )
        if found:
            threshold = float(found.group(1))
        else:
            chooser.warnings.append(
                f"the service level threshold is not in the header '{spec.column}': assumed {sl_threshold_s:g} s"
            )
    if minutes is None:
        chooser.warnings.append("could not see the interval length in the sample: assumed 30 minutes")
        minutes = 30
    return IntervalOptions(interval_minutes=minutes, service_level_threshold_s=threshold)


def _interval_minutes(chooser: Chooser) -> int | None:
    spec = chooser.fields.get("interval_start")
    if spec is None:
        return None
    local = _local_starts(chooser, spec)
    if local is None:
        return None
    distinct = local.drop_nulls().unique().sort()
    if distinct.len() < 2:
        return None
    diffs = distinct.diff().drop_nulls().dt.total_minutes()
    positive = diffs.filter(diffs > 0)
    if positive.len() == 0:
        return None
    smallest = int(positive.min())  # type: ignore[arg-type]
    return smallest if 1 <= smallest <= 1440 else None


def _local_starts(chooser: Chooser, spec: FieldSpec) -> pl.Series | None:
    num = chooser.num
    if spec.column:
        s = chooser.columns[spec.column]
        values, _, _ = V.parse_datetime_column(s, spec.formats(), epoch="1900", **num)
        return values
    if spec.date and spec.time:
        d = chooser.columns[spec.date]
        t = chooser.columns[spec.time]
        if spec.extract:
            t = t.str.extract(spec.extract, 1)
        dates, _ = V.parse_date_only(d, as_list(spec.date_format), epoch="1900", **num)
        times, _ = V.parse_time_of_day(t, as_list(spec.time_format), **num)
        return V.combine_date_time(dates, times)
    return None
