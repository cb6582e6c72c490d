"""Post-contact surveys: CSAT 1-5, NPS 0-10, CES 1-7 and "was your issue resolved?" (1 yes / 0 no).

About one in six handled inbound contacts gets a response, a few hours to a few days after the contact
(responses that would arrive after the period are not there yet). Scores follow one latent
satisfaction per response: resolution, waiting, transfers and the last agent's manner move it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from callboard.demo.arrow_util import constant, texts, timestamps
from callboard.demo.contacts import ContactFacts
from callboard.demo.handling import PROFILES
from callboard.demo.names import NEGATIVE_COMMENTS, NEUTRAL_COMMENTS, POSITIVE_COMMENTS
from callboard.demo.org import SOURCE, Org
from callboard.demo.roster import DAY_MS

HOUR_MS = 3_600_000
# question -> (scale_min, scale_max, share of respondents who answer it)
QUESTIONS = {"csat": (1.0, 5.0, 1.0), "nps": (0.0, 10.0, 0.75), "ces": (1.0, 7.0, 0.55), "resolved": (0.0, 1.0, 0.8)}


def build_surveys(rng: np.random.Generator, org: Org, facts: ContactFacts) -> pa.Table:
    n = len(facts.contact_id)
    rate = np.array([PROFILES[q.queue_id].survey_rate if q.queue_id in PROFILES else 0.0 for q in org.queues])
    eligible = facts.handled & facts.inbound & ~facts.bot
    respond = eligible & (rng.random(n) < rate[facts.queue])
    delay = (HOUR_MS * np.exp(rng.normal(1.0, 1.1, n))).astype(np.int64).clip(5 * 60_000, 5 * DAY_MS)
    responded = facts.ended_ms + delay
    respond &= responded < org.days * DAY_MS  # not in yet
    idx = np.flatnonzero(respond)

    shift = np.array([a.csat_shift for a in org.agents])[facts.last_agent[idx]]
    wait_min = facts.first_wait_ms[idx] / 60_000.0
    latent = (
        1.4
        - 1.5 * facts.unresolved[idx]
        - 0.6 * facts.transferred[idx]
        - np.minimum(wait_min, 60.0) / 60.0 * 0.5
        - np.minimum(wait_min, 3.0) * 0.15
        + shift
        + rng.normal(0.0, 0.8, len(idx))
    )
    csat = np.digitize(latent, [-1.0, -0.4, 0.2, 1.0]) + 1  # 1..5
    nps = np.clip(np.round(7.2 + 2.0 * latent + rng.normal(0.0, 0.9, len(idx))), 0, 10)
    ces = np.clip(np.round(5.0 + 1.1 * latent + rng.normal(0.0, 0.7, len(idx))), 1, 7)
    says_resolved = np.where(facts.unresolved[idx], rng.random(len(idx)) < 0.2, rng.random(len(idx)) < 0.9)
    scores = {"csat": csat, "nps": nps, "ces": ces, "resolved": says_resolved.astype(float)}

    comment = np.full(len(idx), None, dtype=object)
    has_comment = rng.random(len(idx)) < 0.15
    pools = [(csat >= 4, POSITIVE_COMMENTS), (csat == 3, NEUTRAL_COMMENTS), (csat <= 2, NEGATIVE_COMMENTS)]
    for mask, choices in pools:
        sel = np.flatnonzero(has_comment & mask)
        comment[sel] = np.array(choices, dtype=object)[rng.integers(0, len(choices), len(sel))]

    parts = []
    for question, (lo, hi, share) in QUESTIONS.items():
        answered = rng.random(len(idx)) < share
        rows = np.flatnonzero(answered)
        ids = facts.contact_id.take(idx[rows])
        parts.append(
            pa.table(
                {
                    "source": constant(SOURCE, len(rows)),
                    "response_id": pc.binary_join_element_wise(ids, pa.scalar(question), "-"),
                    "contact_id": ids,
                    "question": constant(question, len(rows)),
                    "score": pa.array(scores[question][rows].astype(float)),
                    "scale_min": pa.array(np.full(len(rows), lo)),
                    "scale_max": pa.array(np.full(len(rows), hi)),
                    "responded_at": timestamps(responded[idx[rows]], org.start),
                    "comment": texts(comment[rows]) if question == "csat" else pa.nulls(len(rows), pa.string()),
                }
            )
        )
    return pa.concat_tables(parts)
