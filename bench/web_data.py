"""Data directory for the web benchmark: bench/synth.py contacts plus an organisation and sign-ins.

`prepare(data_dir, rows, seed)` fills `data_dir` once (a marker file `bench-web.json` records rows and
seed; a matching directory is reused as is):

- the analytics store: `bench/synth.generate(rows, seed)` (200 agents a001-a200: 120 voice, 50 chat,
  30 email; 10 queues; 90 days from 2026-01-05 UTC) loaded through `DuckDBStore.load`;
- the organisation (app database, mirrored to the store's team_memberships): two sites, nine teams
  (six voice teams of 20, two chat teams of 25, one email team of 30); a010 moves from t_voice1 to
  t_voice2 on 2026-02-15, so effective-dated membership is exercised;
- sign-ins, password `bench`: admin, manager (site s_north), qa (both sites), planner, one supervisor
  per voice/chat team (sup.voice1..6, sup.chat1..2) and ten agents (a005, a025, ... a185).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password"
MARKER = "bench-web.json"
SITES = (("s_north", "North"), ("s_south", "South"))
# team id -> (name, site, first agent number, last agent number)
TEAMS: dict[str, tuple[str, str, int, int]] = {
    **{f"t_voice{i}": (f"Voice {i}", "s_north" if i <= 3 else "s_south", 1 + 20 * (i - 1), 20 * i) for i in range(1, 7)},
    "t_chat1": ("Chat 1", "s_north", 121, 145),
    "t_chat2": ("Chat 2", "s_south", 146, 170),
    "t_email": ("Email", "s_south", 171, 200),
}
JOINED = dt.datetime(2025, 1, 1)
MOVE = ("a010", "t_voice1", "t_voice2", dt.datetime(2026, 2, 15))
AGENT_USERS = tuple(f"a{n:03d}" for n in range(5, 200, 20))


@dataclass(frozen=True)
class BenchUser:
    username: str
    role: str
    agents: tuple[str, ...]  # agent pages this user opens (in scope); empty: overview only


def agents_of(team: str) -> tuple[str, ...]:
    _, _, lo, hi = TEAMS[team]
    return tuple(f"a{n:03d}" for n in range(lo, hi + 1))


def users() -> list[BenchUser]:
    """The 20 sign-ins the clients use, one each, every role represented."""
    out = [BenchUser("admin", "admin", ("a001", "a121", "a171")),
           BenchUser("manager", "manager", ("a002", "a041", "a122")),
           BenchUser("qa", "qa_analyst", ("a003", "a150")),
           BenchUser("planner", "planner", ())]
    for team in [t for t in TEAMS if t != "t_email"]:
        team_agents = agents_of(team)
        out.append(BenchUser(f"sup.{team[2:]}", "supervisor", team_agents[6:9]))
    out += [BenchUser(a, "agent", (a,)) for a in AGENT_USERS]
    return out


def _memberships() -> list[tuple[str, str, dt.datetime, dt.datetime | None]]:
    rows: list[tuple[str, str, dt.datetime, dt.datetime | None]] = []
    for team in TEAMS:
        for agent in agents_of(team):
            if agent == MOVE[0]:
                rows.append((agent, MOVE[1], JOINED, MOVE[3]))
                rows.append((agent, MOVE[2], MOVE[3], None))
            else:
                rows.append((agent, team, JOINED, None))
    return rows


def _load_contacts(data_dir: Path, rows: int, seed: int) -> dict[str, float]:
    from bench.synth import SOURCE, generate
    from callboard.records.batch import LoadBatch
    from callboard.store.duckdb_store import DuckDBStore

    started = time.perf_counter()
    data = generate(rows, seed)
    generated = time.perf_counter()
    store = DuckDBStore(data_dir / "analytics.duckdb")
    try:
        batch = LoadBatch(source=SOURCE, file="<bench/synth>", file_sha256=None, rows_read=data.tables["contacts"].num_rows)
        for name, table in data.tables.items():
            batch.add(name, table)
        store.load(batch, batch_id="bench-web")
        store.raw.execute("CHECKPOINT")
    finally:
        store.close()
    return {"generate_s": round(generated - started, 1), "load_s": round(time.perf_counter() - generated, 1)}


def _seed_org(data_dir: Path) -> None:
    from callboard.core.settings import load_settings
    from callboard.core.viewer import LOCAL_OWNER
    from callboard.org.org import MembershipInfo
    from callboard.runtime import build_runtime

    with build_runtime(load_settings(data_dir)) as runtime:
        org = runtime.org
        for site_id, name in SITES:
            org.add_site(LOCAL_OWNER, site_id=site_id, name=name, time_zone="UTC")
        for team_id, (name, site, _, _) in TEAMS.items():
            org.add_team(LOCAL_OWNER, team_id=team_id, name=name, site_id=site)
        org.add_memberships(LOCAL_OWNER, [MembershipInfo(*m) for m in _memberships()])
        for user in users():
            runtime.users.create_user(LOCAL_OWNER, username=user.username, password=PASSWORD, role=user.role,
                                      display_name=user.username, agent_id=user.username if user.role == "agent" else None,
                                      site_id="s_north" if user.role == "manager" else None)
            if user.role == "supervisor":
                org.set_supervisor(LOCAL_OWNER, username=user.username, team_id="t_" + user.username[4:])
            if user.role == "qa_analyst":
                for site_id, _ in SITES:
                    org.assign_site(LOCAL_OWNER, username=user.username, site_id=site_id)


def _seed_scorecards(data_dir: Path) -> None:
    """A monthly scorecard per team (as the demo's), QA slot included; idempotent."""
    from callboard.core.settings import load_settings
    from callboard.core.viewer import LOCAL_OWNER
    from callboard.runtime import build_runtime
    from callboard.scorecards.config import ItemSpec, ScorecardSpec

    qa = ItemSpec("qa", "qa_score", 20, 60, 90)
    voice = (ItemSpec("kpi", "service_level", 15, 0.70, 0.90), ItemSpec("kpi", "aht_s", 15, 420, 240),
             ItemSpec("kpi", "fcr_rate", 20, 0.65, 0.85), ItemSpec("kpi", "csat_top2_rate", 20, 0.55, 0.85),
             ItemSpec("kpi", "transfer_rate", 10, 0.15, 0.03), qa)
    digital = (ItemSpec("kpi", "fcr_rate", 25, 0.65, 0.85), ItemSpec("kpi", "csat_top2_rate", 25, 0.55, 0.85),
               ItemSpec("kpi", "aht_s", 15, 900, 450), qa)
    with build_runtime(load_settings(data_dir)) as runtime:
        service = runtime.scorecards
        have = {(c.applies_to_kind, c.applies_to_id) for c in service.list_scorecards(LOCAL_OWNER)}
        for team_id, (name, _, _, _) in TEAMS.items():
            if ("team", team_id) not in have:
                items = voice if team_id.startswith("t_voice") else digital
                service.create_scorecard(LOCAL_OWNER, ScorecardSpec(f"{name} monthly", "team", team_id, "month", items))


def prepare(data_dir: Path, rows: int, seed: int) -> dict[str, object]:
    """Fill `data_dir` (or reuse it when its marker matches); returns the marker's contents."""
    marker = data_dir / MARKER
    wanted = {"rows": rows, "seed": seed}
    if marker.is_file():
        info = json.loads(marker.read_text())
        if {k: info.get(k) for k in wanted} == wanted:
            _seed_scorecards(data_dir)
            return {**info, "reused": True}
        raise SystemExit(f"{data_dir} holds web benchmark data for {info}, not {wanted}: pick another --data-dir")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise SystemExit(f"{data_dir} is not empty and has no {MARKER}: pick an empty or new --data-dir")
    data_dir.mkdir(parents=True, exist_ok=True)
    timings = _load_contacts(data_dir, rows, seed)
    _seed_org(data_dir)
    _seed_scorecards(data_dir)
    info = {**wanted, **timings, "prepared": dt.datetime.now().isoformat(timespec="seconds")}
    marker.write_text(json.dumps(info))
    return {**info, "reused": False}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=20260105)
    args = parser.parse_args()
    print(json.dumps(prepare(args.data_dir, args.rows, args.seed)))
