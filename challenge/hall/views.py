"""榜单大厅: the public list, the public face of a 榜, and the guarded confidential body; and the
parts of signed-in pages kept in the cache (the navbar of every page, the blank 答疑 form)."""

import hashlib
from typing import NamedTuple

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import and_, bindparam, case, func, or_, select, text
from sqlalchemy.orm import selectinload

from .. import permissions as can
from ..caching import (
    cache,
    deadline_may_have_passed,
    forget_generation,
    generation,
    page_key,
    per_generation,
    public_page,
)
from ..changes.operations import ADDENDUM_STATES, note_viewer
from ..extensions import db
from ..locales import english_locale
from ..matching_service import search_ids
from ..models import AccessGrant, Challenge, ChallengeInvitation, Proposal
from ..money import MoneyError, parse_wan
from ..posting import operations as ops
from ..posting.forms import AccessRequestForm, UndertakingForm
from ..states import (
    PUBLIC_STATES,
    AccessState,
    ChallengeKind,
    ChallengeState,
    Confidentiality,
    ProposalState,
    Role,
)
from ..views_common import get_or_404, require

bp = Blueprint("hall", __name__)

SORTS = {
    "deadline": (Challenge.deadline_at.is_(None), Challenge.deadline_at.asc()),
    "bounty": (Challenge.bounty_fen.desc(),),
    "newest": (Challenge.published_at.desc(),),
}
HALL_STATES = [ChallengeState.OPEN, ChallengeState.REVIEWING, ChallengeState.PUBLICITY,
               ChallengeState.CONTRACTED, ChallengeState.ACCEPTED, ChallengeState.AWARDED,
               ChallengeState.CLOSED, ChallengeState.UNCLAIMED, ChallengeState.FAILED]
STATE_CHOICES = {"all", *(s.value for s in HALL_STATES)}


# Areas whose pages act on 榜; a 榜 past its deadline is closed before any of them runs.
DEADLINE_CHECKED_AREAS = frozenset({"hall", "posting", "admin", "account", "reviewing", "bidding"})
# ...but not 评榜's results and decision pages (as before they joined the reviewing blueprint).
DEADLINE_UNCHECKED = frozenset({"reviewing.results_index", "reviewing.results_closed",
                                "reviewing.results_show", "reviewing.object_", "reviewing.decision",
                                "reviewing.confirm_decision", "reviewing.answer"})


@bp.before_app_request
def close_expired_on_access():
    """The deadline check runs on access too, so no 榜 stays open past its deadline."""
    endpoint = request.endpoint
    if endpoint and endpoint.split(".")[0] in DEADLINE_CHECKED_AREAS and \
            endpoint not in DEADLINE_UNCHECKED and deadline_may_have_passed() and ops.close_expired():
        forget_generation()


def listed_for(user):
    """SQL condition: the 榜 this user may see in the hall."""
    visible = Challenge.state.in_(PUBLIC_STATES)
    if can.is_admin(user):
        return visible
    open_to = [Challenge.confidentiality != Confidentiality.DIRECTED]
    if can.signed_in(user):
        open_to.append(Challenge.id.in_(select(ChallengeInvitation.challenge_id).where(
            ChallengeInvitation.user_id == user.id)))
        if user.role is Role.ENTERPRISE:
            open_to.append(Challenge.issuer_org_id == user.organization_id)
    return and_(visible, or_(*open_to))


def keyword_condition(text: str):
    """Every word must appear in the public face, Chinese or English (never in the body)."""
    terms = [t for t in text.replace("，", " ").replace(",", " ").split() if t][:8]
    conditions = []
    for term in terms:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(*(col.ilike(pattern, escape="\\") for col in (
            Challenge.title, Challenge.summary, Challenge.field, Challenge.industry_tags,
            Challenge.title_en, Challenge.summary_en))))
    return and_(*conditions) if conditions else None


@bp.route("/")
@public_page
def index():
    """The hall. A signed-in visitor whose hall is the public one (see `sees_public_hall`)
    gets the listing rendered once per generation and shared, inside their own page chrome."""
    if not can.signed_in(current_user) or not sees_public_hall(current_user):
        return render_template("hall/index.html", **_listing(), title=_("榜单大厅"))
    key = f"hall-listing:{page_key()}"
    listing = cache.get(key)
    if listing is None:
        listing = Markup(render_template("hall/_listing.html", **_listing()))
        cache.set(key, listing)
    return render_template("hall/index.html", listing=listing, title=_("榜单大厅"))


