"""Where Callboard stopped in a queue_log file, and which new complete lines it can read now.

The cursor `position` is the number of bytes of text consumed up to the last complete line (a line ends
with a newline; a partial last line is left for the next read). The `fingerprint` names the file: its
inode and a hash of its first line. When the fingerprint changes the file was rotated or replaced and the
new file is read from its start; if the rotated file is still beside it (`queue_log.1`,
`queue_log-20260301`, `queue_log.1.gz`, a copytruncate copy) its lines written after the last read are
read first, so nothing logged during a rotation is lost.

A gzip-compressed file (logrotate's `compress`: `queue_log.1.gz`; found by its first bytes 1f 8b, whatever
its name) is read as its decompressed text: positions and line numbers count that text, and its last line
counts as complete even without a newline (a compressed file does not grow). Its fingerprint also holds the
compressed size, so a re-read of an unchanged .gz file is one `stat`, as for a plain file.

A UTF-8 byte-order mark at the start of a file is skipped (the positions still count its three bytes).

A poll that finds the same inode at the same size opens nothing: `--follow` costs one `stat` per file
while the PBX is quiet.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from callboard.core.errors import InvalidInput
from callboard.ingest.connectors.gzip_files import GZIP_MAGIC, UNREADABLE, damaged, gunzip

_FIRST_LINE_MAX = 65_536


@dataclass(frozen=True)
class Chunk:
    """Complete lines read from one file: `first_line` is the 1-based number of the first of them."""

    file: str
    first_line: int
    data: bytes


@dataclass(frozen=True)
class FileRead:
    """What one read found: the new chunks (oldest file first) and where the current file now stands."""

    chunks: tuple[Chunk, ...]
    position: int  # bytes of the current file's text consumed (up to its last newline)
    fingerprint: str
    lines: int  # complete lines of the current file consumed, for line numbers in the next read
    rotated: bool  # the file is not the one the cursor described: its line count restarted


def _hint(path: Path) -> str:
    return f"`gzip -t {path}` checks it; load an intact copy, or the rotated log before compression"


def _head(path: Path) -> tuple[bytes, bool]:
    """The first 64 KiB of the file's text (decompressed for a gzip file: only that much is inflated), and
    whether the file is gzip-compressed."""
    with path.open("rb") as handle:
        head = handle.read(_FIRST_LINE_MAX)
        if not head.startswith(GZIP_MAGIC):
            return head, False
        handle.seek(0)
        try:
            with gzip.GzipFile(fileobj=handle) as unpacked:
                return unpacked.read(_FIRST_LINE_MAX), True
        except UNREADABLE as exc:
            raise damaged(path, exc, hint=_hint(path)) from exc


def _unpack(path: Path) -> bytes:
    """A gzip file's whole text (every member, as `zcat` reads it)."""
    return gunzip(path.read_bytes(), path, hint=_hint(path))


def _first_line_hash(head: bytes) -> str:
    end = head.find(b"\n")
    if end < 0:
        return ""  # no complete line yet: the fingerprint settles once the first line is written
    return hashlib.sha1(head[: end + 1]).hexdigest()[:16]


def _fingerprint(st: os.stat_result, head: bytes, packed: bool) -> str:
    plain = f"{st.st_ino}:{_first_line_hash(head)}"
    return f"{plain}:gz{st.st_size}" if packed else plain


def fingerprint_of(path: Path) -> str:
    head, packed = _head(path)
    return _fingerprint(os.stat(path), head, packed)


def _parts(fingerprint: str | None) -> tuple[str, str, int | None]:
    """(inode, first-line hash, compressed size of a gzip file or None)."""
    inode, _, rest = (fingerprint or "").partition(":")
    digest, _, packed = rest.partition(":")
    return inode, digest, int(packed[2:]) if packed.startswith("gz") and packed[2:].isdigit() else None


def _complete(data: bytes) -> bytes:
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else b""


