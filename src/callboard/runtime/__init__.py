"""Wiring: settings + stores + catalog + clock, built once per process (or per test) and passed down."""

from __future__ import annotations

from callboard.runtime.runtime import Runtime, build_runtime, user_admin

__all__ = ["Runtime", "build_runtime", "user_admin"]