def sees_public_hall(user) -> bool:
    """Whether this signed-in user's hall is exactly the anonymous one: a solver or reviewer
    with no invitation to a 定向 榜 and no confidential body opened to them (those change what
    is listed and whose name is shown); the bureau and enterprises see their own."""
    if user.role not in (Role.SOLVER, Role.REVIEWER):
        return False
    # Kept per generation: invitations and grants change only with an audit event in the same
    # commit (posting.operations: invite, grant, revoke), which starts a new one (caching.py).
    # It must never be stale: a private hall taken for the public one would be rendered into
    # the listing every solver is then served.
    return per_generation(f"public-hall:{user.id}",
                          lambda: not db.session.scalar(_INVITED_OR_OPENED, {"user": user.id}))


# Built once: the signed-in hall asks on every view, and building it cost more than running it.
_INVITED_OR_OPENED = select(or_(
    select(ChallengeInvitation.id).where(ChallengeInvitation.user_id == bindparam("user")).exists(),
    select(AccessGrant.id).where(AccessGrant.user_id == bindparam("user"),
                                 AccessGrant.state == AccessState.GRANTED).exists()))


def _listing() -> dict:
    """What the hall's listing shows, for the current user and query string."""
    args = request.args
    errors: dict[str, str] = {}
    state = args.get("state", "open") if args.get("state", "open") in STATE_CHOICES else "open"
    field = args.get("field", "").strip()
    filters = [listed_for(current_user), *_bounty_filters(args, errors)]
    if state != "all":
        filters.append(Challenge.state == ChallengeState(state))
    if field:
        filters.append(Challenge.field == field)
    worldwide = args.get("worldwide") == "1"
    if worldwide:
        filters.append(Challenge.worldwide.is_(True))
    kind = args.get("kind", "") if args.get("kind", "") in {k.value for k in ChallengeKind} else ""
    kind_filter = [Challenge.kind == ChallengeKind(kind)] if kind else []
    sort = args.get("sort", "newest") if args.get("sort") in SORTS else "newest"
    q = args.get("q", "").strip()[:100]

    text_filter, ordering, fuzzy = [], [*SORTS[sort], Challenge.id.desc()], False
    if q:
        text_filter = [keyword_condition(q)]
        if not db.session.scalar(select(Challenge.id).where(*filters, *kind_filter, *text_filter)
                                 .limit(1)):
            # Nothing contains the words as typed: ask the matcher (typos, other segmentation).
            ids = search_ids(q, keep=lambda found: set(db.session.scalars(
                select(Challenge.id).where(*filters, *kind_filter, Challenge.id.in_(found)))))
            if ids:
                fuzzy = True
                text_filter = [Challenge.id.in_(ids)]
                ordering = [case({cid: rank for rank, cid in enumerate(ids)}, value=Challenge.id)]
    query = (select(Challenge).where(*filters, *kind_filter, *text_filter).order_by(*ordering)
             .options(selectinload(Challenge.issuer)))
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    kind_counts = dict(db.session.execute(
        select(Challenge.kind, func.count()).where(*filters, *text_filter)
        .group_by(Challenge.kind)).all())
    can.prefetch_grants(current_user, page.items)  # the cards ask about each 榜's issuer
    fields = field_choices(current_user)
    return {"page": page, "q": q, "state": state, "kind": kind, "field": field, "sort": sort,
            "kind_counts": kind_counts, "fields": fields, "errors": errors,
            "states": HALL_STATES, "fuzzy": fuzzy, "worldwide": worldwide}


def field_choices(user) -> list[str]:
    """The fields of the 榜 this user may see in the hall, for the filter.

    A DISTINCT over every listed 榜 takes ~45 ms at 100k 榜, so the fields of the 榜 everyone
    sees (and of the 定向 ones, for the bureau) are kept in the cache per generation; a
    signed-in user's own 定向 榜 (invited, or their organisation's) are few and looked up."""
    listed = Challenge.state.in_(PUBLIC_STATES)
    directed = Challenge.confidentiality == Confidentiality.DIRECTED
    found = set(_cached_fields("open", listed, ~directed))
    if can.is_admin(user):
        found.update(_cached_fields("directed", listed, directed))
    elif can.signed_in(user):
        found.update(db.session.scalars(
            select(Challenge.field).join(ChallengeInvitation,
                                         ChallengeInvitation.challenge_id == Challenge.id)
            .where(ChallengeInvitation.user_id == user.id, listed).distinct()))
        if user.role is Role.ENTERPRISE:
            found.update(db.session.scalars(select(Challenge.field).where(
                Challenge.issuer_org_id == user.organization_id, listed).distinct()))
    return sorted(found)


