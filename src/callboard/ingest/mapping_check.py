"""What a user should hear before identity mappings are saved: a misspelt source or agent, and history that
cannot follow a re-mapped identity (the mappings are still saved: mapping ahead of a first load is normal)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from callboard.core.errors import closest


@dataclass(frozen=True)
class MappingOutcome:
    """The result of saving identity mappings: stored fact rows moved to their agents, and warnings."""

    rows_moved: int
    warnings: tuple[str, ...] = ()


def _guess(name: str, valid: Iterable[str]) -> str:
    close = closest(name, sorted(valid))
    return f" (did you mean {close[0]}?)" if close else ""


def mapping_warnings(
    rows: list[tuple[str, str, str]], *, current: list[tuple[str, str, str]], loaded_sources: set[str],
    known_agents: set[str],
) -> tuple[str, ...]:
    """Warnings for `rows` (source, identity, agent) against the identity map as it is (`current`), the sources
    data was loaded from, and the agents the store knows (no agent warning while it knows none)."""
    mapped = {(source, identity): agent for source, identity, agent in current}
    sources = loaded_sources | {source for source, _, _ in current}
    warnings: list[str] = []
    for source, identity, agent in rows:
        if sources and source not in sources:
            warnings.append(f"no data has been loaded from source '{source}'{_guess(source, sources)}: the mapping "
                            f"applies to later loads from it (loaded sources: {', '.join(sorted(sources))})")
        if known_agents and agent not in known_agents:
            warnings.append(f"agent '{agent}' is not one of the {len(known_agents)} known agents"
                            f"{_guess(agent, known_agents)}")
        previous = mapped.get((source, identity))
        if previous is not None and previous != agent:
            sharing = sorted(i for (s, i), a in mapped.items() if s == source and a == previous and i != identity)
            if sharing:
                warnings.append(
                    f"{source} {identity} was mapped to {previous}, as {', '.join(sharing)} still is: rows of "
                    f"{source} stored as {previous} stay with {previous} (Callboard cannot tell which were "
                    f"{identity}'s); rows loaded from now on go to {agent}")
        mapped[(source, identity)] = agent
    return tuple(warnings)
