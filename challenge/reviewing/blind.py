"""清廉评审 for the reader of bids: the 评审承诺书 a seated reviewer signs before any bid or a
confidential body opens to them, and 盲评 (blind scoring) per 榜: while the bureau has set it,
reviewers see neither the bidding organisations nor team names until every review is in.

Blindness is applied where a reviewer reads (the score pages, the bid page, an attachment's
download name): organisation and people names are left out, and where a bidder wrote them into
their own texts anyway, they are masked. Bidders are warned at submit when their texts name
their own organisation (`mentions`), and so are the reviewer and the bureau."""

import hashlib
import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import Refused
from ..extensions import db
from ..locales import for_user
from ..locking import lock_for_write
from ..models import Challenge, Proposal, Review, ReviewAssignment, ReviewPledge, User
from ..permissions import has_pledged, is_admin
from ..states import ChallengeState, PanelSeatState, ReviewState, Role
from ..workflow import record
from .scoring import panel_complete

# The panel's 评审承诺书: the default every panel uses (the bureau has not needed its own).
PLEDGE_POINTS = (
    _l("本人在评审期间及评审结束后，对揭榜方案、附件、保密榜内容及评审情况严格保密，不复制、不外传、不用于评审以外的任何用途。"),
    _l("本人不以任何方式与揭榜单位及其人员私下接触，不接受其礼品、宴请或任何好处；如被联系，将立即报告科技局。"),
    _l("本人已如实申报与本榜发榜单位及各揭榜单位、团队成员之间的利益冲突；评审中发现新的利益冲突，将立即声明回避。"),
    _l("本人独立、客观、公正地评分，按评审规则填写评审意见，不受任何单位或个人影响。"),
)
MASK = "■■"


def pledge_text() -> str:
    """The pledge as the signer reads it (their interface language), kept with the signature."""
    return "\n".join(f"{n}. {point}" for n, point in enumerate(PLEDGE_POINTS, start=1))


def live_seat(user: User, challenge: Challenge) -> ReviewAssignment | None:
    return db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.challenge_id == challenge.id, ReviewAssignment.reviewer_id == user.id,
        ReviewAssignment.state == PanelSeatState.ASSIGNED))


def pledge_of(seat: ReviewAssignment) -> ReviewPledge | None:
    return db.session.scalar(select(ReviewPledge).where(ReviewPledge.seat_id == seat.id))


def pledges_of(challenge: Challenge) -> dict[int, ReviewPledge]:
    """The signed pledges of a panel, by seat id (the bureau's panel page)."""
    return {p.seat_id: p for p in db.session.scalars(select(ReviewPledge).where(
        ReviewPledge.challenge_id == challenge.id))}


def needs_pledge(user, challenge: Challenge) -> bool:
    """A sitting reviewer of the 榜 who has not signed yet: the bids stay closed to them."""
    return (getattr(user, "is_authenticated", False) and user.role is Role.REVIEWER
            and challenge.state is ChallengeState.REVIEWING
            and live_seat(user, challenge) is not None and not has_pledged(user, challenge))


def sign_pledge(seat: ReviewAssignment, user: User, ip: str = "") -> ReviewPledge:
    """The seated reviewer signs the pledge (once per seat); audited on the seat with a digest
    of the text signed, so the pack of evidence shows what was promised."""
    lock_for_write(ReviewAssignment, seat.id)
    if (seat.reviewer_id != user.id or seat.state is not PanelSeatState.ASSIGNED
            or seat.challenge.state is not ChallengeState.REVIEWING):
        raise Refused(_("只有评审中的榜的在席评审专家可以签署评审承诺书。"))
    if pledge_of(seat) is not None:
        raise Refused(_("您已签署本榜的评审承诺书。"))
    if getattr(user, "locale", None):  # the language they chose; else the page's
        with for_user(user):
            text = pledge_text()
    else:
        text = pledge_text()
    pledge = ReviewPledge(seat_id=seat.id, challenge_id=seat.challenge_id, reviewer_id=user.id,
                          text=text, ip=(ip or "")[:45])
    db.session.add(pledge)
    db.session.flush()
    record(seat, "sign_pledge", user, changes={
        "pledge": [None, pledge.id],
        "text_sha256": [None, hashlib.sha256(text.encode()).hexdigest()]})
    return pledge


# -- 盲评 -----------------------------------------------------------------------------------

def identities_hidden(user, challenge: Challenge) -> bool:
    """*user* reads this 榜's bids blind: a reviewer (never the bureau or the bidder itself) on a
    blind 榜 whose panel still owes a review."""
    if not challenge.blind_review or not getattr(user, "is_authenticated", False):
        return False
    return user.role is Role.REVIEWER and not panel_complete(challenge)


def blind_problems(challenge: Challenge) -> list[str]:
    """Why the 盲评 switch cannot move now: only under review, before any review is in."""
    if challenge.state is not ChallengeState.REVIEWING:
        return [_("只有评审中的榜可以设置盲评。")]
    submitted = db.session.scalar(select(Review.id).where(
        Review.challenge_id == challenge.id, Review.state == ReviewState.SUBMITTED).limit(1))
    if submitted is not None:
        return [_("已有评审专家提交评分，不能再更改盲评设置。")]
    return []


