"""Small helpers to build canonical Arrow columns straight from numpy arrays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

_EPOCH = dt.datetime(1970, 1, 1)


def timestamps(ms: np.ndarray, start: dt.datetime, valid: np.ndarray | None = None) -> pa.Array:
    """Milliseconds since `start` (naive UTC) -> timestamp[us]; `valid` False -> NULL."""
    base_us = (start - _EPOCH) // dt.timedelta(microseconds=1)
    us = base_us + np.asarray(ms, dtype=np.int64) * 1000
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.array(us, type=pa.int64(), mask=mask).cast(pa.timestamp("us"))


def ints(values: np.ndarray, kind: pa.DataType = pa.int64(), valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.array(np.asarray(values), type=kind, mask=mask)


def pick(labels: Sequence[str | None], codes: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Strings by code (index into `labels`), as a plain string column; `valid` False -> NULL."""
    codes = np.asarray(codes)
    if valid is not None:
        codes = np.where(valid, codes, -1)
    dictionary = pa.array(list(labels) + [None], type=pa.string())
    indices = np.where(codes < 0, len(labels), codes).astype(np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(indices), dictionary).cast(pa.string())


def constant(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), n)


def texts(values: np.ndarray) -> pa.Array:
    """A numpy object array of str / None as a string column (via a list: no pandas round trip)."""
    return pa.array(values.tolist(), type=pa.string())
