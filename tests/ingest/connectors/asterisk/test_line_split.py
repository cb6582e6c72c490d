"""Splitting a chunk of queue_log text into numbered lines: the fast path (polars' CSV reader, for plain ASCII
text) and the general path (one big string split in polars) give one row per line, blank lines included,
numbered from the chunk's first line."""

from __future__ import annotations

from callboard.ingest.connectors.asterisk_files import Chunk
from callboard.ingest.connectors.asterisk_parse import _chunk_frame, _plain

TEXT = '\n1700000000|c1|q|NONE|ENTERQUEUE||123|1\n\n1700000001|c1|q|"Ann B"|CONNECT|5|x|2\n   \n|\n'
# line 10 is blank, 11 ENTERQUEUE, 12 blank, 13 CONNECT with a quote kept as text, 14 three spaces, 15 a bar
EXPECTED = [(10, ""), (11, "1700000000|c1|q|NONE|ENTERQUEUE||123|1"), (12, ""),
            (13, '1700000001|c1|q|"Ann B"|CONNECT|5|x|2'), (14, "   "), (15, "|")]


def rows(data: bytes) -> list[tuple[int, str]]:
    frame = _chunk_frame(Chunk("queue_log", 10, data))
    assert set(frame.get_column("file")) == {"queue_log"}
    return list(zip(frame.get_column("line").to_list(), frame.get_column("raw").to_list(), strict=True))


def test_plain_ascii_takes_the_fast_path_and_keeps_every_line() -> None:
    assert _plain(TEXT.encode())
    assert rows(TEXT.encode()) == EXPECTED


def test_carriage_returns_and_non_ascii_take_the_general_path_with_the_same_lines() -> None:
    crlf = TEXT.replace("\n", "\r\n").encode()
    assert not _plain(crlf)
    assert rows(crlf) == EXPECTED  # the CR is stripped from each line
    accented = TEXT.replace("Ann B", "Zoë B").encode()
    assert not _plain(accented)
    assert [r for _, r in rows(accented)][3] == '1700000001|c1|q|"Zoë B"|CONNECT|5|x|2'
    assert not _plain(b"1|c|q|a|EVENT\x00|x\n") and not _plain(b"1|c|q|a|EV\x1fENT\n")
