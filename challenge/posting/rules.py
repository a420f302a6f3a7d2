"""发榜 rules the workflow door and the form share: what a draft 榜 must hold before it is
submitted for screening (a draft itself needs only its title)."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..models import Challenge
from ..timeutil import utcnow

# Model attribute -> how the 榜 form names it. Empty text, an amount of 0 分 (not yet typed)
# or no indicator counts as missing. The form checks the same attributes next to its fields.
REQUIRED_TO_SUBMIT = {
    "title": _l("榜单名称"), "field": _l("技术领域"), "summary": _l("公开摘要"),
    "detail": _l("详细需求"), "indicators": _l("量化技术指标"), "bounty_fen": _l("榜额"),
    "investment_fen": _l("企业研发总投入"), "contact_name": _l("联系人"),
    "contact_phone": _l("联系电话"),
}


# The English face a 榜 published worldwide (面向全球发布) must have, as the form names it;
# keys are those of Challenge.english_face_missing().
ENGLISH_FACE = {
    "title_en": _l("面向全球发布的榜须填写英文榜单名称。"),
    "summary_en": _l("面向全球发布的榜须填写英文公开摘要。"),
    "indicators": _l("面向全球发布的榜须填写每项量化技术指标的英文名称。"),
}


def english_face_problems(challenge: Challenge) -> list[str]:
    """What keeps a 榜 marked 面向全球发布 from being published (empty when not worldwide)."""
    if not challenge.worldwide:
        return []
    return [str(ENGLISH_FACE[name]) for name in challenge.english_face_missing()]


def missing_to_submit(challenge: Challenge) -> list[str]:
    """The attributes of REQUIRED_TO_SUBMIT this 榜 leaves empty."""
    return [name for name in REQUIRED_TO_SUBMIT if not getattr(challenge, name)]


def submission_problems(challenge: Challenge, now: datetime | None = None) -> list[str]:
    """What keeps a draft from going to screening (empty when it may go)."""
    problems = []
    missing = missing_to_submit(challenge)
    if missing:
        problems.append(_("提交审核前请补全：%(fields)s。",
                          fields="、".join(str(REQUIRED_TO_SUBMIT[name]) for name in missing)))
    if any(not (i.name.strip() and i.target.strip()) for i in challenge.indicators):
        problems.append(_("每项量化技术指标都须填写指标名称和目标值。"))
    if challenge.bounty_fen and challenge.investment_fen and challenge.investment_fen < challenge.bounty_fen:
        problems.append(_("研发总投入不应低于榜额。"))
    if challenge.deadline_at is not None and challenge.deadline_at <= (now or utcnow()):
        problems.append(_("期望截止日期已过，请修改后再提交。"))
    return problems
