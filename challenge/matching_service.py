"""The app's side of matching: the indexes are built once from the database and then kept
current from the rows changed since the last look — never rebuilt per request. Under gunicorn
they are built in the master before it forks the workers (`challenge.serving`), so the workers
share one copy and each keeps it current from there.

Needs are indexed by their public face only (title, summary, field, tags; the English title
and summary beside the Chinese), so no
recommendation, search hit or explanation can reveal a confidential body.
"""

import threading
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import permissions as can
from .extensions import db
from .locales import for_reader
from .matching import Match, Matcher, Need, NeedIndex, Profile
from .models import Challenge, ExpertProfile
from .states import ChallengeState, Role

SEARCH_MIN_SCORE = 35.0     # fuzzy hall-search hits below this are noise
SEARCH_BAND = 25.0          # ...and so are hits this far below the best one
DUPLICATE_THRESHOLD = 45.0  # near-duplicate warning while posting (demo pairs score 45-53)
RECOMMEND_MIN_SCORE = 12.0  # below this a "match" rests on one generic word such as 材料


def profile_doc(p: ExpertProfile) -> Profile:
    return Profile(id=p.id, name=p.name, fields=p.field_list, keywords=p.keyword_list, bio=p.bio,
                   works=[w.as_text() for w in p.works])


def need_doc(c: Challenge | None = None, *, title="", summary="", field="", tags=(),
             detail="") -> Need:
    if c is not None:  # both faces, Chinese and English: search finds a 榜 by either
        title = " ".join(t for t in (c.title, c.title_en) if t)
        summary = "\n".join(t for t in (c.summary, c.summary_en) if t)
        field, tags = c.field, c.tag_list
    return Need(id=c.id if c is not None else 0, title=title, summary=summary,
                keywords=[k for k in (field, *tags) if k], detail=detail)


class MatchingService:
    """Both indexes, guarded by one lock; `sync()` pulls in what changed since last time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.ready = False  # True once a first sync has completed
        self.experts: Matcher | None = None      # every active profile
        self.reviewers: Matcher | None = None    # active reviewer accounts' profiles
        self.needs: NeedIndex | None = None      # every 榜 but withdrawn ones, public face
        # Per model: the newest updated_at applied, and the ids applied at exactly that time.
        self._seen: dict[type, tuple[datetime | None, frozenset]] = {
            ExpertProfile: (None, frozenset()), Challenge: (None, frozenset())}

    def sync(self, wait: bool = True) -> bool:
        """Build the indexes on first use, else apply the changes since the last sync. With
        *wait* false, return False at once (doing nothing) while another thread is syncing."""
        if not self._lock.acquire(blocking=wait):
            return False
        try:
            if not self.ready:
                self.reset()  # a first build that failed half-way starts again from nothing
                self.experts, self.reviewers, self.needs = Matcher(), Matcher(), NeedIndex()
            profiles = self._changed(ExpertProfile, selectinload(ExpertProfile.works),
                                     selectinload(ExpertProfile.user))
            _apply(self.experts, profiles, lambda p: p.active, profile_doc)
            _apply(self.reviewers, profiles, is_active_reviewer, profile_doc)
            _apply(self.needs, self._changed(Challenge),
                   lambda c: c.state is not ChallengeState.WITHDRAWN, need_doc)
            self.ready = True
        finally:
            self._lock.release()
        return True

    def prime(self) -> None:
        """Do now what the indexes leave to their first query (the matrices of documents added
        since the last query, and the like): one query through each. Before a server forks its
        workers, so that they share that work instead of each doing it on its first search."""
        probe = need_doc(title="预热", summary="warm-up")
        with self._lock:
            if self.ready:
                self.experts.top_experts(probe, k=1)
                self.reviewers.top_experts(probe, k=1)
                self.needs.search("预热 warm-up", k=1)

    def _changed(self, model, *options) -> list:
        """Rows not applied yet: updated after the newest time seen, or at that very time but
        not among the rows already applied then (two rows may share a timestamp)."""
        since, applied = self._seen[model]
        query = select(model).options(*options)
        if since is not None:
            query = query.where(model.updated_at >= since)
        rows = [row for row in db.session.scalars(query)
                if not (row.updated_at == since and row.id in applied)]
        if rows:
            newest = max(row.updated_at for row in rows)
            at_newest = {row.id for row in rows if row.updated_at == newest}
            if newest == since:
                at_newest |= applied
            self._seen[model] = (newest, frozenset(at_newest))
        return rows


def is_active_reviewer(p: ExpertProfile) -> bool:
    return bool(p.active and p.user and p.user.active and p.user.role is Role.REVIEWER)


def _apply(index, rows, keep, to_doc) -> None:
    for row in rows:
        if keep(row):
            (index.update if row.id in index else index.add)(to_doc(row))
        elif row.id in index:
            index.remove(row.id)


def service() -> MatchingService:
    svc: MatchingService = current_app.extensions["matching"]
    svc.sync()
    return svc


@dataclass
class ExpertSuggestion:
    profile: ExpertProfile
    match: Match
    conflict: str  # why this person may not review this 榜 ("" when none)

    @property
    def invitable(self) -> bool:
        return bool(self.profile.user and self.profile.user.role is Role.SOLVER
                    and self.profile.user.active)


def conflict_reason(profile: ExpertProfile, challenge: Challenge) -> str:
    same_org = (profile.organization_id == challenge.issuer_org_id
                or profile.organization_name == challenge.issuer.name)
    return _("与发榜单位相同") if same_org else ""


def recommend_experts(challenge: Challenge, k: int = 10) -> list[ExpertSuggestion]:
    """Experts for a 榜, for its issuer and the bureau (the body sharpens the query)."""
    matches = [m for m in service().experts.top_experts(
        need_doc(challenge, detail=challenge.detail), k=k) if m.score >= RECOMMEND_MIN_SCORE]
    profiles = _load(ExpertProfile, [m.id for m in matches],
                     selectinload(ExpertProfile.user), selectinload(ExpertProfile.organization))
    return [ExpertSuggestion(profiles[m.id], m, conflict_reason(profiles[m.id], challenge))
            for m in matches if m.id in profiles]


def recommend_challenges(user, k: int = 5) -> list[tuple[Challenge, Match]]:
    """Open 榜 this solver's profile fits best, among those they may see."""
    profile = db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user.id))
    if profile is None or not (profile.field_list or profile.keyword_list or profile.bio):
        return []
    matches = [m for m in service().needs.top_needs(profile_doc(profile), k=max(4 * k, 20))
               if m.score >= RECOMMEND_MIN_SCORE]
    found = _load(Challenge, [m.id for m in matches])
    picked = [(found[m.id], m) for m in matches if m.id in found
              and found[m.id].state is ChallengeState.OPEN
              and can.can_view_challenge(user, found[m.id])]
    return picked[:k]


