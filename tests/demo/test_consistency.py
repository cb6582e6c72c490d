"""Internal consistency of the generated rows, and determinism."""

from __future__ import annotations

import datetime as dt

import duckdb

from callboard.demo import DemoData, generate_demo
from tests.demo.helpers import END, TABLES, scalar


def test_same_seed_and_end_date_give_identical_rows(demo14: DemoData) -> None:
    again = generate_demo(seed=7, days=14, end_date=END)
    for name in TABLES:
        assert again.table(name).equals(demo14.table(name)), name
    other = generate_demo(seed=8, days=14, end_date=END)
    assert not other.table("contacts").equals(demo14.table("contacts"))


def test_segment_times_add_up(sql14: duckdb.DuckDBPyConnection) -> None:
    assert scalar(sql14, "SELECT count(*) FROM agent_segments WHERE epoch_ms(acw_ended_at) - epoch_ms(connected_at) "
                         "<> talk_ms + hold_ms + acw_ms") == 0
    assert scalar(sql14, "SELECT count(*) FROM agent_segments WHERE talk_ms <= 0 OR hold_ms < 0 OR acw_ms < 0") == 0
    assert scalar(sql14, "SELECT count(*) FROM queue_entries WHERE epoch_ms(dequeued_at) - epoch_ms(enqueued_at) "
                         "<> wait_ms OR wait_ms < 0") == 0


def test_every_row_belongs_to_a_contact_and_agent(sql14: duckdb.DuckDBPyConnection) -> None:
    for table in ("queue_entries", "agent_segments", "survey_responses"):
        assert scalar(sql14, f"SELECT count(*) FROM {table} WHERE contact_id NOT IN "
                             "(SELECT contact_id FROM contacts)") == 0, table
    assert scalar(sql14, "SELECT count(*) - count(DISTINCT contact_id) FROM contacts") == 0
    for table in ("agent_segments", "agent_states", "team_memberships"):
        assert scalar(sql14, f"SELECT count(*) FROM {table} WHERE agent_id NOT IN (SELECT agent_id FROM agents)") == 0
    # Contact-level copies agree with the contact.
    assert scalar(sql14, """
        SELECT count(*) FROM agent_segments s JOIN contacts c USING (contact_id)
        WHERE s.channel <> c.channel OR s.direction <> c.direction OR s.customer_id <> c.customer_id
           OR s.topic <> c.topic OR s.bot_only <> c.bot_only""") == 0


def test_answered_entries_match_the_answering_segment(sql14: duckdb.DuckDBPyConnection) -> None:
    """connected_at = enqueued_at + wait, and the entry names the agent who answered."""
    assert scalar(sql14, """
        SELECT count(*) FROM queue_entries e WHERE e.outcome = 'answered' AND NOT EXISTS (
          SELECT 1 FROM agent_segments s WHERE s.contact_id = e.contact_id AND s.agent_id = e.agent_id
            AND s.connected_at = e.enqueued_at + to_milliseconds(e.wait_ms) AND s.queue_id = e.queue_id)""") == 0
    assert scalar(sql14, "SELECT count(*) FROM queue_entries WHERE outcome = 'answered' AND agent_id IS NULL") == 0
    inbound_segments = scalar(sql14, "SELECT count(*) FROM agent_segments WHERE direction = 'inbound'")
    answered = scalar(sql14, "SELECT count(*) FROM queue_entries WHERE outcome = 'answered'")
    assert inbound_segments == answered
    assert scalar(sql14, "SELECT count(*) FROM contacts WHERE ended_at < arrived_at OR updated_at < ended_at") == 0


def test_agent_states_form_one_timeline_per_agent(demo14: DemoData, sql14: duckdb.DuckDBPyConnection) -> None:
    assert scalar(sql14, """
        SELECT count(*) FROM (SELECT ended_at, lead(started_at) OVER (PARTITION BY agent_id ORDER BY started_at) nxt
                              FROM agent_states) WHERE nxt IS NOT NULL AND nxt <> ended_at""") == 0
    assert scalar(sql14, "SELECT count(*) FROM agent_states WHERE ended_at <= started_at") == 0
    period_end = dt.datetime.combine(demo14.end_date + dt.timedelta(days=1), dt.time())
    assert scalar(sql14, "SELECT max(ended_at) FROM agent_states") == period_end
    assert scalar(sql14, "SELECT count(DISTINCT agent_id) FROM agent_states WHERE ended_at = "
                         f"TIMESTAMP '{period_end}'") == 40  # everyone's timeline runs to the end of the period
    assert scalar(sql14, "SELECT count(DISTINCT record_id) - count(*) FROM agent_states") == 0


def test_voice_and_email_contacts_sit_inside_contact_states(sql14: duckdb.DuckDBPyConnection) -> None:
    """A single-lane agent is on_contact or in acw for the whole of each of their contacts (never on a break,
    offline or available), so occupancy and adherence computed from states agree with the segments."""
    assert scalar(sql14, """
        SELECT count(*) FROM agent_segments s JOIN agent_states t
          ON t.agent_id = s.agent_id AND t.started_at < s.acw_ended_at AND t.ended_at > s.connected_at
        WHERE s.channel IN ('voice', 'email') AND t.state NOT IN ('on_contact', 'acw')""") == 0
    assert scalar(sql14, """
        SELECT count(*) FROM agent_segments s JOIN agent_states t
          ON t.agent_id = s.agent_id AND t.started_at < s.acw_ended_at AND t.ended_at > s.connected_at
        WHERE s.channel IN ('chat', 'messaging') AND t.state IN ('aux', 'offline', 'available')""") == 0
