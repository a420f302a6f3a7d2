from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import CreatedMixin, UTCDateTime, csv_list


class ExpertProfile(CreatedMixin, db.Model):
    """A person's expertise; owned by a solver or reviewer, or imported for the 专家库."""

    __tablename__ = "expert_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(50), default="")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    organization_name: Mapped[str] = mapped_column(String(100), default="")
    fields: Mapped[str] = mapped_column(String(300), default="")
    keywords: Mapped[str] = mapped_column(String(500), default="")
    results: Mapped[str] = mapped_column(Text, default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User", backref="expert_profile", uselist=False)
    organization = relationship("Organization")

    def __repr__(self) -> str:
        return f"<ExpertProfile {self.id} {self.name!r}>"

    @property
    def field_list(self) -> list[str]:
        return csv_list(self.fields)

    @property
    def keyword_list(self) -> list[str]:
        return csv_list(self.keywords)
