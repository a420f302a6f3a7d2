from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import OrgType
from .base import CreatedMixin, enum_column


class Organization(CreatedMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    type: Mapped[OrgType] = enum_column(OrgType)
    region: Mapped[str] = mapped_column(String(60), default="")
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)

    users = relationship("User", back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r} {self.type}>"
