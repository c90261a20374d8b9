"""A database-wide data revision: bumped once by every transaction that changes data."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from govern.models.base import Base


class DataRevision(Base):
    """One row; `value` goes up whenever a transaction that wrote data commits.

    Pages cache their rendering under the revision they were built from, and use it as
    their ETag, so any write anywhere makes every page fresh again.
    """

    __tablename__ = "data_revision"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)

    def __repr__(self) -> str:
        return f"<DataRevision {self.value}>"


class ScopeRevision(Base):
    """The data revision at which something in a scope last changed.

    Scopes: "body:<id>" (a body, its meetings, agenda, cases, members and cycles), "shared"
    (the shared annual cycles), "person:<id>" (a person's own row), and "all" (a change whose
    reach is not worked out, e.g. an UPDATE statement: it counts for every scope). A feed
    of one body is kept while its scopes are unchanged, whatever is written elsewhere.
    """

    __tablename__ = "scope_revisions"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<ScopeRevision {self.scope} {self.value}>"
