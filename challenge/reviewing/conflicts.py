"""回避: who may not review a 榜, and the evidence why.

A conflict is found from what the platform already holds and what people declared:

- organisations: the reviewer's is the issuer's, a bidder's (lead or 联合体 partner), or a team
  member's; the reviewer is named on a bidding team;
- organisation history (profile, with years) within REVIEW_CONFLICT_YEARS: a past employer is the
  issuer or a bidder;
- past 联合体 / contracts / panels within those years: the reviewer's organisation bid together
  with or contracted with a bidding organisation; the reviewer was on a past bidding team or
  panel with a member of a team bidding now;
- co-authored works or patents (imported 代表性成果, names normalised) with a team member;
- declared by a bidding team against the reviewer, or by the reviewer (relatives, students);
- a seat the reviewer declined for a conflict.

Names are compared after normalisation (models.expert.normalise_name). A person on a team is a
name at an organisation (or a team lead's account), so a namesake elsewhere is no conflict on a
past team or panel; co-authors, relatives, students and a team's declaration carry only a name,
and are matched by name, on the side of caution. Each evidence sentence says who and why, so the
bureau sees what an exclusion rests on.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..integrity.rules import barred_people
from ..locales import punctuation
from ..models import Challenge, Contract, ExpertProfile, Organization, Proposal, ReviewAssignment, User
from ..models.expert import author_names, named_lines, normalise_name
from ..models.proposal import ProposalPartner
from ..states import LIVE_PROPOSAL_STATES, PanelSeatState, ProposalState, WorkKind
from ..timeutil import utcnow

# Kinds of conflict, in the order they are reported.
KINDS = ("issuer", "bidder", "member", "member_org", "history", "consortium", "team", "contract",
         "panel", "coauthor", "declared_by_team", "relative", "declined", "integrity")

SUBMITTED = LIVE_PROPOSAL_STATES - {ProposalState.DRAFT}


@dataclass(frozen=True)
class Conflict:
    kind: str
    evidence: str


@dataclass
class _Bidders:
    """The 榜's side: issuer, bidding organisations and the people on the bidding teams."""

    issuer_id: int | None
    issuer: str
    orgs: dict[str, str] = field(default_factory=dict)       # normalised org name → name
    # the bidding organisations and those of team members: whom past ties are looked for with
    related: dict[str, str] = field(default_factory=dict)
    org_ids: dict[int, str] = field(default_factory=dict)    # org id → name
    # The people on the bidding teams. A person is a name at an organisation (a member's own,
    # else the lead's), or a team lead's account: namesakes elsewhere are not taken for them.
    persons: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    lead_ids: dict[int, tuple[str, str]] = field(default_factory=dict)  # account → (name, org)
    # By name alone, for what only names a person (co-authors, declared relatives, students).
    people: dict[str, tuple[str, str]] = field(default_factory=dict)  # norm name → (name, org)
    declared: list[tuple[str, str, str]] = field(default_factory=list)  # (norm, reason, bidder)


def since_year() -> int:
    return utcnow().year - current_app.config["REVIEW_CONFLICT_YEARS"]


def _bidders(challenge: Challenge) -> _Bidders:
    side = _Bidders(challenge.issuer_org_id, challenge.issuer.name)
    bids = db.session.scalars(select(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.state.in_(SUBMITTED))
        .options(selectinload(Proposal.lead_org), selectinload(Proposal.partners),
                 selectinload(Proposal.team_lead)))
    for bid in bids:
        lead = bid.lead_org.name
        side.org_ids[bid.lead_org_id] = side.orgs[normalise_name(lead)] = lead
        for partner in bid.partners:
            if partner.organization_id:
                side.org_ids[partner.organization_id] = partner.organization_name
            side.orgs[normalise_name(partner.organization_name)] = partner.organization_name
        side.lead_ids[bid.team_lead_id] = (bid.team_lead.name, lead)
        team = [(bid.team_lead.name, lead)] + [
            (m.get("name", ""), m.get("organization") or lead) for m in bid.members or []]
        for name, org in team:
            if name.strip():
                side.people.setdefault(normalise_name(name), (name.strip(), org))
                side.persons.setdefault((normalise_name(name), normalise_name(org)),
                                        (name.strip(), org))
                side.related.setdefault(normalise_name(org), org)
        side.declared += [(normalise_name(name), reason, lead)
                          for name, reason in named_lines(bid.declared_conflicts)]
    side.related.update(side.orgs)
    return side


