"""The default KPI set per agent per day as one hand-written DuckDB statement.

Written from `reference/kpi-definitions.md` (§1-§9), not from Callboard's compiled SQL, to serve as
the baseline and as an independent check of Callboard's numbers. Attribution:

- queue KPIs (offered .. asa_s): the queue entry's day of `enqueued_at` and its answering agent (§2.4);
- handle KPIs (handled .. transfer_rate): each agent segment, on the day of `acw_ended_at` (§2.4, §2.5);
- FCR, CSAT, NPS, CES: the contact's day of `arrived_at`, credited to its last handling agent, the
  segment connected last, ties by `segment_seq` (§2.5);
- bot-only contacts are excluded from queue and agent KPIs (§2.7); empty denominators give NULL (§2.1);
- a part the source does not log (NULL wait, talk, hold, ACW or hold count) is unknown, not zero: each
  average divides by the segments (entries) whose parts it sums are known. The reference is silent on
  NULL parts; this is the rule the catalog adopted for mixed sources (commit e1fc233).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KpiParams:
    threshold_s: float = 20.0  # service level T (§3), inclusive
    short_abandon_s: float = 5.0  # §3, §4, inclusive
    fcr_window_days: int = 7  # §8: a repeat arrives in (arrived_at, arrived_at + W days]
    survey_window_days: int = 7  # §9: responses accepted up to W days after the contact


def kpi_sql(p: KpiParams) -> str:
    sl_ms = int(round(p.threshold_s * 1000))
    short_ms = int(round(p.short_abandon_s * 1000))
    return f"""
