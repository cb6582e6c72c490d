"""What the demo centre contains (the issue's acceptance criteria), checked on a 14-day generation."""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from callboard.demo import DemoData, generate_demo
from callboard.records.batch import input_schema
from tests.demo.helpers import END, scalar


def test_every_batch_matches_the_canonical_input_schemas(demo14: DemoData) -> None:
    names = set()
    for batch in demo14.batches:
        assert batch.source in ("demo", "legacy_acd")
        assert batch.rows_read == sum(t.num_rows for t in batch.tables.values())
        for name, table in batch.tables.items():
            assert table.schema.equals(input_schema(name)), name
            names.add(name)
    assert names == {
        "agents", "queues", "team_memberships", "contacts", "queue_entries", "agent_segments", "agent_states",
        "survey_responses", "interval_stats",
    }
    assert {b.source for b in demo14.batches if "interval_stats" in b.tables} == {"legacy_acd"}


def test_period_ends_on_the_requested_day_and_defaults_to_yesterday(demo14: DemoData) -> None:
    assert (demo14.start_date, demo14.end_date) == (END - dt.timedelta(days=13), END)
    small = generate_demo(days=1, scale=0.3)
    assert small.end_date == dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)


def test_organisation_sites_teams_agents_queues(demo14: DemoData) -> None:
    org = demo14.org
    assert len(org.sites) == 2 and len(org.teams) == 4
    assert [a.agent_id for a in org.agents] == [f"a{i:03d}" for i in range(1, 41)]
    for agent in org.agents:
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][A-Za-z']+", agent.display_name), agent.display_name
    assert len({a.display_name for a in org.agents}) == 40
    inbound = [q for q in org.queues if q.direction == "inbound" and q.source == "demo"]
    assert len(inbound) >= 6
    assert {q.channel for q in org.queues} >= {"voice", "chat", "email", "messaging"}
    assert len({q.queue_id for q in org.queues}) == len(org.queues)


def test_one_agent_changes_team_half_way(demo14: DemoData, sql14: duckdb.DuckDBPyConnection) -> None:
    rows = sql14.execute(
        "SELECT agent_id, team_id, valid_from, valid_to FROM team_memberships "
        "WHERE agent_id IN (SELECT agent_id FROM team_memberships GROUP BY 1 HAVING count(*) > 1) ORDER BY valid_from"
    ).fetchall()
    assert len(rows) == 2 and rows[0][0] == rows[1][0] == "a012"
    assert (rows[0][1], rows[1][1]) == ("t_care", "t_tech")
    assert rows[0][3] == rows[1][2] == dt.datetime.combine(demo14.start_date + dt.timedelta(days=7), dt.time())
    assert rows[1][3] is None
    # The changer's contacts before the switch were Care queues, after it Tech Support.
    by_half = dict(
        sql14.execute(
            f"SELECT connected_at >= TIMESTAMP '{rows[1][2]}' AS after, list(DISTINCT queue_id ORDER BY queue_id) "
            "FROM agent_segments WHERE agent_id = 'a012' AND direction = 'inbound' GROUP BY 1"
        ).fetchall()
    )
    assert set(by_half[False]) <= {"q_billing", "q_retention"} and by_half[True] == ["q_tech"]


def test_every_day_has_contacts_with_weekly_and_daily_shape(sql14: duckdb.DuckDBPyConnection) -> None:
    per_day = dict(sql14.execute("SELECT arrived_at::DATE, count(*) FROM contacts GROUP BY 1").fetchall())
    assert len(per_day) == 14
    weekdays = [n for d, n in per_day.items() if d.weekday() < 5]
    weekend = [n for d, n in per_day.items() if d.weekday() >= 5]
    assert all(1800 <= n <= 3200 for n in weekdays), per_day
    assert max(weekend) < min(weekdays)
    by_weekday = [sum(n for d, n in per_day.items() if d.weekday() == w) / 2 for w in range(7)]
    assert max(by_weekday) == by_weekday[0]  # Monday is the heaviest day, the weekend the lightest
    assert by_weekday[6] == min(by_weekday) and by_weekday[0] > 1.1 * sum(by_weekday[2:5]) / 3
    # Voice is open 08:00-20:00 on weekdays, email arrives around the clock.
    hours = dict(
        sql14.execute(
            "SELECT channel, list(h ORDER BY h) FROM (SELECT DISTINCT channel, hour(arrived_at) AS h FROM contacts "
            "WHERE direction = 'inbound' AND dayofweek(arrived_at) BETWEEN 1 AND 5) GROUP BY 1"
        ).fetchall()
    )
    assert hours["voice"] == list(range(8, 20))
    assert hours["email"] == list(range(24))
    by_hour = dict(sql14.execute(
        "SELECT hour(arrived_at), count(*) FROM contacts WHERE channel = 'voice' AND direction = 'inbound' GROUP BY 1"
    ).fetchall())
    assert by_hour[10] > 1.5 * by_hour[8] and by_hour[14] > 1.3 * by_hour[19]


def test_outcomes_abandons_flow_outs_and_callbacks(sql14: duckdb.DuckDBPyConnection) -> None:
    outcomes = dict(sql14.execute("SELECT outcome, count(*) FROM queue_entries GROUP BY 1").fetchall())
    assert set(outcomes) == {"answered", "abandoned", "flowed_out", "callback_requested"}
    assert 0.03 < outcomes["abandoned"] / sum(outcomes.values()) < 0.2
    assert scalar(sql14, "SELECT count(*) FROM queue_entries WHERE outcome = 'abandoned' AND wait_ms <= 5000") > 20
    assert scalar(sql14, "SELECT count(*) FROM queue_entries WHERE outcome = 'abandoned' AND agent_id IS NOT NULL") > 0
    assert scalar(sql14, "SELECT count(*) FROM queue_entries WHERE outcome = 'flowed_out' "
                         "AND raw_exit_reason <> 'EXITWITHTIMEOUT'") == 0
    # A flowed-out Sales call overflows to Billing as a second entry of the same contact.
    assert scalar(sql14, "SELECT count(*) FROM queue_entries e JOIN queue_entries f USING (contact_id) "
                         "WHERE e.queue_id = 'q_sales' AND e.outcome = 'flowed_out' "
                         "AND f.entry_seq = e.entry_seq + 1 AND f.queue_id = 'q_billing'") > 0
    # Callback requests are honoured by an outbound contact naming the request.
    callbacks = scalar(sql14, "SELECT count(*) FROM contacts c JOIN queue_entries e ON e.contact_id = c.callback_of "
                              "WHERE e.outcome = 'callback_requested' AND c.direction = 'outbound'")
    assert 0 < callbacks <= outcomes["callback_requested"]


def test_transfers_create_a_second_segment_for_another_agent(sql14: duckdb.DuckDBPyConnection) -> None:
    share = scalar(sql14, "SELECT avg(transferred_out::INT) FROM agent_segments WHERE channel = 'voice' "
                          "AND direction = 'inbound'")
    assert 0.05 < share < 0.11  # type: ignore[operator]
    bad = scalar(sql14, """
        SELECT count(*) FROM agent_segments s WHERE s.transferred_out AND NOT EXISTS (
          SELECT 1 FROM agent_segments t WHERE t.contact_id = s.contact_id AND t.segment_seq = s.segment_seq + 1
            AND t.agent_id <> s.agent_id AND t.connected_at >= s.connected_at)
          AND NOT EXISTS (SELECT 1 FROM queue_entries e
                          WHERE e.contact_id = s.contact_id AND e.outcome <> 'answered')""")
    assert bad == 0


def test_repeats_bot_only_outbound_and_topics(sql14: duckdb.DuckDBPyConnection) -> None:
    repeats = scalar(sql14, """
        SELECT count(*) FROM contacts a JOIN contacts b ON a.customer_id = b.customer_id
        WHERE a.direction = 'inbound' AND b.direction = 'inbound' AND b.arrived_at > a.arrived_at
          AND b.arrived_at <= a.arrived_at + INTERVAL 7 DAY""")
    assert repeats > 1000
    bot = dict(sql14.execute("SELECT channel, avg(bot_only::INT) FROM contacts GROUP BY 1").fetchall())
    assert 0.02 < bot["chat"] < 0.1 and bot["voice"] == 0
    assert scalar(sql14, "SELECT count(*) FROM queue_entries WHERE bot_only") == 0  # never queued
    assert scalar(sql14, "SELECT count(*) FROM contacts WHERE direction = 'outbound' AND callback_of IS NULL") > 100
    topics = {r[0] for r in sql14.execute("SELECT DISTINCT topic FROM contacts").fetchall()}
    assert {"billing question", "password reset", "cancel", "order status"} <= topics
    assert scalar(sql14, "SELECT count(*) FROM contacts WHERE resolved IS NOT NULL") > 0


def test_hold_and_per_agent_differences(sql14: duckdb.DuckDBPyConnection) -> None:
    hold = scalar(sql14, "SELECT avg((hold_count > 0)::INT) FROM agent_segments WHERE channel = 'voice'")
    assert 0.18 < hold < 0.32  # type: ignore[operator]
    assert scalar(sql14, "SELECT count(*) FROM agent_segments WHERE (hold_count > 0) <> (hold_ms > 0)") == 0
    aht = dict(sql14.execute(
        "SELECT agent_id, avg(talk_ms + hold_ms + acw_ms) / 1000 FROM agent_segments "
        "WHERE channel = 'voice' AND direction = 'inbound' GROUP BY 1"
    ).fetchall())
    ordered = sorted(aht, key=aht.__getitem__)
    assert ordered[0] == "a009" and ordered[-1] == "a017"  # the speedster and the slow one
    assert aht["a017"] > 1.8 * aht["a009"]


def test_surveys(sql14: duckdb.DuckDBPyConnection) -> None:
    scales = dict(
        (q, (lo, hi)) for q, lo, hi in sql14.execute(
            "SELECT DISTINCT question, scale_min, scale_max FROM survey_responses").fetchall()
    )
    assert scales == {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7), "resolved": (0, 1)}
    assert scalar(sql14, "SELECT count(*) FROM survey_responses WHERE score < scale_min OR score > scale_max "
                         "OR score <> round(score)") == 0
    share = scalar(sql14, """
        SELECT count(DISTINCT s.contact_id) / (SELECT count(*) FROM contacts c WHERE c.direction = 'inbound'
          AND EXISTS (SELECT 1 FROM agent_segments a WHERE a.contact_id = c.contact_id))
        FROM survey_responses s WHERE question = 'csat'""")
    assert 0.13 < share < 0.21  # type: ignore[operator]
    late = scalar(sql14, """
        SELECT count(*) FROM survey_responses s JOIN contacts c USING (contact_id)
        WHERE s.responded_at < c.ended_at OR s.responded_at > c.updated_at + INTERVAL 5 DAY""")
    assert late == 0


def test_agent_states_and_legacy_intervals(sql14: duckdb.DuckDBPyConnection) -> None:
    states = {r[0] for r in sql14.execute("SELECT DISTINCT state FROM agent_states").fetchall()}
    assert {"available", "on_contact", "acw", "aux", "offline"} <= states
    reasons = dict(sql14.execute("SELECT DISTINCT reason, paid FROM agent_states WHERE state = 'aux'").fetchall())
    assert reasons["Break"] is True and reasons["Lunch"] is False and {"Meeting", "Training"} <= set(reasons)
    assert scalar(sql14, "SELECT count(*) FROM agent_states WHERE state <> 'aux' AND (reason IS NOT NULL "
                         "OR paid IS NOT NULL)") == 0
    assert scalar(sql14, "SELECT count(DISTINCT queue_id) FROM interval_stats") == 1
    assert scalar(sql14, "SELECT count(*) FROM interval_stats WHERE answered + abandoned <> offered "
                         "OR answered_within_threshold > answered OR interval_s <> 1800") == 0
