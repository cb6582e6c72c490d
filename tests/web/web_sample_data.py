"""A small, deterministic, demo-like contact center for web tests and the overview screenshot.

4 queues x 3 channels, 12 agents in 3 teams, 63 days (Mon 2026-01-05 to Sun 2026-03-08) of inbound
contacts with waits, abandons, holds, transfers, repeat customers (FCR) and CSAT / NPS surveys.
Built with the metrics test `Dataset` helper and loaded through the store in one batch.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import pyarrow as pa

from callboard.records.batch import LoadBatch, input_schema
from tests.metrics.builders import Dataset

QUEUES = {"Billing": "voice", "Sales": "voice", "Support": "chat", "Tech": "email"}
TEAMS = {"Team Aurora": ["ana", "ben", "carla", "dev"], "Team Borealis": ["eli", "fay", "gus", "hana"],
         "Team Cirrus": ["ivo", "jun", "kai", "lea"]}
FIRST_DAY = dt.date(2026, 1, 5)  # a Monday; 63 days end on Sun 2026-03-08


def build_dataset(*, days: int = 63, per_day: int = 40, seed: int = 7, first_day: dt.date = FIRST_DAY) -> Dataset:
    rng = random.Random(seed)
    ds = Dataset(source="sample")
    agents = [a for members in TEAMS.values() for a in members]
    for team, members in TEAMS.items():
        for agent in members:
            ds.team_memberships.append(dict(agent_id=agent, team_id=team,
                                            valid_from=dt.datetime.combine(first_day, dt.time()) - dt.timedelta(days=30),
                                            valid_to=None))
    customers = [f"cust{i:04d}" for i in range(per_day * days // 3)]
    n = 0
    for day_index in range(days):
        day = first_day + dt.timedelta(days=day_index)
        weekend = day.weekday() >= 5
        volume = int(per_day * (0.5 if weekend else 1.0) * rng.uniform(0.85, 1.15))
        for _ in range(volume):
            n += 1
            queue = rng.choices(list(QUEUES), weights=[4, 3, 3, 1])[0]
            channel = QUEUES[queue]
            at = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(seconds=rng.randint(0, 10 * 3600))
            cid = f"c{n:06d}"
            ds.contact(cid, at=at, channel=channel, customer_id=rng.choice(customers),
                       topic=rng.choice(["invoice", "plan change", "outage", "password", "refund"]),
                       resolved=rng.random() < 0.8)
            busy = 1.6 if day.weekday() == 0 else 1.0
            wait = rng.expovariate(1 / ({"voice": 11, "chat": 8, "email": 25}[channel] * busy))
            if channel == "voice" and rng.random() < 0.07 * busy:
                ds.entry(cid, queue=queue, outcome="abandoned", wait_s=round(wait + 5, 1))
                continue
            agent = rng.choice(agents)
            ds.entry(cid, queue=queue, outcome="answered", wait_s=round(wait, 1), agent=agent)
            talk = rng.gauss(240 if channel == "voice" else 420, 60)
            held = channel == "voice" and rng.random() < 0.25
            transfer = rng.random() < 0.08
            ds.segment(cid, agent, queue=queue, at=at + dt.timedelta(seconds=wait),
                       talk_s=round(max(talk, 30), 1), hold_s=round(rng.uniform(20, 90), 1) if held else 0,
                       hold_count=1 if held else 0, acw_s=round(rng.uniform(15, 60), 1), transferred_out=transfer)
            if transfer:
                other = rng.choice([a for a in agents if a != agent])
                ds.segment(cid, other, queue=queue, seq=1, at=at + dt.timedelta(seconds=wait + talk + 5),
                           talk_s=round(rng.uniform(60, 200), 1), hold_s=0, hold_count=0, acw_s=20)
            if rng.random() < 0.3:
                ds.survey(cid, "csat", rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 2, 5, 8])[0])
            if rng.random() < 0.2:
                ds.survey(cid, "nps", float(rng.choices(range(11), weights=[1] * 6 + [2, 3, 4, 6, 6])[0]), scale=(0, 10))
    return ds


DISPLAY_NAMES = {"ana": "Ana Souza", "ben": "Ben Okafor", "carla": "Carla Jensen", "dev": "Dev Patel",
                 "eli": "Eli Cohen", "fay": "Fay Morgan", "gus": "Gus Lindqvist", "hana": "Hana Sato",
                 "ivo": "Ivo Marković", "jun": "Jun Park", "kai": "Kai Weber"}  # lea has no display name


def build_batch(**kwargs: object) -> LoadBatch:
    batch = build_dataset(**kwargs).batch()  # type: ignore[arg-type]
    agents = [{"agent_id": a, "display_name": n} for a, n in DISPLAY_NAMES.items()]
    batch.add("agents", pa.Table.from_pylist(agents, schema=input_schema("agents")))
    return batch


def fill_data_dir(data_dir: Path, **kwargs: object) -> Path:
    """Create a Callboard data dir with the sample dataset loaded into its DuckDB store."""
    from callboard.core.settings import load_settings
    from callboard.runtime import build_runtime

    from callboard.core.viewer import LOCAL_OWNER

    with build_runtime(load_settings(data_dir)) as runtime:
        runtime.store.load(build_batch(**kwargs))
        runtime.users.create_user(LOCAL_OWNER, username=ADMIN_USER, password=ADMIN_PASSWORD, role="admin",
                                  display_name="Test Admin")
    return data_dir


ADMIN_USER, ADMIN_PASSWORD = "admin", "admin-password"


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/callboard-sample")
    fill_data_dir(target)
    print(target)
