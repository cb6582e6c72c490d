"""OrgSettingsService: the organisation settings document, versioned and audited.

Every save adds a row to `settings_versions` (body JSON, who, when); the highest version is in force.
Before any save, version 0 is the built-in defaults with the sites' time zones from the `sites` table.
Each save records an audit entry with the document before and after, in the same transaction, and
mirrors the site time zones into `sites.time_zone`.

`thresholds_for(queue, channel)` answers the service-level target/threshold and short-abandon time for a
queue (its own, else its channel's, else the default). `kpi_rules()` gives the KPI engine the same values
and the default variants, so every KPI (pages, API, CLI) applies a chat queue's 45 s per row, and
`service_level` means the organisation's chosen variant.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from callboard.core.errors import Conflict, InvalidInput, NotFound
from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.metrics.org_rules import OrgRules
from callboard.org.kpi_rules import rules_from_document
from callboard.org.settings_model import OrgSettingsDocument, Thresholds, parse_document
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.models import SettingsVersion, Site

if TYPE_CHECKING:
    from callboard.metrics.catalog import Catalog

ENTITY = "settings"


@dataclass(frozen=True)
class SettingsVersionInfo:
    """One version of the document; version 0 (created_by 'defaults') is what applies before any save."""

    version: int
    created_at: dt.datetime | None
    created_by: str
    document: OrgSettingsDocument


@dataclass(frozen=True)
class ResolvedThresholds:
    service_level_target_ratio: float
    service_level_threshold_s: float
    short_abandon_s: float
    source: str  # "queue:<id>", "channel:<name>" or "default"

    @property
    def label(self) -> str:
        """e.g. 80/45: the target percentage within the threshold in seconds."""
        return f"{self.service_level_target_ratio * 100:g}/{self.service_level_threshold_s:g}"


def _resolved(t: Thresholds, source: str) -> ResolvedThresholds:
    return ResolvedThresholds(t.service_level_target_ratio, t.service_level_threshold_s, t.short_abandon_s, source)


def validate_references(document: OrgSettingsDocument, *, catalog: Catalog, site_ids: set[str]) -> None:
    """Names the document uses must exist: sites in the app database, KPIs and variants in the catalog."""
    problems: list[str] = []
    for site in document.site_time_zones:
        if site not in site_ids:
            problems.append(f"site_time_zones.{site}: no such site (sites: {', '.join(sorted(site_ids)) or 'none'})")
    kpis = catalog.kpis()
    for kpi, metric_id in document.metric_defaults.items():
        if kpi not in kpis:
            problems.append(f"metric_defaults.{kpi}: unknown KPI (e.g. {', '.join(sorted(kpis)[:12])} ...; "
                            "see /api/v1/metrics)")
            continue
        variants = sorted(m.id for m in kpis[kpi])
        if metric_id not in variants:
            problems.append(f"metric_defaults.{kpi}: '{metric_id}' is not a variant of {kpi} "
                            f"(variants: {', '.join(variants)})")
    if problems:
        raise InvalidInput("settings are not valid: " + "; ".join(problems),
                           hint="fix the names listed, or remove those entries")


class OrgSettingsService:
    def __init__(self, db: AppDb, catalog: Catalog | None = None) -> None:
        self.db = db
        self.catalog = catalog
        self._rules: tuple[int, tuple[tuple[str, float], ...], OrgRules] | None = None

    # -- reading ---------------------------------------------------------------------------------
    def _site_zones(self) -> dict[str, str]:
        with self.db.session() as s:
            return {site.id: site.time_zone for site in s.scalars(select(Site).order_by(Site.id))}

    def sites(self) -> list[tuple[str, str]]:
        """(site id, name) of every site, for the settings form."""
        with self.db.session() as s:
            return [(site.id, site.name) for site in s.scalars(select(Site).order_by(Site.id))]

    def defaults(self) -> SettingsVersionInfo:
        return SettingsVersionInfo(0, None, "defaults", OrgSettingsDocument(site_time_zones=self._site_zones()))

    def current(self) -> SettingsVersionInfo:
        """The document in force (no permission check: for services; edges call `get`)."""
        with self.db.session() as s:
            row = s.scalar(select(SettingsVersion).order_by(SettingsVersion.version.desc()).limit(1))
            if row is not None:
                return SettingsVersionInfo(row.version, row.created_at, row.created_by,
                                           parse_document(json.loads(row.body_json)))
        return self.defaults()

    def get(self, viewer: Viewer) -> SettingsVersionInfo:
        """Everyone who reads KPIs may read the settings that shape them (no personal data in them)."""
        viewer.require("view_kpis")
        return self.current()

    def versions(self, viewer: Viewer) -> list[SettingsVersionInfo]:
        """Every saved version, newest first (the document history with who and when)."""
        viewer.require("manage_settings")
        with self.db.session() as s:
            rows = s.scalars(select(SettingsVersion).order_by(SettingsVersion.version.desc())).all()
            return [SettingsVersionInfo(r.version, r.created_at, r.created_by, parse_document(json.loads(r.body_json)))
                    for r in rows]

    def version(self, viewer: Viewer, number: int) -> SettingsVersionInfo:
        viewer.require("manage_settings")
        if number == 0:
            return self.defaults()
        with self.db.session() as s:
            row = s.get(SettingsVersion, number)
            if row is None:
                raise NotFound(f"no settings version {number}", hint="see GET /api/v1/settings/versions")
            return SettingsVersionInfo(row.version, row.created_at, row.created_by,
                                       parse_document(json.loads(row.body_json)))

    # -- saving ----------------------------------------------------------------------------------
    def save(self, viewer: Viewer, document: OrgSettingsDocument | dict[str, object], *,
             expected_version: int | None = None, catalog: Catalog | None = None) -> SettingsVersionInfo:
        """Validate, then store as a new version with an audit entry (before/after). `expected_version`:
        the version the editor started from; if another save came in between, Conflict."""
        viewer.require("manage_settings")
        doc = document if isinstance(document, OrgSettingsDocument) else parse_document(document)
        catalog = catalog or self.catalog
        if catalog is None:
            raise InvalidInput("cannot check metric variants without the catalog",
                               hint="construct OrgSettingsService(app_db, catalog) or pass catalog=")
        before = self.current()
        validate_references(doc, catalog=catalog, site_ids=set(self._site_zones()))
        now = audit.utc_now()
        with self.db.session() as s:
            latest = s.scalar(select(func.max(SettingsVersion.version))) or 0
            if expected_version is not None and expected_version != latest:
                raise Conflict(f"the settings changed since version {expected_version} (now version {latest})",
                               hint="reload the settings, re-apply your change and save again")
            body = doc.model_dump(mode="json")
            number = latest + 1
            s.add(SettingsVersion(version=number, created_at=now, created_by=viewer.username,
                                  body_json=json.dumps(body, sort_keys=True)))
            for site_id, zone in doc.site_time_zones.items():
                site = s.get(Site, site_id)
                if site is not None:
                    site.time_zone = zone
            audit.record(s, actor=viewer.username, action="update", entity=ENTITY, entity_id=number,
                         before={"version": before.version, **before.document.model_dump(mode="json")},
                         after={"version": number, **body})
        return SettingsVersionInfo(number, now, viewer.username, doc)

    # -- what other services ask -----------------------------------------------------------------
    def thresholds_for(self, queue: str | None = None, channel: str | None = None,
                       document: OrgSettingsDocument | None = None) -> ResolvedThresholds:
        """The queue's own thresholds, else its channel's, else the default."""
        doc = document or self.current().document
        if queue and queue in doc.queue_thresholds:
            return _resolved(doc.queue_thresholds[queue], f"queue:{queue}")
        if channel and channel in doc.channel_thresholds:
            return _resolved(doc.channel_thresholds[channel], f"channel:{channel}")
        return _resolved(doc.default_thresholds, "default")

    def kpi_rules(self, fallback: dict[str, float]) -> OrgRules:
        """The rules the KPI engine applies (org/kpi_rules.py), rebuilt only when a new version is saved
        (by this process or another: the version number is read each time, one indexed query)."""
        with self.db.session() as s:
            latest = s.scalar(select(func.max(SettingsVersion.version))) or 0
        key = tuple(sorted(fallback.items()))
        cached = self._rules
        if cached is not None and cached[0] == latest and cached[1] == key:
            return cached[2]
        current = self.current()
        rules = rules_from_document(current.document, current.version, fallback)
        self._rules = (current.version, key, rules)
        return rules

    def metric_defaults(self) -> dict[str, str]:
        return dict(self.current().document.metric_defaults)

    def time_zone_for(self, site_id: str) -> str:
        doc = self.current().document
        if site_id in doc.site_time_zones:
            return doc.site_time_zones[site_id]
        zones = self._site_zones()
        if site_id not in zones:
            raise NotFound(f"no site '{site_id}'", hint=f"sites: {', '.join(sorted(zones)) or 'none'}")
        return zones[site_id]
