"""Scorecard configurations in the app database: list, create, update, delete (audited), and which applies.

Reading needs `view_scorecards` (team scorecards of teams in scope, and the role scorecard); changing needs
`manage_scorecards` (managers, admins): a team scorecard for a team in scope, the organisation-wide role
scorecard only with an unrestricted scope (admins). Every change is audited with before and after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from callboard.core.errors import Conflict, Forbidden, NotFound
from callboard.core.viewer import LOCAL_OWNER, Viewer
from callboard.org import audit
from callboard.scorecards import config as cfg
from callboard.store.appdb.models import Scorecard

if TYPE_CHECKING:
    from callboard.org.org import OrgService
    from callboard.scorecards.figures import ScorecardFigures
    from callboard.store.appdb.engine import AppDb


class ScorecardConfigs:
    """Mixin of ScorecardService: needs `db`, `org` and `figures`."""

    db: AppDb
    org: OrgService

    @property
    def figures(self) -> ScorecardFigures:  # provided by ScorecardService
        raise NotImplementedError

    def list_scorecards(self, viewer: Viewer) -> list[cfg.ScorecardConfig]:
        viewer.require("view_scorecards")
        with self.db.session() as s:
            return [cfg.to_config(r) for r in cfg.find_rows(s)
                    if r.applies_to_kind == "role" or viewer.sees_team(r.applies_to_id)]

    def get_scorecard(self, viewer: Viewer, scorecard_id: int) -> cfg.ScorecardConfig:
        viewer.require("view_scorecards")
        with self.db.session() as s:
            row = self._row(s, scorecard_id)
            if row.applies_to_kind == "team":
                viewer.require_team(row.applies_to_id)
            return cfg.to_config(row)

    def create_scorecard(self, viewer: Viewer, spec: cfg.ScorecardSpec) -> cfg.ScorecardConfig:
        spec = self._check_change(viewer, spec)
        now = audit.utc_now()
        with self.db.session() as s:
            self._unique(s, spec, None)
            row = Scorecard(created_at=now, updated_at=now)
            cfg.apply_spec(s, row, spec, now)
            s.add(row)
            s.flush()
            after = cfg.to_config(row)
            audit.record(s, actor=viewer.username, action="create", entity="scorecard", entity_id=row.id,
                         after=after.as_dict())
            return after

    def update_scorecard(self, viewer: Viewer, scorecard_id: int, spec: cfg.ScorecardSpec) -> cfg.ScorecardConfig:
        spec = self._check_change(viewer, spec)
        with self.db.session() as s:
            row = self._row(s, scorecard_id)
            before = cfg.to_config(row)
            self._check_scope(viewer, before.applies_to_kind, before.applies_to_id)
            self._unique(s, spec, scorecard_id)
            cfg.apply_spec(s, row, spec, audit.utc_now())
            s.flush()
            after = cfg.to_config(row)
            audit.record(s, actor=viewer.username, action="update", entity="scorecard", entity_id=scorecard_id,
                         before=before.as_dict(), after=after.as_dict())
            return after

    def delete_scorecard(self, viewer: Viewer, scorecard_id: int) -> None:
        viewer.require("manage_scorecards")
        with self.db.session() as s:
            row = self._row(s, scorecard_id)
            before = cfg.to_config(row)
            self._check_scope(viewer, before.applies_to_kind, before.applies_to_id)
            s.delete(row)
            audit.record(s, actor=viewer.username, action="delete", entity="scorecard", entity_id=scorecard_id,
                         before=before.as_dict())

    def changes(self, viewer: Viewer, *, limit: int = 20) -> list[audit.AuditRow]:
        """Recent audited changes to scorecards of the teams in the viewer's scope (role scorecard: all)."""
        viewer.require("manage_scorecards")
        with self.db.session() as s:
            rows = audit.entries(s, entity="scorecard", limit=200)

        def visible(row: audit.AuditRow) -> bool:
            body = row.after or row.before or {}
            return body.get("applies_to_kind") != "team" or viewer.sees_team(str(body.get("applies_to_id")))

        return [r for r in rows if visible(r)][:limit]

    def _check_change(self, viewer: Viewer, spec: cfg.ScorecardSpec) -> cfg.ScorecardSpec:
        viewer.require("manage_scorecards")
        team_ids = {t.id for t in self.org.teams(LOCAL_OWNER)}
        spec = cfg.validate(spec, team_ids=team_ids, metric_better=lambda m: self.figures.describe(m).better)
        self._check_scope(viewer, spec.applies_to_kind, spec.applies_to_id)
        return spec

    @staticmethod
    def _check_scope(viewer: Viewer, kind: str, target: str) -> None:
        if kind == "team":
            viewer.require_team(target)
        elif viewer.team_ids is not None:
            raise Forbidden("only an administrator may change the organisation-wide role scorecard",
                            hint="configure a scorecard for one of your teams instead")

    @staticmethod
    def _unique(session: Session, spec: cfg.ScorecardSpec, own_id: int | None) -> None:
        for row in cfg.find_rows(session):
            if (row.applies_to_kind, row.applies_to_id) == (spec.applies_to_kind, spec.applies_to_id) \
                    and row.id != own_id:
                raise Conflict(f"{spec.applies_to_kind} {spec.applies_to_id} already has scorecard {row.id} "
                               f"'{row.name}'", hint=f"edit scorecard {row.id} instead")

    @staticmethod
    def _row(session: Session, scorecard_id: int) -> Scorecard:
        row = session.get(Scorecard, scorecard_id)
        if row is None:
            raise NotFound(f"no scorecard {scorecard_id}", hint="see /api/v1/scorecards for the list")
        return row

    def config_for_team(self, team_id: str) -> cfg.ScorecardConfig | None:
        """The team's own scorecard, else the role scorecard for agents, else None."""
        with self.db.session() as s:
            rows = cfg.find_rows(s)
            for kind, target in (("team", team_id), ("role", "agent")):
                for row in rows:
                    if (row.applies_to_kind, row.applies_to_id) == (kind, target):
                        return cfg.to_config(row)
        return None

