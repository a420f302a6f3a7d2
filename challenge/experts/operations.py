"""专家库 operations: import, edit, (de)activate and export profiles; every change audited."""

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from ..admin.operations import find_or_create_org
from ..extensions import db
from ..models import ExpertProfile, ExpertWork, Organization, User
from ..states import OrgType, WorkKind
from ..timeutil import utcnow
from ..workflow import record
from . import importing
from .importing import Report

STASH_HOURS = 24
TOKEN_RE = re.compile(r"[0-9a-f]{32}")
PROFILE_FIELDS = ("name", "title", "fields", "keywords", "email", "phone", "bio", "affiliations",
                  "relations")


# -- the pool --------------------------------------------------------------------------------

def pool_query(q: str = "", status: str = "active", source: str = "") -> Select:
    """Profiles matching a search over name, organization, fields and keywords, and the filters."""
    query = select(ExpertProfile)
    q = (q or "").strip()
    if q:
        query = query.where(or_(*(column.icontains(q, autoescape=True) for column in (
            ExpertProfile.name, ExpertProfile.organization_name, ExpertProfile.fields,
            ExpertProfile.keywords))))
    if status in ("active", "inactive"):
        query = query.where(ExpertProfile.active.is_(status == "active"))
    if source:
        query = query.where(ExpertProfile.source == source)
    return query


def export_rows(profiles: list[ExpertProfile]) -> list[list[str]]:
    """The import layout, one row per profile, so an export can be imported again."""
    rows = []
    for p in profiles:
        org = p.organization
        rows.append([
            p.name, p.title, p.organization_name or (org.name if org else ""),
            importing.org_type_word(org.type) if org else "", org.region if org else "",
            "；".join(p.field_list), "；".join(p.keyword_list), p.email or "", p.phone or "",
            "\n".join(importing.work_line(w.kind, w.title, w.abstract, w.year, w.authors)
                      for w in p.works),
            p.bio,
        ])
    return rows


def load_for_export(query: Select) -> list[ExpertProfile]:
    return list(db.session.scalars(query.options(
        selectinload(ExpertProfile.works), selectinload(ExpertProfile.organization))
        .order_by(ExpertProfile.id)))


# -- import ----------------------------------------------------------------------------------

def check_upload(filename: str, data: bytes) -> Report:
    """Read and check a file against the pool as it is now; FileProblem if it cannot be read."""
    table = importing.read_table(filename, data)
    existing = {importing.duplicate_key(name, org) for name, org in db.session.execute(
        select(ExpertProfile.name, ExpertProfile.organization_name))}
    known = {name: org_type for name, org_type in db.session.execute(
        select(Organization.name, Organization.type))}
    return importing.check(table, filename, existing, known)


@dataclass
class ImportResult:
    imported: int
    skipped_rows: list[int]
    new_organizations: int


def import_experts(actor: User, report: Report, valid_only: bool = False) -> ImportResult:
    """Add the report's valid rows to the pool; refused when the file has errors unless
    `valid_only`. One audit event for the whole import."""
    if report.problems and not valid_only:
        raise ValueError("a file with errors is imported only with valid_only")
    orgs_before = db.session.scalar(select(db.func.count(Organization.id)))
    for row in report.valid:
        known = db.session.scalar(select(Organization).where(Organization.name == row.organization))
        org = known or find_or_create_org(row.organization, row.org_type or OrgType.OTHER, row.region)
        db.session.add(ExpertProfile(
            source="import", name=row.name, title=row.title, organization=org,
            organization_name=org.name, fields=row.fields, keywords=row.keywords,
            email=row.email or None, phone=row.phone or None, bio=row.bio,
            works=[ExpertWork(kind=w.kind, title=w.title, abstract=w.abstract, year=w.year,
                              authors=w.authors, position=i) for i, w in enumerate(row.works)]))
    db.session.flush()
    result = ImportResult(
        imported=len(report.valid), skipped_rows=report.bad_rows,
        new_organizations=db.session.scalar(select(db.func.count(Organization.id))) - orgs_before)
    # An import has no row of its own: the event hangs on the admin who ran it.
    record(actor, "import", actor, object_type="expert_import", changes={
        "file": report.filename, "rows": report.rows, "imported": result.imported,
        "skipped": len(result.skipped_rows), "skipped_rows": result.skipped_rows[:200],
        "new_organizations": result.new_organizations})
    return result