def set_blind(challenge: Challenge, blind: bool, actor: User) -> bool:
    """The bureau sets or clears 盲评 on a 榜 under review; audited. True when it changed."""
    if not is_admin(actor):
        raise Refused(_("只有科技局可以设置盲评。"))
    lock_for_write(Challenge, challenge.id)
    problems = blind_problems(challenge)
    if problems:
        raise Refused(problems[0])
    if challenge.blind_review == blind:
        return False
    record(challenge, "set_blind_review", actor,
           changes={"blind_review": [challenge.blind_review, blind]})
    challenge.blind_review = blind
    return True


_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团有限公司", "集团公司", "集团", "公司")
_TRADES = ("新材料", "材料", "科技", "技术", "信息", "电子", "智能", "生物", "医药", "环保", "能源",
           "装备", "制造", "实业", "工业", "发展")
_REGION = re.compile(r"^(.{2,3}?(?:省|自治区|市|区|县))")
_REGION_PARTS = re.compile(r".+?(?:省|自治区|市|区|县)")
_GENERIC = {"大学", "学院", "研究院", "研究所", "中心", "科技", "技术", "实验室"}


def _generic(form: str) -> bool:
    """Too short, or trade words alone (智能装备), to point at one organisation."""
    rest = form
    for word in sorted(_TRADES, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(form) < 2 or form in _GENERIC or len(rest) < 2


def short_forms(name: str, region: str = "") -> list[str]:
    """An organisation's name and the shorter forms a bidder writes of it: without its legal
    form (有限公司 …), without the city it starts with, without trailing trade words (科技 …).
    "宁波微纳新材料科技有限公司" → 宁波微纳新材料科技, 微纳新材料科技, 微纳新材料, 微纳 …
    Forms of fewer than two characters, or generic words alone, are left out."""
    name = (name or "").strip()
    if not name:
        return []
    forms = [name]
    core = name
    for suffix in _LEGAL_FORMS:
        if core.endswith(suffix) and len(core) > len(suffix) + 1:
            core = core[: -len(suffix)]
            break
    forms.append(core)
    prefixes = [m.group(1) for m in [_REGION.match(core)] if m]
    for part in _REGION_PARTS.findall(region or ""):  # 浙江省宁波市 → 浙江省, 浙江, 宁波市, 宁波
        prefixes += [part, part[:-1]] if len(part) >= 3 else [part]
    for prefix in sorted(set(prefixes), key=len, reverse=True):
        if core.startswith(prefix) and len(core) - len(prefix) >= 2:
            core = core[len(prefix):]
            forms.append(core)
            break
    trimmed = True
    while trimmed:
        trimmed = False
        for trade in _TRADES:
            if core.endswith(trade) and len(core) - len(trade) >= 2:
                core = core[: -len(trade)]
                forms.append(core)
                trimmed = True
                break
    seen: list[str] = []
    for form in forms:
        if not _generic(form) and form not in seen:
            seen.append(form)
    return sorted(seen, key=len, reverse=True)


def organisation_forms(proposal: Proposal) -> list[str]:
    """The lead organisation's and each partner's name with their short forms, longest first."""
    forms = short_forms(proposal.lead_org.name, proposal.lead_org.region)
    for partner in proposal.partners:
        forms += short_forms(partner.organization_name)
    return sorted(set(forms), key=len, reverse=True)


def people_names(proposal: Proposal) -> list[str]:
    names = {proposal.team_lead.name} | {(m.get("name") or "").strip() for m in proposal.members or []}
    uploaders = {a.uploaded_by_id for a in proposal.attachments} - {proposal.team_lead_id}
    if uploaders:
        names |= set(db.session.scalars(select(User.name).where(User.id.in_(uploaders))))
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def bidder_texts(proposal: Proposal) -> list[str]:
    """Everything the bidder wrote that a reviewer reads."""
    texts = [proposal.title, proposal.technical_approach]
    texts += [f"{m.get('title', '')} {m.get('role', '')}" for m in proposal.members or []]
    texts += [p.role for p in proposal.partners]
    texts += [f"{r.committed_value} {r.evidence_plan}" for r in proposal.responses]
    texts += [f"{m.title} {m.deliverable}" for m in proposal.milestones]
    texts += [f"{b.get('item', '')} {b.get('note', '')}" for b in proposal.budget or []]
    texts += [a.original_name for a in proposal.attachments]
    return [t for t in texts if t]


def mentions(proposal: Proposal) -> list[str]:
    """The forms of the bidder's own organisations (lead and partners) its texts name; a
    longer form found hides the shorter ones inside it."""
    found: list[str] = []
    text = "\n".join(bidder_texts(proposal))
    for form in organisation_forms(proposal):
        if form in text and not any(form in longer for longer in found):
            found.append(form)
    return found


def veil_for(user, proposal: Proposal) -> Callable[[str], str]:
    """What a template passes the bidder's texts through: for a reviewer reading blind, every
    organisation form and team name masked; for anyone else, the text as written."""
    if not identities_hidden(user, proposal.challenge):
        return lambda text: text
    names = organisation_forms(proposal) + people_names(proposal)
    if not names:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True)))
    return lambda text: pattern.sub(MASK, text or "")


def blind_attachment_name(proposal: Proposal, attachment) -> str:
    """附件 N and the file's own extension: the name a blind reviewer downloads."""
    number = next((n for n, a in enumerate(proposal.attachments, start=1) if a.id == attachment.id), 1)
    extension = attachment.original_name.rsplit(".", 1)[-1] if "." in attachment.original_name else ""
    label = _("附件 %(n)d", n=number)
    return f"{label}.{extension}" if extension else label