def _read_from(path: Path, start: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(start)
        return _complete(handle.read())


def _final(text: bytes, start: int) -> tuple[bytes, int]:
    """A compressed file's text from `start` to its end, as whole lines (the last one needs no newline: the
    file is final), and the bytes of text consumed."""
    data = text[start:]
    return (data + b"\n" if data and not data.endswith(b"\n") else data), len(data)


def _lines_from(path: Path, text: bytes | None, start: int) -> tuple[bytes, int]:
    """The whole lines from `start` and the bytes of text consumed: of a plain file up to its last newline, of a
    compressed file (`text`, already decompressed) to its end."""
    if text is not None:
        return _final(text, start)
    data = _read_from(path, start)
    return data, len(data)


def _chunk(path: Path, start: int, first_line: int, data: bytes) -> Chunk:
    """The lines read from `start`; a UTF-8 byte-order mark opening the file is not part of its first line."""
    if start == 0 and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return Chunk(str(path), first_line, data)


def unchanged(path: Path, position: int, fingerprint: str | None) -> bool:
    """True when the file is the one the cursor read and holds nothing after `position` (one stat)."""
    if fingerprint is None:
        return False
    st = os.stat(path)
    inode, digest, packed = _parts(fingerprint)
    size = position if packed is None else packed  # a gzip file: its compressed size when it was read whole
    return bool(digest) and str(st.st_ino) == inode and st.st_size == size


def _rotated_sibling(path: Path, old: str, position: int) -> tuple[Path, bool] | None:
    """The rotated copy of the file the cursor read (and whether it is compressed): same first line, at least
    as long; same inode first."""
    old_inode, old_digest, _ = _parts(old)
    if not old_digest:
        return None
    found: tuple[Path, bool] | None = None
    try:
        names = sorted(p for p in path.parent.iterdir() if p.name.startswith(path.name) and p.name != path.name)
    except OSError:
        return None
    for candidate in names:
        try:
            st = candidate.stat()
            if not candidate.is_file():
                continue
            head, packed = _head(candidate)
            if (not packed and st.st_size < position) or _first_line_hash(head) != old_digest:
                continue
        except (OSError, InvalidInput):  # unreadable, or a .gz still being written: not the copy to read
            continue
        if str(st.st_ino) == old_inode:
            return candidate, packed
        found = found or (candidate, packed)
    return found


def _sibling_tail(sibling: Path, packed: bool, position: int) -> bytes:
    if not packed:
        return _read_from(sibling, position)
    try:
        text = _unpack(sibling)
    except InvalidInput:  # compression still running (the plain copy, if any, was tried first): nothing to add
        return b""
    return _final(text, position)[0] if len(text) >= position else b""


def read_new(path: Path, *, position: int, fingerprint: str | None, lines: int) -> FileRead:
    """The complete lines written since the cursor; a rotated or replaced file is read from its start."""
    st = os.stat(path)
    head, packed = _head(path)
    current = _fingerprint(st, head, packed)
    text = _unpack(path) if packed else None
    size = st.st_size if text is None else len(text)
    old_inode, old_digest, _ = _parts(fingerprint)
    same_file = fingerprint is not None and old_inode == str(st.st_ino) and size >= position \
        and old_digest in ("", _first_line_hash(head))  # "": the first line was still partial at the last read
    if same_file:
        data, consumed = _lines_from(path, text, position)
        chunk = _chunk(path, position, lines + 1, data)
        return FileRead((chunk,), position + consumed, current, lines + data.count(b"\n"), rotated=False)
    chunks: list[Chunk] = []
    if fingerprint is not None:
        sibling = _rotated_sibling(path, fingerprint, position)
        if sibling is not None:
            tail = _sibling_tail(*sibling, position)
            if tail:
                chunks.append(_chunk(sibling[0], position, lines + 1, tail))
    data, consumed = _lines_from(path, text, 0)
    chunks.append(_chunk(path, 0, 1, data))
    return FileRead(tuple(chunks), consumed, current, data.count(b"\n"), rotated=fingerprint is not None)
