"""Pooling (shared pool, rounding at the end), chat with concurrency, email backlog: hand-checked numbers."""

from __future__ import annotations

import numpy as np
import pytest

from callboard.workforce.digital import backlog_required_agents, chat_required_agents
from callboard.workforce.erlang import evaluate, required_agents
from callboard.workforce.pooling import pooled_required_agents


def test_pool_of_two_worked_example_halves() -> None:
    """Two queues of 50 calls / 30 min, AHT 180 s, T 20 s, 80%: pooled they are the worked example (100 calls,
    10 Erlangs) -> 14 agents, 20 after 30% shrinkage; alone each needs 8 (5 Erlangs: SL(7) < 0.8 <= SL(8)),
    16 in all, 2 saved. Shares are 7 + 7 (fractions of the pool, not rounded per queue)."""
    alone = evaluate(agents=[7, 8], calls=50, interval_s=1800, aht_s=180, answer_within_s=20).service_level
    assert alone[0] < 0.8 <= alone[1]
    p = pooled_required_agents(calls=[[50], [50]], interval_s=1800, aht_s=[180, 180], answer_within_s=20,
                               target_sl=0.8, shrinkage=0.3)
    assert p.pool.agents_raw.tolist() == [14] and p.pool.agents.tolist() == [20]
    assert p.pool.service_level[0] == pytest.approx(0.8883500191794669, abs=1e-12)
    assert p.agents_share[:, 0].tolist() == [7.0, 7.0]
    assert p.separate_agents_raw[:, 0].tolist() == [8.0, 8.0]
    assert p.pooling_saving_agents.tolist() == [2.0]


def test_pool_meets_each_queues_own_threshold_and_rounds_once() -> None:
    """Queue B asks 90% in 30 s, queue A 80% in 20 s; both see the pool's wait. Workload shares are fractional:
    A 30·180 = 5400 s, B 30·420 = 12600 s of 18000 s -> 0.3 and 0.7 of the pool."""
    p = pooled_required_agents(calls=[[30, 0], [30, 0]], interval_s=1800, aht_s=[180, 420],
                               answer_within_s=[20, 30], target_sl=[0.8, 0.9])
    n = p.pool.agents_raw[0]
    assert p.service_level_by_queue[0, 0] >= 0.8 and p.service_level_by_queue[1, 0] >= 0.9
    pooled_aht = (30 * 180 + 30 * 420) / 60  # 300 s, 10 Erlangs
    fewer = evaluate(agents=n - 1, calls=60, interval_s=1800, aht_s=pooled_aht, answer_within_s=[20, 30])
    assert fewer.service_level[0] < 0.8 or fewer.service_level[1] < 0.9
    assert p.agents_share[:, 0] == pytest.approx([0.3 * n, 0.7 * n])
    assert p.pool.agents_raw[1] == 0 and p.pool.agents[1] == 0  # an empty interval


def test_chat_concurrency_rounds_slots_up_to_whole_agents() -> None:
    """40 chats / 30 min, 600 s each at concurrency 3: 13.33 Erlangs of slots; the fewest slots for 80% in 60 s
    (Erlang C on slots) -> agents = ceil(slots/3); the measures are those of 3 x agents slots."""
    slots = required_agents(calls=40, interval_s=1800, aht_s=600, answer_within_s=60, target_sl=0.8).agents_raw[()]
    c = chat_required_agents(chats=[40, 0], interval_s=1800, handle_s=600, answer_within_s=60, concurrency=3,
                             target_sl=0.8, shrinkage=0.3)
    agents = -(-int(slots) // 3)
    assert c.staffing.agents_raw.tolist() == [agents, 0]
    assert c.staffing.agents.tolist() == [-(-agents * 10 // 7), 0]
    assert c.staffing.occupancy[0] == pytest.approx((40 * 600 / 1800) / (3 * agents))
    assert c.staffing.service_level[0] >= 0.8


def test_backlog_spreads_each_intervals_work_over_its_window() -> None:
    """Items 10, 0, 20, 5 per 30 min (+6 open), AHT 300 s, clear within 4000 s. Work 4800, 0, 6000, 1500 s;
    window 4000 s = 1800 + 1800 + 400 -> kernel 0.45, 0.45, 0.1. Loads: 2160, 2160, 480 + 2700 = 3180,
    2700 + 675 = 3375 s; past the horizon 600 + 825 = 1425 s. Agents 1.2, 1.2, 1.7667, 1.875 -> 2 each."""
    b = backlog_required_agents(items=[10, 0, 20, 5], interval_s=1800, aht_s=300, clear_within_s=4000,
                                backlog_items=6, shrinkage=0.3)
    assert b.workload_s.tolist() == pytest.approx([2160, 2160, 3180, 3375])
    assert b.carried_over_s == pytest.approx(1425)
    assert b.agents_raw.tolist() == [2, 2, 2, 2]
    assert b.agents.tolist() == [3, 3, 3, 3]  # ceil(2·10/7) = 3


def test_backlog_capacity_meets_every_deadline() -> None:
    """Fluid check: at each deadline the capacity delivered so far covers all work due by then."""
    rng = np.random.default_rng(5)
    items = rng.integers(0, 40, 48).astype(float)
    interval_s, clear_s, aht_s = 900.0, 7200.0, 240.0
    b = backlog_required_agents(items=items, interval_s=interval_s, aht_s=aht_s, clear_within_s=clear_s)
    capacity = np.concatenate([[0.0], np.cumsum(b.agents_raw * interval_s)])  # at interval boundaries
    for i in range(items.size):
        deadline_index = i + int(clear_s // interval_s)
        if deadline_index <= items.size:
            assert capacity[deadline_index] + 1e-6 >= items[: i + 1].sum() * aht_s