WITH
queue AS (
  SELECT agent_id, CAST(enqueued_at AS DATE) AS day,
         count(*)                                                         AS offered,
         count(*) FILTER (WHERE outcome = 'answered')                     AS answered,
         count(*) FILTER (WHERE outcome = 'abandoned')                    AS abandoned,
         count(*) FILTER (WHERE outcome = 'flowed_out')                   AS flowed_out,
         count(*) FILTER (WHERE outcome = 'abandoned' AND wait_ms <= {short_ms}) AS short_abandoned,
         count(*) FILTER (WHERE outcome = 'answered' AND wait_ms <= {sl_ms})     AS answered_within,
         sum(wait_ms) FILTER (WHERE outcome = 'answered')                 AS wait_answered_ms,
         count(wait_ms) FILTER (WHERE outcome = 'answered')               AS answered_with_wait
  FROM queue_entries
  WHERE NOT bot_only
  GROUP BY ALL
),
handle AS (
  SELECT agent_id, CAST(coalesce(acw_ended_at, connected_at) AS DATE) AS day,
         count(*)                                           AS handled,
         sum(talk_ms + hold_ms + acw_ms)                    AS handle_ms,
         count(talk_ms + hold_ms + acw_ms)                  AS handle_known,
         sum(talk_ms)                                       AS talk_ms,
         count(talk_ms)                                     AS talk_known,
         sum(hold_ms)                                       AS hold_ms,
         count(hold_ms)                                     AS hold_known,
         sum(acw_ms)                                        AS acw_ms,
         count(acw_ms)                                      AS acw_known,
         count(*) FILTER (WHERE hold_count >= 1)            AS held,
         count(hold_count)                                  AS hold_count_known,
         count(*) FILTER (WHERE transferred_out)            AS transferred
  FROM agent_segments
  WHERE NOT bot_only
  GROUP BY ALL
),
per_contact AS (
  SELECT source, contact_id,
         arg_max(agent_id, (connected_at, segment_seq)) AS last_agent,
         bool_or(transferred_out)                       AS transferred
  FROM agent_segments
  GROUP BY ALL
),
contact AS (
  SELECT c.source, c.contact_id, c.arrived_at, pc.last_agent,
         pc.contact_id IS NOT NULL AND NOT c.bot_only AND c.customer_id IS NOT NULL AS eligible,
         coalesce(pc.transferred, false) AS transferred,
         min(CASE WHEN c.direction = 'inbound' AND c.callback_of IS NULL THEN c.arrived_at END) OVER (
           PARTITION BY c.customer_id ORDER BY c.arrived_at, c.contact_id
           ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
         ) AS next_arrival
  FROM contacts c LEFT JOIN per_contact pc ON pc.source = c.source AND pc.contact_id = c.contact_id
),
fcr AS (
  SELECT last_agent AS agent_id, CAST(arrived_at AS DATE) AS day,
         count(*) FILTER (WHERE eligible) AS fcr_eligible,
         count(*) FILTER (WHERE eligible AND NOT transferred AND (next_arrival IS NULL
                          OR next_arrival > arrived_at + INTERVAL {int(p.fcr_window_days)} DAY)) AS fcr_resolved
  FROM contact
  GROUP BY ALL
),
response AS (
  SELECT r.question, r.score, r.scale_min, r.scale_max, c.last_agent, c.arrived_at
  FROM survey_responses r
  JOIN contact c ON c.source = r.source AND c.contact_id = r.contact_id
  WHERE r.responded_at <= c.arrived_at + INTERVAL {int(p.survey_window_days)} DAY
  QUALIFY row_number() OVER (PARTITION BY r.source, r.contact_id, r.question
                             ORDER BY r.responded_at DESC, r.response_id DESC) = 1
),
survey AS (
  SELECT last_agent AS agent_id, CAST(arrived_at AS DATE) AS day,
         count(score) FILTER (WHERE question = 'csat' AND scale_min = 1 AND scale_max = 5)               AS csat_n,
         count(*) FILTER (WHERE question = 'csat' AND scale_min = 1 AND scale_max = 5 AND score >= 4)   AS csat_top2,
         count(score) FILTER (WHERE question = 'nps' AND scale_min = 0 AND scale_max = 10)              AS nps_n,
         count(*) FILTER (WHERE question = 'nps' AND scale_min = 0 AND scale_max = 10 AND score >= 9)   AS promoters,
         count(*) FILTER (WHERE question = 'nps' AND scale_min = 0 AND scale_max = 10 AND score <= 6)   AS detractors,
         count(score) FILTER (WHERE question = 'ces' AND scale_min = 1 AND scale_max = 7)               AS ces_n,
         sum(score) FILTER (WHERE question = 'ces' AND scale_min = 1 AND scale_max = 7)                 AS ces_sum
  FROM response
  GROUP BY ALL
),
groups AS (
  SELECT agent_id, day FROM queue UNION SELECT agent_id, day FROM handle
  UNION SELECT agent_id, day FROM fcr UNION SELECT agent_id, day FROM survey
)
SELECT g.agent_id AS agent, g.day,
       coalesce(q.offered, 0)   AS offered,
       coalesce(q.answered, 0)  AS answered,
       coalesce(q.abandoned, 0) AS abandoned,
       q.answered_within::DOUBLE / nullif(q.answered + q.abandoned + q.flowed_out - q.short_abandoned, 0) AS service_level,
       (q.abandoned - q.short_abandoned)::DOUBLE
         / nullif(q.answered + q.abandoned + q.flowed_out - q.short_abandoned, 0)        AS abandon_rate,
       q.wait_answered_ms::DOUBLE / nullif(q.answered_with_wait, 0) / 1000               AS asa_s,
       coalesce(h.handled, 0)                                                            AS handled,
       h.handle_ms::DOUBLE / nullif(h.handle_known, 0) / 1000                            AS aht_s,
       h.talk_ms::DOUBLE / nullif(h.talk_known, 0) / 1000                                AS avg_talk_s,
       h.hold_ms::DOUBLE / nullif(h.hold_known, 0) / 1000                                AS avg_hold_s,
       h.acw_ms::DOUBLE / nullif(h.acw_known, 0) / 1000                                  AS avg_acw_s,
       h.held::DOUBLE / nullif(h.hold_count_known, 0)                                    AS hold_rate,
       h.transferred::DOUBLE / nullif(h.handled, 0)                                      AS transfer_rate,
       f.fcr_resolved::DOUBLE / nullif(f.fcr_eligible, 0)                                AS fcr_rate,
       s.csat_top2::DOUBLE / nullif(s.csat_n, 0)                                         AS csat_top2_rate,
       100 * (s.promoters - s.detractors)::DOUBLE / nullif(s.nps_n, 0)                   AS nps,
       s.ces_sum / nullif(s.ces_n, 0)                                                    AS ces_mean
FROM groups g
LEFT JOIN queue  q ON q.agent_id IS NOT DISTINCT FROM g.agent_id AND q.day = g.day
LEFT JOIN handle h ON h.agent_id IS NOT DISTINCT FROM g.agent_id AND h.day = g.day
LEFT JOIN fcr    f ON f.agent_id IS NOT DISTINCT FROM g.agent_id AND f.day = g.day
LEFT JOIN survey s ON s.agent_id IS NOT DISTINCT FROM g.agent_id AND s.day = g.day
ORDER BY 1, 2
"""