def _profiles(reviewers: list[User]) -> dict[int, ExpertProfile]:
    """Each reviewer's profile with its works, in two queries rather than two per reviewer."""
    return {p.user_id: p for p in db.session.scalars(
        select(ExpertProfile).where(ExpertProfile.user_id.in_([r.id for r in reviewers]))
        .options(selectinload(ExpertProfile.works)))}


def find_conflicts(challenge: Challenge, reviewers: list[User]) -> dict[int, list[Conflict]]:
    """Every conflict of each reviewer with this 榜, with its evidence; reviewers without any
    are left out."""
    if not reviewers:
        return {}
    side = _bidders(challenge)
    since = since_year()
    found: dict[int, list[Conflict]] = defaultdict(list)
    own_orgs = {}  # reviewer id → {normalised org name: (name, years or "")}
    profiles = _profiles(reviewers)
    for reviewer in reviewers:
        add = found[reviewer.id].append
        profile = profiles.get(reviewer.id)
        orgs = {}
        if reviewer.org_name:
            orgs[normalise_name(reviewer.org_name)] = (reviewer.org_name, "")
        if profile is not None and profile.organization_name:
            orgs.setdefault(normalise_name(profile.organization_name),
                            (profile.organization_name, ""))
        history = [a for a in (profile.affiliation_list if profile else []) if a.within(since)]
        for past in history:
            orgs.setdefault(normalise_name(past.organization), (past.organization, past.years()))
        own_orgs[reviewer.id] = orgs

        if side.issuer_id is not None and reviewer.organization_id == side.issuer_id:
            add(Conflict("issuer", _("与发榜单位相同")))
        elif reviewer.organization_id in side.org_ids:
            add(Conflict("bidder", _("与揭榜单位（%(org)s）相同",
                                     org=side.org_ids[reviewer.organization_id])))
        elif reviewer.org_name and normalise_name(reviewer.org_name) in side.orgs:
            add(Conflict("bidder", _("与揭榜单位（%(org)s）相同",
                                     org=side.orgs[normalise_name(reviewer.org_name)])))
        own = normalise_name(reviewer.org_name) if reviewer.org_name else None
        me = normalise_name(reviewer.name)
        person = side.lead_ids.get(reviewer.id) or side.persons.get((me, own or ""))
        if person:
            add(Conflict("member", _("本人列于揭榜团队名单（%(org)s）", org=person[1])))
        for name, org in side.people.values():
            if own and normalise_name(org) == own and own not in side.orgs:
                add(Conflict("member_org", _("与揭榜团队成员%(name)s同属%(org)s",
                                             name=name, org=org)))
        for past in history:
            key = normalise_name(past.organization)
            if key == normalise_name(side.issuer):
                add(Conflict("history", _("%(years)s任职于发榜单位（%(org)s）",
                                          years=_years(past), org=side.issuer)))
            elif key in side.related and key != own:
                add(Conflict("history", _("%(years)s任职于揭榜方单位（%(org)s）",
                                          years=_years(past), org=side.related[key])))
        for norm, reason, bidder in side.declared:
            if norm == me:
                add(Conflict("declared_by_team", _("揭榜方（%(org)s）申请其回避：%(reason)s",
                                                   org=bidder, reason=reason or "—")))
        for name, relation in (profile.relation_list if profile else []):
            person = side.people.get(normalise_name(name))
            if person:
                add(Conflict("relative", _("本人声明与揭榜团队成员%(name)s的关系：%(relation)s",
                                           name=person[0], relation=relation or "—")))
        for work in (profile.works if profile else []):
            if work.year is not None and work.year < since:
                continue
            for author in author_names(work.authors):
                person = side.people.get(normalise_name(author))
                if person and normalise_name(author) != me:
                    add(Conflict("coauthor", _coauthored(work, person[0])))
    _past_bids(challenge, reviewers, side, own_orgs, since, found)
    _past_contracts(challenge, reviewers, side, own_orgs, since, found)
    _past_panels(challenge, reviewers, side, since, found)
    declined = dict(db.session.execute(
        select(ReviewAssignment.reviewer_id, ReviewAssignment.conflict_note).where(
            ReviewAssignment.challenge_id == challenge.id,
            ReviewAssignment.state == PanelSeatState.DECLINED)).all())
    for reviewer in reviewers:
        if reviewer.id in declined:
            found[reviewer.id].append(Conflict("declined", _("已声明回避：%(note)s",
                                                            note=declined[reviewer.id])))
    for rid, why in barred_people([r.id for r in reviewers]).items():  # 失信: never seated
        found[rid].append(Conflict("integrity", why))
    return {rid: _unique(items) for rid, items in found.items() if items}


