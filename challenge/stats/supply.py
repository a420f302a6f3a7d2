"""供给缺口 (supply-gap map): which 榜 still waiting for a solver, and which of their indicator
terms, find no capable expert or solver in the pool — by field and by the issuer's region.

"Capable" is the matcher's own word (challenge.matching_service): a profile scoring at least
SUPPLY_GAP_MIN_SCORE for the 榜 (its public face and body, as the expert recommendations read it),
or for the indicator's name alone, the issuer's own people left out. A 榜 with no capable profile
is a gap; so is an indicator term no profile speaks to. The bureau reads it as a list of the
talent to recruit and the 产业短缺 to post.

Every figure on the page is the length of a list this module also returns for its drill-down:
`SupplyMap.challenges(...)` and `SupplyMap.terms(...)` are the figures' own rows, filtered.
"""

import re
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..matching import Need
from ..matching_service import RECOMMEND_MIN_SCORE, need_doc, service
from ..models import Challenge, ExpertProfile, Organization
from ..states import ChallengeState

# Demand not yet served: being screened, open, under review, or unclaimed (流榜).
DEMAND = (ChallengeState.SCREENING, ChallengeState.OPEN, ChallengeState.REVIEWING,
          ChallengeState.UNCLAIMED)
POOL_DEPTH = 50  # capable profiles counted per 榜, at most
_CITY = (re.compile(r"^.*?市"), re.compile(r"^.*?(?:自治州|地区|盟|州)"))


def city_of(region: str) -> str:
    """示范市高新区 → 示范市; 江苏省苏州市工业园区 → 江苏省苏州市; 邻省某市 → "" (not a place)."""
    for pattern in _CITY:
        if m := pattern.match(region or ""):
            return m.group(0) if "某" not in m.group(0) else ""
    return ""


@dataclass
class TermGap:
    term: str
    challenge_ids: list[int] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # of the 榜 needing it


@dataclass
class ChallengeSupply:
    challenge: Challenge
    region: str                 # the issuer's region as registered
    capable: int                # profiles at or above the threshold (the issuer's own left out)
    in_region: int              # ...of which in the issuer's city
    terms: list[str]            # the indicator names (each once)
    uncovered: list[str]        # ...that no profile speaks to

    @property
    def gap(self) -> bool:
        return self.capable == 0

    @property
    def field(self) -> str:
        return self.challenge.field


@dataclass
class Cell:
    """One row of a table: a field or a region, and its figures."""

    key: str
    challenges: int = 0         # 榜 awaiting a solver
    gaps: int = 0               # ...with no capable profile
    thin: int = 0               # ...with capable profiles, none of them in the issuer's city
    uncovered_terms: int = 0    # distinct indicator terms no profile speaks to


@dataclass
class SupplyMap:
    rows: list[ChallengeSupply]
    threshold: float

    def challenges(self, field: str = "", region: str = "", which: str = "all") -> list[ChallengeSupply]:
        """The drill-down: 榜 of a field and region; *which* = all | gap | thin."""
        keep = {"all": lambda r: True, "gap": lambda r: r.gap,
                "thin": lambda r: not r.gap and r.in_region == 0}[which]
        return [r for r in self.rows if (not field or r.field == field)
                and (not region or r.region == region) and keep(r)]

    def terms(self, field: str = "", region: str = "") -> list[TermGap]:
        """Indicator terms no profile speaks to, with the 榜 needing each; most needed first."""
        found: dict[str, TermGap] = {}
        for r in self.challenges(field, region):
            for term in r.uncovered:
                gap = found.setdefault(term, TermGap(term))
                gap.challenge_ids.append(r.challenge.id)
                if r.field not in gap.fields:
                    gap.fields.append(r.field)
        return sorted(found.values(), key=lambda t: (-len(t.challenge_ids), t.term))

    def _cells(self, key_of) -> list[Cell]:
        keys = sorted({key_of(r) for r in self.rows})
        cells = []
        for key in keys:
            args = {"field": key} if key_of is _field else {"region": key}
            cells.append(Cell(key, len(self.challenges(**args)), len(self.challenges(**args, which="gap")),
                              len(self.challenges(**args, which="thin")), len(self.terms(**args))))
        return sorted(cells, key=lambda c: (-c.gaps, -c.uncovered_terms, c.key))

    def by_field(self) -> list[Cell]:
        return self._cells(_field)

    def by_region(self) -> list[Cell]:
        return self._cells(_region)

    def total(self) -> Cell:
        return Cell("", len(self.rows), len(self.challenges(which="gap")),
                    len(self.challenges(which="thin")), len(self.terms()))


