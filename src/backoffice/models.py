"""All tables in one place: features import from here, Alembic compares against it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.database import Base

EBOOK_STATUSES = ("DRAFT", "APPROVED", "PUBLISHED", "REJECTED")
PAGE_KINDS = ("cover", "back_cover", "content")
JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled", "needs_review")
JOB_ACTIVE = ("queued", "running")
# Ended: "needs_review" means drawn, but some pages still fail the line-art gate.
JOB_FINISHED = ("succeeded", "failed", "cancelled", "needs_review")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class Ebook(TimestampMixin, Base):
    __tablename__ = "ebooks"
    __table_args__ = (
        CheckConstraint(_in("status", EBOOK_STATUSES), name="status"),
        # The dashboard's sorts and status filter (migration 0012).
        Index("ix_ebooks_created_at_id", "created_at", "id"),
        Index("ix_ebooks_status_created_at_id", "status", "created_at", "id"),
        Index("ix_ebooks_lower_title_id", text("lower(title)"), "id"),
        Index("ix_ebooks_lower_author_id", text("lower(author)"), "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unbounded: books adopted from the previous system keep their whole text (the
    # creation form has its own limits).
    title: Mapped[str] = mapped_column(Text, nullable=False)
    subtitle: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    author: Mapped[str] = mapped_column(Text, nullable=False)
    theme: Mapped[str] = mapped_column(String(64), nullable=False)
    audience: Mapped[str] = mapped_column(String(16), nullable=False)
    trim_size: Mapped[str] = mapped_column(String(16), nullable=False)
    paper: Mapped[str] = mapped_column(String(16), nullable=False)
    # Number of coloring designs; the interior PDF's page count is derived from it.
    page_count: Mapped[int] = mapped_column(Integer, nullable=False)
    seed: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="DRAFT")
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    # Print options (KDP export).
    isbn: Mapped[str | None] = mapped_column(String(13))
    single_sided: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    front_matter: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    page_numbers: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    blurb: Mapped[str | None] = mapped_column(Text)
    # The row of legacy.ebooks this book was imported from (adoption, migration 0006).
    legacy_ebook_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    # hero, fan, grid or framed (kdp.cover_design.TEMPLATES); NULL: the theme's default.
    cover_template: Mapped[str | None] = mapped_column(String(16))
    # Furniture pages (kdp/furniture.py FURNITURE keys); they count in the page count.
    furniture: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list,
                                                 server_default=text("'[]'::jsonb"))

    pages: Mapped[list[Page]] = relationship(
        back_populates="ebook", cascade="all, delete-orphan", order_by="Page.position"
    )


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (
        CheckConstraint(_in("kind", PAGE_KINDS), name="kind"),
        UniqueConstraint("ebook_id", "kind", "position", name="uq_pages_ebook_kind_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ebook_id: Mapped[int] = mapped_column(
        ForeignKey("ebooks.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    # 0 for covers; 1..N for content pages, in reading order.
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    # Indexed: deleting a version sets this to NULL, which otherwise scans every page.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("page_versions.id", ondelete="SET NULL", use_alter=True,
                   name="fk_pages_current_version_id_page_versions"), index=True
    )

    ebook: Mapped[Ebook] = relationship(back_populates="pages")
    current_version: Mapped[PageVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class PageVersion(Base):
    __tablename__ = "page_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Which job made it: a retried job finds its own work and does not redo it.
    generation_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("generation_jobs.id", ondelete="SET NULL"), index=True
    )
    image_key: Mapped[str] = mapped_column(String(128), nullable=False)
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    model: Mapped[str] = mapped_column(String(128), nullable=False)
    prompt: Mapped[str] = mapped_column(Text, nullable=False, default="")
    seed: Mapped[int] = mapped_column(BigInteger, nullable=False)
    quality: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class GenerationJob(TimestampMixin, Base):
    __tablename__ = "generation_jobs"
    __table_args__ = (
        CheckConstraint(_in("status", JOB_STATUSES), name="status"),
        # The few active jobs, for the dashboard's "generating" count.
        Index("ix_generation_jobs_active_ebook_id", "ebook_id",
              postgresql_where=text(_in("status", JOB_ACTIVE))),
        # Deleting a page sets failed_page_id to NULL where it points at it: without this,
        # every deleted page (and every page of a deleted book) scanned all jobs.
        Index("ix_generation_jobs_failed_page_id", "failed_page_id",
              postgresql_where=text("failed_page_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ebook_id: Mapped[int] = mapped_column(
        ForeignKey("ebooks.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # "generate" for a new book, "regenerate" for pages of an existing one.
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    step: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    error: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    # Content page positions still failing the line-art gate when the job ended.
    review_pages: Mapped[list[int]] = mapped_column(JSONB, nullable=False, default=list,
                                                    server_default="[]")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A failed job: the page it stopped at and the kind of fault (features/generation/
    # faults.py), so the book page can say what failed and what to do.
    failed_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("pages.id", ondelete="SET NULL"))
    fault: Mapped[str | None] = mapped_column(String(32))
    failed_page: Mapped[Page | None] = relationship(foreign_keys=[failed_page_id])
    # Times the sweeper handed the job back to the queue after its process died.
    requeues: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StatusChange(Base):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ebook_id: Mapped[int] = mapped_column(
        ForeignKey("ebooks.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class Export(Base):
    """One run of the KDP export: the files it made and the preflight's verdict."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ebook_id: Mapped[int] = mapped_column(
        ForeignKey("ebooks.id", ondelete="CASCADE"), nullable=False, index=True
    )
    interior_key: Mapped[str] = mapped_column(String(128), nullable=False)
    cover_key: Mapped[str] = mapped_column(String(128), nullable=False)
    interior_pages: Mapped[int] = mapped_column(Integer, nullable=False)
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    report: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    # A failing export used anyway: who decided it, and why.
    override_by: Mapped[str | None] = mapped_column(String(200))
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


