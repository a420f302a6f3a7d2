"""发榜 flows: the 榜's workflow (drafting, screening, publishing, closing, withdrawing) and
access to a confidential body, registered with the door. The later stages attach their own
steps of the 榜 to `CHALLENGE` (reviewing/flows.py, awarding/flows.py)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import Problem
from ..models import AccessGrant, Challenge, User
from ..notices import admin_user_ids, challenge_link, issuer_user_ids, tell
from ..orgs.rules import unverified_problem
from ..states import ACCESS_TRANSITIONS, CHALLENGE_TRANSITIONS, Role
from ..workflow import Context, Workflow, register, stamp
from .rules import english_face_problems, submission_problems


def owns_challenge(user: User, challenge: Challenge) -> bool:
    """The issuing enterprise's accounts act for its 榜."""
    return user.role is Role.ENTERPRISE and user.organization_id == challenge.issuer_org_id


CHALLENGE = register(Workflow(Challenge, CHALLENGE_TRANSITIONS, owns_challenge))


def whole_and_verified(c: Challenge, ctx: Context) -> list[str]:
    """A verified issuer, and a draft whole enough to screen (a draft may be saved incomplete)."""
    if problem := unverified_problem(c.issuer):
        return [problem]
    return submission_problems(c, ctx.now)


def deadline_ahead(c: Challenge, ctx: Context) -> list[str]:
    """A verified issuer, and a 揭榜 deadline (parameter deadline_at) in the future."""
    if problem := unverified_problem(c.issuer):
        return [problem]
    deadline = ctx.params.get("deadline_at")
    if deadline is None:
        return [_("发布时必须设定揭榜截止时间。")]
    if deadline <= ctx.now:
        return [_("揭榜截止时间必须晚于当前时间。")]
    return []


def english_face_if_worldwide(c: Challenge, ctx: Context) -> list[str]:
    """Marked 面向全球发布 (worldwide): the English title, summary and every indicator's English
    name are there."""
    return [Problem(p, field="worldwide") for p in english_face_problems(c)]


def deadline_passed(c: Challenge, ctx: Context) -> list[str]:
    """The 揭榜 deadline has passed."""
    if c.deadline_at is None or c.deadline_at > ctx.now:
        return [_("揭榜截止时间未到，不能截止揭榜。")]
    return []


def set_published(c: Challenge, ctx: Context) -> None:
    """Sets the deadline (deadline_at) and stamps published_at."""
    c.deadline_at = ctx.params["deadline_at"]
    c.published_at = ctx.now


def tell_issuer(message):
    return tell(message, issuer_user_ids, challenge_link)


def tell_admins_to_screen(c: Challenge, ctx: Context):
    """the bureau (科技局)"""
    text = _l("新榜待审核：%(title)s", title=c.title)
    return [(uid, text, f"/admin/challenges/{c.id}") for uid in admin_user_ids()]


(CHALLENGE
 .on("submit", guard=whole_and_verified, effect=stamp("submitted_at"), notice=tell_admins_to_screen)
 .on("return", notice=tell_issuer(_l("您的榜「%(title)s」被退回修改：%(reason)s")))
 .on("publish", guard=deadline_ahead, effect=set_published,
     notice=tell_issuer(_l("您的榜「%(title)s」已发布，开始揭榜。")))
 .on("close", guard=deadline_passed,
     notice=tell_issuer(_l("您的榜「%(title)s」已截止揭榜，进入评审。")))
 .on("republish", guard=deadline_ahead, effect=set_published,
     notice=tell_issuer(_l("您的榜「%(title)s」已重新发布。")))
 .on("publish", guard=english_face_if_worldwide)
 .on("republish", guard=english_face_if_worldwide)
 .on("withdraw", notice=tell_issuer(_l("榜「%(title)s」已撤榜：%(reason)s"))))


# -- access to a confidential body ----------------------------------------------------------

def owns_grant(user: User, grant: AccessGrant) -> bool:
    """The issuer of the 榜 answers requests to read its body."""
    return owns_challenge(user, grant.challenge)


ACCESS = register(Workflow(AccessGrant, ACCESS_TRANSITIONS, owns_grant))


def set_decided(g: AccessGrant, ctx: Context) -> None:
    """Records who decided, when, and the note (the reason)."""
    g.decided_by_id = ctx.actor_id
    g.decided_at = ctx.now
    g.decision_note = ctx.reason


def the_requester(g: AccessGrant) -> list[int]:
    """the requesting solver"""
    return [g.user_id]


def tell_requester(message):
    return tell(message, the_requester, lambda g: challenge_link(g.challenge))


(ACCESS
 .on("grant", effect=set_decided,
     notice=tell_requester(_l("您查阅「%(title)s」保密内容的申请已获同意，请先签署保密承诺。")))
 .on("refuse", effect=set_decided,
     notice=tell_requester(_l("您查阅「%(title)s」保密内容的申请未获同意：%(reason)s")))
 .on("revoke", effect=set_decided,
     notice=tell_requester(_l("您查阅「%(title)s」保密内容的授权已被撤销：%(reason)s"))))