def _field(r: ChallengeSupply) -> str:
    return r.field


def _region(r: ChallengeSupply) -> str:
    return r.region


def threshold() -> float:
    return float(current_app.config.get("SUPPLY_GAP_MIN_SCORE", RECOMMEND_MIN_SCORE))


def _own_people(challenges: list[Challenge]) -> dict[int, frozenset]:
    """Per issuer: its own people's profiles, no supply for its own 榜 (a conflict, as in the
    expert recommendations: same organisation by id or by name)."""
    ids = {c.issuer_org_id for c in challenges}
    names = {c.issuer.name: c.issuer_org_id for c in challenges}
    own: dict[int, set[int]] = {i: set() for i in ids}
    for pid, org_id, org_name in db.session.execute(
            select(ExpertProfile.id, ExpertProfile.organization_id, ExpertProfile.organization_name)
            .where(or_(ExpertProfile.organization_id.in_(ids),
                       ExpertProfile.organization_name.in_(names)))):
        for issuer in {org_id if org_id in own else None, names.get(org_name)} - {None}:
            own[issuer].add(pid)
    return {i: frozenset(p) for i, p in own.items()}


def _cities(profile_ids: set[int]) -> dict[int, str]:
    if not profile_ids:
        return {}
    return {pid: city_of(region or "") for pid, region in db.session.execute(
        select(ExpertProfile.id, Organization.region)
        .join(Organization, ExpertProfile.organization_id == Organization.id)
        .where(ExpertProfile.id.in_(profile_ids)))}


Measured = list[tuple[int, int, int, list[str], list[str]]]  # id, capable, in city, terms, uncovered


def measure() -> Measured:
    """The matcher's part, as plain data (a view may cache it): per 榜 awaiting a solver, the
    capable profiles, those in the issuer's city, its indicator terms and the uncovered ones."""
    svc = service()
    floor = threshold()
    challenges = db.session.scalars(
        select(Challenge).where(Challenge.state.in_(DEMAND))
        .options(selectinload(Challenge.issuer), selectinload(Challenge.indicators))
        .order_by(Challenge.id)).all()
    own_people = _own_people(challenges) if challenges else {}
    found = []
    term_cache: dict[tuple[str, frozenset], bool] = {}
    for c in challenges:
        own = own_people[c.issuer_org_id]
        matches = [m for m in svc.experts.top_experts(need_doc(c, detail=c.detail), k=POOL_DEPTH,
                                                      exclude=own) if m.score >= floor]
        terms = list(dict.fromkeys(i.name.strip() for i in c.indicators if i.name.strip()))
        uncovered = []
        for term in terms:
            key = (term, own)
            if key not in term_cache:
                hits = svc.experts.top_experts(Need(id=0, title=term, keywords=[term]), k=1, exclude=own)
                term_cache[key] = any(m.score >= floor for m in hits)
            if not term_cache[key]:
                uncovered.append(term)
        found.append((c, matches, terms, uncovered))
    cities = _cities({m.id for _c, matches, _t, _u in found for m in matches})
    out = []
    for c, matches, terms, uncovered in found:
        city = city_of(c.issuer.region)
        out.append((c.id, len(matches), sum(1 for m in matches if city and cities.get(m.id) == city),
                    terms, uncovered))
    return out


def pool_stamp() -> str:
    """What, besides the audit chain's head, changes the map: the expert pool (its size and
    newest change) and the threshold."""
    count, newest = db.session.execute(
        select(func.count(ExpertProfile.id), func.max(ExpertProfile.updated_at))).one()
    return f"{count}:{newest.isoformat() if newest else ''}:{threshold()}"


def assemble(measured: Measured) -> SupplyMap:
    found = {c.id: c for c in db.session.scalars(
        select(Challenge).where(Challenge.id.in_([m[0] for m in measured]))
        .options(selectinload(Challenge.issuer)))} if measured else {}
    rows = [ChallengeSupply(challenge=found[cid], region=found[cid].issuer.region or "",
                            capable=capable, in_region=local, terms=terms, uncovered=uncovered)
            for cid, capable, local, terms, uncovered in measured if cid in found]
    return SupplyMap(rows, threshold())


def supply_map() -> SupplyMap:
    return assemble(measure())
