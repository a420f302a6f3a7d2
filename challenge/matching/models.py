"""Plain data the matcher works on; the web app maps its database rows onto these."""

from __future__ import annotations

from dataclasses import dataclass, field

Id = str | int


@dataclass
class Profile:
    """An expert or solver team: what they say they do and what they have done."""

    id: Id
    name: str = ""
    fields: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    bio: str = ""
    works: list[str] = field(default_factory=list)


@dataclass
class Need:
    """A posted technical need (榜)."""

    id: Id
    title: str
    summary: str = ""
    keywords: list[str] = field(default_factory=list)
    detail: str = ""


@dataclass(frozen=True)
class Match:
    """One ranked result: *score* is 0–100, *terms* explain it to the user."""

    id: Id
    score: float
    terms: list[str]