def _cached_fields(name: str, *conditions) -> list[str]:
    return per_generation(f"hall-fields:{name}", lambda: list(db.session.scalars(
        select(Challenge.field).where(*conditions).distinct())))


def _bounty_filters(args, errors: dict[str, str]) -> list:
    """榜额 range in 万元; a bad bound is explained next to its box and ignored."""
    found = []
    for name in ("min", "max"):
        raw = args.get(name, "").strip()
        if not raw:
            continue
        try:
            fen = parse_wan(raw)  # refuses negative and beyond any 榜, with the message
        except MoneyError as exc:
            errors[name] = str(exc)
            continue
        found.append(Challenge.bounty_fen >= fen if name == "min" else Challenge.bounty_fen <= fen)
    return found


def visible_challenge_or_404(challenge_id: int) -> Challenge:
    challenge = get_or_404(Challenge, challenge_id)
    if not can.can_view_challenge(current_user, challenge):
        abort(404)  # do not reveal that a draft or an invitation-only 榜 exists
    return challenge


def _note_viewer(challenge: Challenge) -> None:
    """The signed-in reader is told of later extensions and addenda (challenge/changes): noted
    once in the database, and remembered in the cache for the generation (a viewer row adds no
    audit event, so the key holds), so a busy page does not ask again on every view."""
    key = f"viewer:{generation()}:{challenge.id}:{current_user.id}"
    if cache.get(key):
        return
    if note_viewer(challenge, current_user):
        db.session.commit()
    cache.set(key, True)


@bp.route("/challenges/<int:challenge_id>")
@public_page
def detail(challenge_id: int):
    challenge = visible_challenge_or_404(challenge_id)
    if current_user.is_authenticated and challenge.state in ADDENDUM_STATES:
        _note_viewer(challenge)
    # The access grant only matters to a confidential 榜's box; a public 榜 needs no query.
    grant = can.grant_for(current_user, challenge) if challenge.is_confidential else None
    return render_template("hall/detail.html", challenge=challenge, grant=grant,
                           own=own_bid(challenge),
                           title=challenge.face_title(english_locale()))


# The live-bid condition is written as the partial unique index uq_proposals_live_per_org states
# it (a literal, not a bound parameter), so SQLite and PostgreSQL answer from that index.
_LIVE_BIDS = select(Proposal.lead_org_id, Proposal.id, Proposal.state).where(
    Proposal.challenge_id == bindparam("challenge"),
    text(f"proposals.state != '{ProposalState.WITHDRAWN.value}'"))


def own_bid(challenge: Challenge):
    """The signed-in solver's organisation's live bid on this open 榜, as (id, state), for the
    side button ("查看我单位的方案" / "我要揭榜"); None otherwise.

    The signed-in 榜 page is the busiest there is, so the 榜's live bids (organisation → id,
    state) are read once per generation and kept: a bid is created, submitted, withdrawn or
    moved on only through the door, whose audit event starts a new generation in the same
    commit (caching.py), so the kept map is never older than the bids it describes."""
    user = current_user
    if not (can.signed_in(user) and user.role is Role.SOLVER and user.organization_id
            and challenge.state is ChallengeState.OPEN):
        return None
    bids = per_generation(f"live-bids:{challenge.id}", lambda: {
        org: OwnBid(bid_id, state) for org, bid_id, state in db.session.connection()
        .execute(_LIVE_BIDS, {"challenge": challenge.id})})
    return bids.get(user.organization_id)


class OwnBid(NamedTuple):
    id: int
    state: ProposalState


