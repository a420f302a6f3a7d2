"""Which integrity (失信) findings are in force, and the refusal each one gives. A finding is in
force from its start date until the day before its expiry date (Shanghai dates)."""

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import IntegrityRecord
from ..timeutil import local_today


def _in_force(today: date):
    return [IntegrityRecord.starts_on <= today, IntegrityRecord.expires_on > today]


def records_in_force(*, organization_ids: Iterable[int] = (), user_ids: Iterable[int] = (),
                     today: date | None = None) -> list[IntegrityRecord]:
    today = today or local_today()
    organization_ids, user_ids = [i for i in organization_ids if i], [i for i in user_ids if i]
    found = []
    if organization_ids:
        found += db.session.scalars(select(IntegrityRecord).where(
            IntegrityRecord.organization_id.in_(organization_ids), *_in_force(today))
            .order_by(IntegrityRecord.id))
    if user_ids:
        found += db.session.scalars(select(IntegrityRecord).where(
            IntegrityRecord.user_id.in_(user_ids), *_in_force(today)).order_by(IntegrityRecord.id))
    return found


def why(record: IntegrityRecord) -> str:
    """The finding as the refused party reads it."""
    return _("%(grade)s：%(reason)s（至 %(until)s）", grade=record.grade.label, reason=record.reason,
             until=record.expires_on.isoformat())


def organization_problem(organization_id: int | None, name: str, *, as_partner: bool = False,
                         today: date | None = None) -> str | None:
    """Why a recorded organisation may not bid (or be a bid's partner), or None."""
    found = records_in_force(organization_ids=[organization_id], today=today)
    if not found:
        return None
    if as_partner:
        return _("联合体成员「%(org)s」有在效的失信记录，不能参与揭榜：%(why)s。",
                 org=name, why=why(found[0]))
    return _("「%(org)s」有在效的失信记录，不能揭榜：%(why)s。", org=name, why=why(found[0]))


def barred_people(user_ids: Iterable[int], today: date | None = None) -> dict[int, str]:
    """People with a finding in force → why they may not be seated on a panel."""
    found = {}
    for record in records_in_force(user_ids=user_ids, today=today):
        found.setdefault(record.user_id, _("有在效的失信记录：%(why)s", why=why(record)))
    return found


def published_in_force(organization_id: int, today: date | None = None) -> list[IntegrityRecord]:
    """What the public organisation page shows: findings in force the bureau chose to publish."""
    return [r for r in records_in_force(organization_ids=[organization_id], today=today) if r.published]
