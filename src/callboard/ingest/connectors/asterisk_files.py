"""Where Callboard stopped in a queue_log file, and which new complete lines it can read now.

The cursor `position` is the number of bytes consumed up to the last complete line (a line ends with a
newline; a partial last line is left for the next read). The `fingerprint` names the file: its inode
and a hash of its first line. When the fingerprint changes the file was rotated or replaced and the
new file is read from its start; if the rotated file is still beside it (`queue_log.1`,
`queue_log-20260301`, a copytruncate copy) its lines written after the last read are read first, so
nothing logged during a rotation is lost.

A poll that finds the same inode at the same size opens nothing: `--follow` costs one `stat` per file
while the PBX is quiet.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

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
    position: int  # bytes of the current file consumed (up to its last newline)
    fingerprint: str
    lines: int  # complete lines of the current file consumed, for line numbers in the next read
    rotated: bool  # the file is not the one the cursor described: its line count restarted


def _first_line_hash(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(_FIRST_LINE_MAX)
    end = head.find(b"\n")
    if end < 0:
        return ""  # no complete line yet: the fingerprint settles once the first line is written
    return hashlib.sha1(head[: end + 1]).hexdigest()[:16]


def fingerprint_of(path: Path, inode: int | None = None) -> str:
    node = os.stat(path).st_ino if inode is None else inode
    return f"{node}:{_first_line_hash(path)}"


def _parts(fingerprint: str | None) -> tuple[str, str]:
    inode, _, digest = (fingerprint or "").partition(":")
    return inode, digest


def _complete(data: bytes) -> bytes:
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else b""


def _read_from(path: Path, start: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(start)
        return _complete(handle.read())


def unchanged(path: Path, position: int, fingerprint: str | None) -> bool:
    """True when the file is the one the cursor read and holds nothing after `position` (one stat)."""
    if fingerprint is None:
        return False
    st = os.stat(path)
    inode, digest = _parts(fingerprint)
    return bool(digest) and str(st.st_ino) == inode and st.st_size == position


def _rotated_sibling(path: Path, old: str, position: int) -> Path | None:
    """The rotated copy of the file the cursor read: same first line, at least as long; same inode first."""
    old_inode, old_digest = _parts(old)
    if not old_digest:
        return None
    found: Path | None = None
    try:
        names = sorted(p for p in path.parent.iterdir() if p.name.startswith(path.name) and p.name != path.name)
    except OSError:
        return None
    for candidate in names:
        try:
            st = candidate.stat()
            if not candidate.is_file() or st.st_size < position or _first_line_hash(candidate) != old_digest:
                continue
        except OSError:
            continue
        if str(st.st_ino) == old_inode:
            return candidate
        found = found or candidate
    return found


def read_new(path: Path, *, position: int, fingerprint: str | None, lines: int) -> FileRead:
    """The complete lines written since the cursor; a rotated or replaced file is read from its start."""
    st = os.stat(path)
    current = fingerprint_of(path, st.st_ino)
    same_file = fingerprint is not None and current == fingerprint and st.st_size >= position
    if fingerprint is not None and not same_file and _parts(fingerprint)[0] == str(st.st_ino) \
            and not _parts(fingerprint)[1] and st.st_size >= position:
        same_file = True  # the first line was still partial at the last read: same file, now complete
    chunks: list[Chunk] = []
    if same_file:
        data = _read_from(path, position)
        chunks.append(Chunk(str(path), lines + 1, data))
        return FileRead(tuple(chunks), position + len(data), current, lines + data.count(b"\n"), rotated=False)
    if fingerprint is not None:
        sibling = _rotated_sibling(path, fingerprint, position)
        if sibling is not None:
            tail = _read_from(sibling, position)
            if tail:
                chunks.append(Chunk(str(sibling), lines + 1, tail))
    data = _read_from(path, 0)
    chunks.append(Chunk(str(path), 1, data))
    return FileRead(tuple(chunks), len(data), current, data.count(b"\n"), rotated=fingerprint is not None)