# Uploads wait server-side between the report and "import valid rows", under a random name.

def _stash_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_ROOT"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash_upload(filename: str, data: bytes, actor: User) -> str:
    folder = _stash_folder()
    cutoff = time.time() - STASH_HOURS * 3600
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.{importing.extension(filename)}").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(
        {"filename": filename, "uploaded_by": actor.id}, ensure_ascii=False), encoding="utf-8")
    return token


def load_stash(token: str) -> tuple[str, bytes] | None:
    """The original file name and content of a stashed upload, or None if gone."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    folder = _stash_folder()
    meta = folder / f"{token}.json"
    for ext in importing.EXTENSIONS:
        path = folder / f"{token}.{ext}"
        if path.is_file() and meta.is_file():
            filename = json.loads(meta.read_text(encoding="utf-8"))["filename"]
            return filename, path.read_bytes()
    return None


def drop_stash(token: str) -> None:
    if TOKEN_RE.fullmatch(token or ""):
        for path in _stash_folder().glob(f"{token}.*"):
            path.unlink(missing_ok=True)


# -- edits -----------------------------------------------------------------------------------

def start_own_profile(user: User) -> ExpertProfile:
    """A solver's or reviewer's first profile, under their account's organization."""
    profile = ExpertProfile(user_id=user.id, name=user.name, organization_id=user.organization_id,
                            organization_name=user.org_name, source="self")
    db.session.add(profile)
    return profile


def save_profile(actor: User, profile: ExpertProfile, values: dict, works: list[dict],
                 organization: Organization | None = None) -> dict:
    """Write the changed fields and works, and audit them as before → after."""
    changes = {}
    for name in PROFILE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in ("email", "phone"):
            value = value or None
        if getattr(profile, name) != value:
            changes[name] = [getattr(profile, name), value]
            setattr(profile, name, value)
    if organization is not None and (profile.organization_id != organization.id
                                     or profile.organization_name != organization.name):
        changes["organization"] = [profile.organization_name, organization.name]
        profile.organization = organization
        profile.organization_name = organization.name
    before = [(w.kind, w.title, w.abstract, w.year, w.authors) for w in profile.works]
    after = [(WorkKind(w["kind"]), w["title"], w["abstract"], w["year"], w.get("authors", ""))
             for w in works]
    if before != after:
        changes["works"] = [[importing.work_line(*w) for w in before],
                            [importing.work_line(*w) for w in after]]
        profile.works = [ExpertWork(kind=kind, title=title, abstract=abstract, year=year,
                                    authors=authors, position=i)
                         for i, (kind, title, abstract, year, authors) in enumerate(after)]
    if changes:
        profile.updated_at = utcnow()  # works-only edits too: the matcher re-reads touched rows
    db.session.flush()
    if changes:
        record(profile, "edit", actor, object_type="expert_profile", changes=changes)
    return changes


def edit_pool_profile(actor: User, profile: ExpertProfile, values: dict, works: list[dict],
                      org_name: str, org_type: OrgType) -> dict:
    """The bureau's edit: the fields, the works and the organization (registered if new).
    Raises Refused when the named organization is registered with another type."""
    organization = find_or_create_org(org_name, org_type)
    return save_profile(actor, profile, values, works, organization=organization)


def set_active(actor: User, profile: ExpertProfile, active: bool) -> None:
    if profile.active == active:
        return
    record(profile, "activate" if active else "deactivate", actor, object_type="expert_profile",
           changes={"active": [profile.active, active]})
    profile.active = active
