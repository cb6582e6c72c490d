"""`callboard demo`: a realistic generated contact centre (see docs/demo.md).

`generate_demo(seed=, days=, end_date=, scale=)` returns the canonical LoadBatches; `load_demo(store, data)`
loads them. Modules, one job each: org (sites, teams, queues, agents), staffing (weekday shifts that
follow demand), roster (shifts, breaks, absences), traffic (arrival curves), handling (topics, patience,
talk/hold/ACW draws), acd (routing simulation), repeats (customers who come back), contacts (the contact
tables), states (agent state timelines), surveys, legacy (a second source's interval aggregates).
"""

from __future__ import annotations

from callboard.demo.generator import DemoData, default_end_date, generate_demo
from callboard.demo.loader import DEMO_SOURCES, clear_demo, existing_demo_period, load_demo

__all__ = [
    "DEMO_SOURCES",
    "DemoData",
    "clear_demo",
    "default_end_date",
    "existing_demo_period",
    "generate_demo",
    "load_demo",
]
