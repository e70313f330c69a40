from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import NamedInThreeLanguages
from forum.extensions import db


class Region(NamedInThreeLanguages, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    organisations: Mapped[list["Organisation"]] = relationship(
        back_populates="region", order_by="Organisation.name"
    )


ORGANISATION_KINDS = ("municipality", "company", "association", "public_agency", "foundation")


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    # The e-mail domains the organisation vouches for, space-separated ("kuusikyla.fi"): a
    # confirmed address on one of them joins the organisation without a request.
    email_domains: Mapped[str] = mapped_column(Text, default="")
    # What the organisation tells other members about itself, in the language it chose.
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    description_language: Mapped[str] = mapped_column(String(2), default="fi", server_default="fi")

    region: Mapped[Region] = relationship(back_populates="organisations")

    def vouches_for(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.email_domains.split()