def _unique(items: list[Conflict]) -> list[Conflict]:
    seen, kept = set(), []
    for item in sorted(items, key=lambda c: KINDS.index(c.kind)):
        if item.evidence not in seen:
            seen.add(item.evidence)
            kept.append(item)
    return kept


def _years(past) -> str:
    if past.end is None:
        return _("%(start)d 年至今", start=past.start)
    if past.end == past.start:
        return _("%(start)d 年", start=past.start)
    return _("%(start)d–%(end)d 年", start=past.start, end=past.end)


def _coauthored(work, name: str) -> str:
    year = work.year or ""
    if work.kind is WorkKind.PATENT:
        return _("%(year)s 年与揭榜团队成员%(name)s共同申请专利《%(title)s》", year=year, name=name,
                 title=work.title) if year else _(
            "与揭榜团队成员%(name)s共同申请专利《%(title)s》", name=name, title=work.title)
    return _("%(year)s 年与揭榜团队成员%(name)s合著《%(title)s》", year=year, name=name,
             title=work.title) if year else _(
        "与揭榜团队成员%(name)s合著《%(title)s》", name=name, title=work.title)


def _bid_orgs(bid: Proposal) -> dict[str, str]:
    orgs = {normalise_name(bid.lead_org.name): bid.lead_org.name}
    for partner in bid.partners:
        orgs[normalise_name(partner.organization_name)] = partner.organization_name
    return orgs


def _bid_people(bid: Proposal) -> set[tuple[str, str]]:
    """The team of a bid as (name, organisation) pairs, normalised."""
    lead = bid.lead_org.name
    return {(normalise_name(bid.team_lead.name), normalise_name(lead))} | {
        (normalise_name(m["name"]), normalise_name(m.get("organization") or lead))
        for m in bid.members or [] if m.get("name")}


def _past_bids(challenge, reviewers, side, own_orgs, since, found) -> None:
    """Past 联合体 (the reviewer's organisation with a bidding one, in one bid) and past teams
    (the reviewer and a member of a team bidding now, on one bidding team) within the years.
    Only bids led by or partnered with one of the reviewers' organisations, or led by a reviewer,
    are read: a reviewer named on a team of an organisation not theirs is not found."""
    names = {v[0] for orgs in own_orgs.values() for v in orgs.values()} or {""}
    ids = [r.id for r in reviewers]
    bids = list(db.session.scalars(select(Proposal).where(
        Proposal.challenge_id != challenge.id, Proposal.state != ProposalState.DRAFT,
        Proposal.submitted_at >= datetime(since, 1, 1, tzinfo=UTC),
        or_(Proposal.team_lead_id.in_(ids),
            Proposal.lead_org_id.in_(select(Organization.id).where(Organization.name.in_(names))),
            Proposal.id.in_(select(ProposalPartner.proposal_id).where(
                ProposalPartner.organization_name.in_(names)))))
        .options(selectinload(Proposal.lead_org), selectinload(Proposal.partners),
                 selectinload(Proposal.team_lead), selectinload(Proposal.challenge))))
    contracted = set(db.session.scalars(select(Contract.proposal_id).where(
        Contract.proposal_id.in_([b.id for b in bids]), Contract.signed_at.is_not(None)))
    ) if bids else set()
    for bid in bids:
        year, title = bid.submitted_at.year, bid.challenge.title
        orgs, people = _bid_orgs(bid), _bid_people(bid)
        for reviewer in reviewers:
            mine = own_orgs[reviewer.id]
            add = found[reviewer.id].append
            if any(k in orgs for k in mine):
                for key, name in orgs.items():
                    if key in side.related and key not in mine:
                        add(Conflict("consortium", _(
                            "%(year)s 年与揭榜方单位%(org)s组成联合体揭榜「%(title)s」",
                            year=year, org=name, title=title)))
            me = normalise_name(reviewer.name)
            if bid.team_lead_id != reviewer.id and not any((me, o) in people for o in mine):
                continue
            for key in people:
                if key[0] == me or key not in side.persons:
                    continue
                name = side.persons[key][0]
                add(Conflict("team", _(
                    "%(year)s 年与揭榜团队成员%(name)s共同承担项目「%(title)s」",
                    year=year, name=name, title=title) if bid.id in contracted else _(
                    "%(year)s 年与揭榜团队成员%(name)s共同揭榜「%(title)s」",
                    year=year, name=name, title=title)))


