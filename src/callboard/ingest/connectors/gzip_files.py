"""Gzip-compressed exports (logrotate's `queue_log.1.gz`, a downloaded Firehose object): found by their first bytes,
whatever the name, and inflated whole (every member, as `zcat` reads them)."""

from __future__ import annotations

import gzip
import mmap
import zlib
from pathlib import Path

from callboard.core.errors import InvalidInput

GZIP_MAGIC = b"\x1f\x8b"
UNREADABLE = (OSError, EOFError, zlib.error)  # what a damaged gzip stream raises (BadGzipFile is an OSError)


def is_gzip(path: Path) -> bool:
    """True when the file starts with gzip's signature (1f 8b)."""
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def damaged(path: Path, exc: BaseException, *, hint: str) -> InvalidInput:
    return InvalidInput(f"{path}: damaged gzip file ({exc})", hint=hint)


def gunzip(data: bytes | mmap.mmap, path: Path, *, hint: str) -> bytes:
    """The text of gzip-compressed `data` read from `path`; a damaged stream is refused in one line."""
    try:
        return gzip.decompress(data)
    except UNREADABLE as exc:
        raise damaged(path, exc, hint=hint) from exc