LISTING_LANGUAGES = ("fr", "en")


class Listing(TimestampMixin, Base):
    """A book's KDP listing in one language, once someone edited it (features/listing,
    migration 0011); without a row the listing is written from the book's theme."""

    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint(_in("language", LISTING_LANGUAGES), name="language"),
        UniqueConstraint("ebook_id", "language", name="uq_listings_ebook_language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ebook_id: Mapped[int] = mapped_column(
        ForeignKey("ebooks.id", ondelete="CASCADE"), nullable=False, index=True
    )
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    subtitle: Mapped[str] = mapped_column(Text, nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    keywords: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    categories: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    reading_age_min: Mapped[int | None] = mapped_column(SmallInteger)
    reading_age_max: Mapped[int | None] = mapped_column(SmallInteger)
    # NULL: the suggested price, which follows the page count.
    list_price: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    updated_by: Mapped[str] = mapped_column(String(200), nullable=False)


# ---- Accounts and security (features/accounts, migration 0005) -------------------------

USER_ROLES = ("admin", "editor")
LINK_PURPOSES = ("invite", "reset")


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", USER_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    # NULL until an invited user chooses a password, and after a reset.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserSession(Base):
    __tablename__ = "user_sessions"

    # SHA-256 of the cookie value: a leaked table does not hand out live sessions.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    user_agent: Mapped[str] = mapped_column(String(300), nullable=False, default="")

    user: Mapped[User] = relationship()


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    # The first characters, shown in the list so a token can be recognised.
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class AccountLink(Base):
    """A one-time link to choose a password: an invitation or a reset."""

    __tablename__ = "account_links"
    __table_args__ = (CheckConstraint(_in("purpose", LINK_PURPOSES), name="purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Login throttling: one row per "account:<ip>|<email>" and per "ip:<ip>", claimed
    under a row lock before a password is checked (features/accounts/throttle.py)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(330), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    blocked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                    server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 server_default=func.now(), index=True)


class UserEvent(Base):
    """Audit of account changes: who did what to whom."""

    __tablename__ = "user_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(254), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    user: Mapped[User | None] = relationship()