def _past_contracts(challenge, reviewers, side, own_orgs, since, found) -> None:
    """Past contracts between the reviewer's organisation and a bidding one (issuer and solver
    of a signed contract) within the years."""
    names = {v[0] for orgs in own_orgs.values() for v in orgs.values()} | set(
        side.related.values())
    org_ids = select(Organization.id).where(Organization.name.in_(names))
    # Driven by the organisations (their index), not by state or date, which match thousands.
    contracts = db.session.scalars(select(Contract).join(Challenge).where(
        Contract.challenge_id != challenge.id,
        Contract.signed_at.is_not(None), Contract.signed_at >= datetime(since, 1, 1, tzinfo=UTC),
        Contract.solver_org_id.in_(org_ids), Challenge.issuer_org_id.in_(org_ids))
        .options(selectinload(Contract.challenge).selectinload(Challenge.issuer),
                 selectinload(Contract.solver_org)))
    for contract in contracts:
        year = contract.signed_at.year
        issuer = contract.challenge.issuer.name
        solver = contract.solver_org.name
        pair = {normalise_name(issuer): issuer, normalise_name(solver): solver}
        for reviewer in reviewers:
            mine = own_orgs[reviewer.id]
            if not any(k in pair for k in mine):
                continue
            for key in pair:
                if key in side.related and key not in mine:
                    found[reviewer.id].append(Conflict("contract", _(
                        "%(year)s 年%(issuer)s与%(solver)s签订合同「%(title)s」（%(number)s）",
                        year=year, issuer=issuer, solver=solver, title=contract.challenge.title,
                        number=contract.number)))


def _past_panels(challenge, reviewers, side, since, found) -> None:
    """The reviewer and a member of a bidding team (their account, or their name at their
    organisation) sat on one panel within the years. One query: the reviewers' seats joined to
    the fellow seats of team members' accounts or names, so no panel list travels to Python."""
    if not side.persons:
        return
    names = {n for n, _o in side.persons.values()} | {k[0] for k in side.persons}
    mine, fellow = aliased(ReviewAssignment), aliased(ReviewAssignment)
    rows = db.session.execute(
        select(mine.reviewer_id, mine.assigned_at, User.id, User.name, Organization.name,
               Challenge.title)
        .join(fellow, fellow.challenge_id == mine.challenge_id)
        .join(User, User.id == fellow.reviewer_id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .join(Challenge, Challenge.id == mine.challenge_id)
        .where(mine.reviewer_id.in_([r.id for r in reviewers]),
               mine.challenge_id != challenge.id, mine.state == PanelSeatState.ASSIGNED,
               mine.assigned_at >= datetime(since, 1, 1, tzinfo=UTC),
               fellow.state == PanelSeatState.ASSIGNED, fellow.reviewer_id != mine.reviewer_id,
               or_(User.id.in_(list(side.lead_ids)), User.name.in_(names)))).all()
    for reviewer_id, assigned_at, user_id, name, org, title in rows:
        person = side.lead_ids.get(user_id) or side.persons.get(
            (normalise_name(name), normalise_name(org or "")))
        if person:
            found[reviewer_id].append(Conflict("panel", _(
                "%(year)s 年与揭榜团队成员%(name)s同在「%(title)s」评审组",
                year=assigned_at.year, name=person[0], title=title)))


def evidence_text(conflicts: list[Conflict]) -> str:
    """Several conflicts as one sentence, as conflicts_for has always returned them."""
    return punctuation("；").join(c.evidence for c in conflicts)