@bp.route("/challenges/<int:challenge_id>/body")
def body(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    if can.can_accept_undertaking(current_user, challenge):
        flash(_("查阅保密内容前，请先签署保密承诺。"), "warning")
        return redirect(url_for("hall.undertaking", challenge_id=challenge.id))
    if (challenge.is_confidential and can.is_sitting_panel_member(current_user, challenge)
            and not can.has_pledged(current_user, challenge)):  # 评审承诺书 first (SPEC §13)
        return redirect(url_for("reviewing.pledge", challenge_id=challenge.id))
    require(can.can_view_body(current_user, challenge))
    if challenge.is_confidential:
        ops.log_body_view(challenge, current_user, request.remote_addr or "")
        db.session.commit()
    response = make_response(render_template("hall/body.html", challenge=challenge,
                                             title=_("保密内容：%(t)s", t=challenge.title)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/challenges/<int:challenge_id>/request-access", methods=["GET", "POST"])
@login_required
def request_access(challenge_id: int):
    challenge = visible_challenge_or_404(challenge_id)
    require(can.can_request_access(current_user, challenge))
    form = AccessRequestForm()
    if form.validate_on_submit():
        ops.request_access(challenge, current_user, form.note.data)
        db.session.commit()
        flash(_("申请已提交，发榜方处理后将通知您。"), "success")
        return redirect(url_for("hall.detail", challenge_id=challenge.id))
    return render_template("hall/request_access.html", form=form, challenge=challenge,
                           title=_("申请查阅保密内容"))


@bp.route("/challenges/<int:challenge_id>/undertaking", methods=["GET", "POST"])
@login_required
def undertaking(challenge_id: int):
    challenge = visible_challenge_or_404(challenge_id)
    require(can.can_accept_undertaking(current_user, challenge))
    form = UndertakingForm()
    if form.validate_on_submit():
        grant: AccessGrant = can.grant_for(current_user, challenge)
        ops.accept_undertaking(grant, current_user)
        db.session.commit()
        flash(_("已签署保密承诺。"), "success")
        return redirect(url_for("hall.body", challenge_id=challenge.id))
    return render_template("hall/undertaking.html", form=form, challenge=challenge,
                           title=_("保密承诺"))


# -- parts of signed-in pages kept in the cache, each session's CSRF token put in after ---------
#
# The navbar of every signed-in page (templates/base.html) costs some 0.7 ms of CPU to render (two
# dozen translated strings and URLs) and is the same on every page one user opens; the blank
# 答疑 form of a 榜 (templates/hall/_questions.html) is the same for every solver who may ask.
# Each is kept under a key holding everything it shows, so a change to any of it is a new key
# and nothing kept is ever stale: for the navbar the user, their name, role, organisation's name,
# unread-message count and the page's language; for the form the 榜, the limits and the language.
# What belongs to the session rather than to what is shown, the CSRF token, is never kept: the
# kept HTML holds a mark in its place and each request puts its own session's token in. Nothing
# of one user is shown to another (the navbar's key starts with their id), and whole signed-in
# pages are still never cached (caching.py).
#
# The cache is the page cache's (Flask-Caching: in-process by default, Redis when configured);
# an entry lives CACHE_DEFAULT_TIMEOUT seconds, which also bounds how long a changed template
# shown from a shared Redis may outlive a deployment.

# Stands for the CSRF token in kept HTML: a value no token (base64 and dots) can contain.
CSRF_MARK = "\x00csrf-token\x00"


def _kept(key: str, render) -> Markup:
    """*render(token)* kept under *key* (with the language), with this session's token put in."""
    key = f"kept:{get_locale()}:{key}"
    try:
        html = cache.get(key)
    except Exception:  # a cache that is down (Redis) costs the rendering, not the page
        html = None
    if html is None:
        html = str(render(CSRF_MARK))
        try:
            cache.set(key, html)
        except Exception:  # as above (Flask-Caching treats its fragments alike)
            pass
    return Markup(html.replace(CSRF_MARK, generate_csrf()))


def navbar_key(user) -> str:
    shown = "|".join(map(str, (user.id, user.name, user.role.value, user.org_name,
                               user.unread_notifications)))
    return f"navbar:{user.id}:{hashlib.sha256(shown.encode()).hexdigest()[:32]}"


@bp.app_template_global()
def personal_navbar(render) -> Markup:
    """*render(token)* is base.html's navbar macro: a signed-in user's is kept (see above);
    anyone else's is rendered as it is."""
    if not current_user.is_authenticated:
        return render("")
    return _kept(navbar_key(current_user), render)


@bp.app_template_global()
def kept_form(render, *shown) -> Markup:
    """*render(token)* is a form macro whose HTML, but for the CSRF token, depends only on
    *shown* (and the language): a blank form, never one carrying typed text or errors."""
    return _kept("form:" + "|".join(map(str, shown)), render)
