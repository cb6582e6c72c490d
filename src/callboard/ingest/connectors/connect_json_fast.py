"""Split a large Amazon Connect export into records without decoding it in Python (the common case).

Two shapes are cut into records by their boundaries alone, every record a zero-copy slice of the file:

* JSON lines: one record per non-blank physical line;
* objects concatenated as Kinesis Data Firehose writes them (`{...}{...}`, or with whitespace between):
  a record ends at a `}` followed (after optional whitespace) by `{`. Outside a JSON string that pair
  can only sit between two top-level objects; inside a string it cuts a record into two halves that are
  not valid JSON, so a wrong cut never goes unnoticed.

Neither shape is checked here (connect_json marks the records unchecked): DuckDB checks them while it
parses them, and only a file where that parse fails is split again the careful way
(connect_json.recheck), record by record, quarantining what does not decode.

Each function returns (table of record, line, text; the number of line ends read), or None when the
shape does not apply or the content is not UTF-8.
"""

from __future__ import annotations

import array
import mmap
import re

import pyarrow as pa
import pyarrow.compute as pc

WS = " \t\r\n\ufeff"  # what may surround a record
Content = bytes | mmap.mmap  # a file's bytes, or the file itself mapped into memory (connect_json._map)
_BOUNDARY = re.compile(rb"\}[ \t\r\n]*\{")
_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")


def _slices(data: Content, starts: array.array) -> pa.LargeStringArray | None:
    """data cut at `starts` (the last slice runs to the end), each slice a string; None if not UTF-8."""
    count = len(starts)
    starts.append(len(data))
    lines = pa.LargeStringArray.from_buffers(count, pa.py_buffer(starts), pa.py_buffer(data))
    try:
        lines.validate(full=True)
    except pa.ArrowInvalid:  # not UTF-8: the careful path decodes with replacement characters
        return None
    return lines


def lines_array(data: bytes) -> pa.LargeStringArray | None:
    """Each physical line (with its line end) as a string, sliced from the file without copying."""
    starts, pos = array.array("q", [0]), data.find(b"\n")
    while pos >= 0:  # one memchr per line: far cheaper than any array pass over every byte
        starts.append(pos + 1)
        pos = data.find(b"\n", pos + 1)
    if starts[-1] == len(data) and len(starts) > 1:
        starts.pop()  # the file ends with a line end: no empty last line
    return _slices(data, starts)


def _int64(values: array.array) -> pa.Int64Array:
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def unchecked_lines(data: Content, first_line: int, first_record: int) -> tuple[pa.Table, int] | None:
    """JSON lines as records, blank lines skipped."""
    lines = lines_array(data)
    if lines is None:
        return None
    newline_count = len(lines) - 1 + (data[-1:] == b"\n")
    short = pc.indices_nonzero(pc.less_equal(pc.binary_length(lines), 2))
    numbers = _int64(array.array("q", range(first_line, first_line + len(lines))))
    table = pa.table({"line": numbers, "text": lines})
    if len(short):
        marks = [False] * len(lines)
        for index, text in zip(short.to_pylist(), lines.take(short).to_pylist()):
            marks[index] = not text.strip(WS)
        table = table.filter(pc.invert(pa.array(marks, pa.bool_())))
    kept = table.num_rows
    table = table.add_column(0, "record", _int64(array.array("q", range(first_record, first_record + kept))))
    return table, newline_count


def unchecked_concatenated(data: Content, first_line: int, first_record: int) -> tuple[pa.Table, int] | None:
    """Concatenated objects as records (the content must start with `{`)."""
    lead = _LEADING.match(data)
    begin = lead.end() if lead else 0
    if data[begin:begin + 1] != b"{":
        return None
    starts = array.array("q", [begin])
    starts.extend(match.end() - 1 for match in _BOUNDARY.finditer(data, begin))
    pieces = _slices(data, starts)
    if pieces is None:
        return None
    count = len(pieces)
    ends, pos = array.array("q"), data.find(b"\n")
    while pos >= 0:
        ends.append(pos)
        pos = data.find(b"\n", pos + 1)
    if ends:  # the line each record starts on
        numbers = _int64(ends).to_numpy().searchsorted(_int64(starts[:count]).to_numpy()) + first_line
        lines = pa.array(numbers, pa.int64())
    else:
        lines = _int64(array.array("q", [first_line]) * count)
    records = _int64(array.array("q", range(first_record, first_record + count)))
    return pa.table({"record": records, "line": lines, "text": pieces}), len(ends)
