"""Agent state time facts (occupancy, utilization, interactions per hour): filled in by its owner."""

from __future__ import annotations