def similar_challenges(viewer, need: Need, exclude_id: int | None = None,
                       k: int = 5) -> list[tuple[Challenge, Match]]:
    """Near-duplicates of a 榜 being written, among those the viewer may see."""
    if not (need.title or need.summary):
        return []
    matches = service().needs.near_duplicates(need, threshold=DUPLICATE_THRESHOLD, k=k + 5)
    found = _load(Challenge, [m.id for m in matches if m.id != exclude_id])
    return [(found[m.id], m) for m in matches if m.id in found
            and can.can_view_challenge(viewer, found[m.id])][:k]


def reviewer_matches(challenge: Challenge, k: int = 50) -> list[tuple[ExpertProfile, Match]]:
    """Reviewer accounts best placed to judge this 榜, best first (conflicts not yet removed)."""
    matches = service().reviewers.top_experts(need_doc(challenge, detail=challenge.detail), k=k)
    profiles = _load(ExpertProfile, [m.id for m in matches], selectinload(ExpertProfile.user))
    return [(profiles[m.id], m) for m in matches if m.id in profiles]


def why(terms: list[str], limit: int = 6) -> list[str]:
    """The matcher's reasons in plain words: "keyword≈熔喷材料" → "熔喷材料",
    "芯片封装=封装测试" → "芯片封装≈封装测试"; duplicates dropped; as the page's reader reads
    them (`locales.for_reader`: an English page keeps a synonym link's English side)."""
    shown: list[str] = []
    for term in terms:
        for prefix in ("keyword≈", "keyword=", "title≈"):
            if term.startswith(prefix):
                term = term[len(prefix):]
        term = term.replace("=", "≈")
        if term and term not in shown:
            shown.append(term)
    return for_reader(shown[:limit])


def search_ids(text: str, k: int = 100, keep=None) -> list[int]:
    """Ids of 榜 whose public face matches free text, best first, typos tolerated. *keep*
    (ids → the subset the reader may list) filters before the band is drawn, so the band is
    measured from the best hit the reader will see: a hidden 榜 scoring higher must not push
    the visible ones out of the list."""
    matches = [m for m in service().needs.search(text, k=k) if m.score >= SEARCH_MIN_SCORE]
    if keep is not None and matches:
        visible = keep([m.id for m in matches])
        matches = [m for m in matches if m.id in visible]
    if not matches:
        return []
    floor = matches[0].score - SEARCH_BAND
    return [m.id for m in matches if m.score >= floor]


def _load(model, ids, *options) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(
        select(model).where(model.id.in_(ids)).options(*options))}
