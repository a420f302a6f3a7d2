import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import WorkKind
from ..timeutil import utcnow
from .base import CreatedMixin, UTCDateTime, csv_list, enum_column

if TYPE_CHECKING:
    from .organization import Organization
    from .user import User

# Where a profile came from: written by the person, imported into the 专家库, or entered by staff.
PROFILE_SOURCES = {"self": _l("本人填写"), "import": _l("批量导入"), "admin": _l("管理员录入")}


class ExpertProfile(CreatedMixin, db.Model):
    """A person's expertise; owned by a solver or reviewer, or imported for the 专家库."""

    __tablename__ = "expert_profiles"
    __table_args__ = (
        CheckConstraint("source IN ('self', 'import', 'admin')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(50), default="")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    organization_name: Mapped[str] = mapped_column(String(100), default="")
    fields: Mapped[str] = mapped_column(String(300), default="")
    keywords: Mapped[str] = mapped_column(String(500), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    # Contact for people without an account (an account holder's contact is on the account).
    email: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="self", server_default="self")
    active: Mapped[bool] = mapped_column(default=True)
    # 回避 declarations, one per line as the person typed them (parsed by the functions below):
    # organisation history "2019–2023 某某大学", and relatives/students "张三：学生".
    affiliations: Mapped[str] = mapped_column(Text, default="", server_default="")
    relations: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped["User | None"] = relationship("User", backref="expert_profile", uselist=False)
    organization: Mapped["Organization | None"] = relationship("Organization")
    works: Mapped[list["ExpertWork"]] = relationship(
        "ExpertWork", back_populates="profile", order_by="ExpertWork.position",
        cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<ExpertProfile {self.id} {self.name!r}>"

    @property
    def field_list(self) -> list[str]:
        return csv_list(self.fields)

    @property
    def keyword_list(self) -> list[str]:
        return csv_list(self.keywords)

    @property
    def source_label(self) -> str:
        return str(PROFILE_SOURCES.get(self.source, self.source))

    @property
    def affiliation_list(self) -> list["Affiliation"]:
        return parse_affiliations(self.affiliations)[0]

    @property
    def relation_list(self) -> list[tuple[str, str]]:
        return named_lines(self.relations)


class ExpertWork(db.Model):
    """One representative result of an expert: a paper, patent, project or other work."""

    __tablename__ = "expert_works"
    __table_args__ = (
        CheckConstraint("year IS NULL OR year BETWEEN 1900 AND 2100", name="year_plausible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[WorkKind] = enum_column(WorkKind, default=WorkKind.OTHER)
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column()
    # Co-authors or co-inventors as written ("张三, 李四; Wang Wu"), for 回避 by co-authorship.
    authors: Mapped[str] = mapped_column(Text, default="", server_default="")
    position: Mapped[int] = mapped_column(default=0)

    profile: Mapped["ExpertProfile"] = relationship("ExpertProfile", back_populates="works")

    def __repr__(self) -> str:
        return f"<ExpertWork {self.kind} {self.title[:20]!r}>"

    def as_text(self) -> str:
        """One line: title, year and abstract, for search and matching."""
        year = f"（{self.year}）" if self.year else ""
        abstract = f"：{self.abstract}" if self.abstract else ""
        return f"{self.title}{year}{abstract}"


# -- names and declarations, for 回避 (pure text functions; reviewing/conflicts.py uses them) ------

_PUNCT = re.compile(r"[\s.,;:'\"()\[\]·•・‧\-–—_/\\]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalise_name(name: str) -> str:
    """One spelling per person or organisation name: full-width folded (NFKC), case folded,
    spaces and dots dropped ("张 三" = "张三", "欧阳·娜娜" = "欧阳娜娜"); Latin names compared
    as a set of words, so "Wang Wu", "WU, Wang" and "wu wang" are one name."""
    text = unicodedata.normalize("NFKC", name or "").casefold().strip()
    if _CJK.search(text):
        return _PUNCT.sub("", text)
    return " ".join(sorted(w for w in _PUNCT.split(text) if w))


_AUTHOR_SPLIT = re.compile(r"\s*(?:[,，、;；/]|\band\b|\n)\s*")


def author_names(text: str) -> list[str]:
    """The names in a works row's author list: split on , ， 、 ; ； / "and" and line ends."""
    return [a.strip() for a in _AUTHOR_SPLIT.split(text or "") if a and a.strip()]


@dataclass(frozen=True)
class Affiliation:
    organization: str
    start: int
    end: int | None  # None: still there

    def years(self) -> str:
        if self.end == self.start:
            return str(self.start)
        return f"{self.start}–{self.end or ''}"

    def within(self, since: int) -> bool:
        return self.end is None or self.end >= since


_AFFILIATION = re.compile(
    r"^(?P<start>\d{4})\s*年?\s*(?:(?P<sep>[-–—~～]|至)\s*(?P<end>\d{4}|至今|今|now|present)?)?"
    r"\s*年?\s*[,，、:：]?\s*(?P<org>\S.*)$", re.IGNORECASE)


def parse_affiliations(text: str) -> tuple[list[Affiliation], list[int]]:
    """Lines "2019–2023 某某大学", "2021- 某公司", "2021 至今 某公司" or "2020 某单位" (one
    year): the parsed rows, and the numbers (1-based) of lines that could not be read."""
    found, bad = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = unicodedata.normalize("NFKC", line).strip()
        if not line:
            continue
        match = _AFFILIATION.match(line)
        start = int(match["start"]) if match else 0
        if not match or not 1900 <= start <= 2100:
            bad.append(number)
            continue
        end_text = match["end"] or ""
        if end_text.isdigit():
            end = int(end_text)
        else:
            end = None if match["sep"] else start
        if end is not None and end < start:
            bad.append(number)
            continue
        found.append(Affiliation(match["org"].strip(), start, end))
    return found, bad


def named_lines(text: str) -> list[tuple[str, str]]:
    """Lines "姓名：说明" (also "姓名, 说明" or just "姓名"): [(name, note)], blank lines skipped."""
    found = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, note = (re.split(r"([:：,，])", line, maxsplit=1) + ["", ""])[:3]
        found.append((name.strip(), note.strip()))
    return found
