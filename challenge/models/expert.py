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
    position: Mapped[int] = mapped_column(default=0)

    profile: Mapped["ExpertProfile"] = relationship("ExpertProfile", back_populates="works")

    def __repr__(self) -> str:
        return f"<ExpertWork {self.kind} {self.title[:20]!r}>"

    def as_text(self) -> str:
        """One line: title, year and abstract, for search and matching."""
        year = f"（{self.year}）" if self.year else ""
        abstract = f"：{self.abstract}" if self.abstract else ""
        return f"{self.title}{year}{abstract}"
