"""A database of the previous system (nash-team/backoffice), built the way teams have it.

SCHEMA_SQL is the `pg_dump --schema-only` of shared/reference/legacy-database.md (its
Alembic head b34b0200e8da), verbatim but for the comment lines; earlier revisions are
made from it with the ALTERs their migrations imply. Rows follow its exact formats:
base64 PNGs at 2626 x 2626 in structure_json.pages_meta (colour covers, RGB anti-aliased
line art), naive UTC timestamps, NULL structure_json for a failed generation.
"""

from __future__ import annotations

import base64
import io
import json
import random
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import psycopg
from PIL import Image, ImageDraw, ImageFilter

HEAD = "b34b0200e8da"
LEGACY_SIZE = 2626

SCHEMA_SQL = """
CREATE TYPE public.ebookstatus AS ENUM (
    'DRAFT',
    'APPROVED',
    'REJECTED'
);

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);

CREATE TABLE public.ebooks (
    id integer NOT NULL,
    title character varying NOT NULL,
    author character varying NOT NULL,
    status character varying(20) NOT NULL,
    preview_url character varying,
    drive_id character varying,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    theme_id character varying(50),
    theme_version character varying(20),
    audience character varying(10),
    structure_json json,
    ebook_bytes bytea,
    page_count integer,
    drive_id_cover character varying,
    drive_id_interior character varying
);

CREATE SEQUENCE public.ebooks_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ebooks_id_seq OWNED BY public.ebooks.id;

CREATE TABLE public.image_usages (
    id integer NOT NULL,
    request_id character varying(255) NOT NULL,
    model character varying(255) NOT NULL,
    input_images integer NOT NULL,
    output_images integer NOT NULL,
    cost numeric(10,6) NOT NULL,
    created_at timestamp without time zone NOT NULL,
    ebook_id integer
);

CREATE SEQUENCE public.image_usages_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.image_usages_id_seq OWNED BY public.image_usages.id;

CREATE TABLE public.token_usages (
    id integer NOT NULL,
    request_id character varying(255) NOT NULL,
    model character varying(255) NOT NULL,
    prompt_tokens integer NOT NULL,
    completion_tokens integer NOT NULL,
    cost numeric(10,6) NOT NULL,
    created_at timestamp without time zone NOT NULL,
    ebook_id integer
);

CREATE SEQUENCE public.token_usages_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.token_usages_id_seq OWNED BY public.token_usages.id;

CREATE TABLE public.users (
    id integer NOT NULL,
    email character varying,
    username character varying,
    hashed_password character varying,
    is_active boolean,
    created_at timestamp with time zone DEFAULT now(),
    is_admin boolean
);

CREATE SEQUENCE public.users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;

ALTER TABLE ONLY public.ebooks ALTER COLUMN id SET DEFAULT nextval('public.ebooks_id_seq'::regclass);

ALTER TABLE ONLY public.image_usages ALTER COLUMN id SET DEFAULT nextval('public.image_usages_id_seq'::regclass);

ALTER TABLE ONLY public.token_usages ALTER COLUMN id SET DEFAULT nextval('public.token_usages_id_seq'::regclass);

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);

ALTER TABLE ONLY public.ebooks
    ADD CONSTRAINT ebooks_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.image_usages
    ADD CONSTRAINT image_usages_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.token_usages
    ADD CONSTRAINT token_usages_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE INDEX ix_image_usages_ebook_id ON public.image_usages USING btree (ebook_id);

CREATE INDEX ix_image_usages_request_id ON public.image_usages USING btree (request_id);

CREATE INDEX ix_token_usages_ebook_id ON public.token_usages USING btree (ebook_id);

CREATE INDEX ix_token_usages_request_id ON public.token_usages USING btree (request_id);

CREATE UNIQUE INDEX ix_users_email ON public.users USING btree (email);

CREATE INDEX ix_users_id ON public.users USING btree (id);

CREATE UNIQUE INDEX ix_users_username ON public.users USING btree (username);
"""  # noqa: E501  (the dump, verbatim)

# What an earlier revision's database looks like, from the head's: the inverse of each
# later migration of the previous chain (read from its migrations/versions).
_BEFORE_DRIVE_IDS = ("ALTER TABLE ebooks DROP COLUMN drive_id_cover, "
                     "DROP COLUMN drive_id_interior")
_WITH_COST_COLUMNS = (
    "ALTER TABLE ebooks ADD COLUMN generation_cost numeric(12,4), "
    "ADD COLUMN prompt_tokens integer, ADD COLUMN completion_tokens integer, "
    "ADD COLUMN generation_provider varchar(50), ADD COLUMN generation_model varchar(100), "
    "ADD COLUMN generation_duration_seconds numeric(10,2)",
    "CREATE INDEX ix_ebooks_generation_cost ON ebooks (generation_cost)")
_WITHOUT_COST_TABLES = ("DROP TABLE token_usages", "DROP TABLE image_usages")
_STATUS_ENUM = ("ALTER TABLE ebooks ALTER COLUMN status TYPE ebookstatus "
                "USING status::ebookstatus",)
REVISIONS: dict[str, tuple[str, ...]] = {
    HEAD: (),
    "e7c51f753bca": (),
    "b1c2d3e4f5g6": (),
    "aa609b520552": (_BEFORE_DRIVE_IDS,),
    "8d8b2af47db2": (_BEFORE_DRIVE_IDS, *_WITH_COST_COLUMNS),
    # Before the cost tables, with the status column as the enum once more.
    "3ce9199f7afa": (_BEFORE_DRIVE_IDS, *_WITHOUT_COST_TABLES, *_STATUS_ENUM),
}


@lru_cache(maxsize=16)
def line_art_png(seed: int, size: int = LEGACY_SIZE) -> bytes:
    """An RGB coloring page as the previous system's AI drew it: black outlines with grey
    anti-aliasing, not 1-bit. Cached: 2626 px PNGs are slow to make, so books reuse them."""
    rnd = random.Random(seed)
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    cell = (size - 300) / 4
    for index in range(16):  # shapes that do not cross, so no sliver is too small to colour
        x = 150 + cell * (index % 4 + 0.5) + rnd.randint(-40, 40)
        y = 150 + cell * (index // 4 + 0.5) + rnd.randint(-40, 40)
        r = rnd.randint(180, 250)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=0, width=14)
        draw.ellipse((x - r / 2, y - r / 2, x + r / 2, y + r / 2), outline=0, width=14)
    return _png(image.filter(ImageFilter.GaussianBlur(1.5)).convert("RGB"))


@lru_cache(maxsize=4)
def cover_png(seed: int, size: int = LEGACY_SIZE) -> bytes:
    """A colour cover: bands of colour, as distinct per seed as a picture needs to be."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (size, size), tuple(rnd.randint(0, 255) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for i in range(0, size, size // 8):
        draw.rectangle((i, 0, i + size // 16, size), fill=tuple(rnd.randint(0, 255)
                                                               for _ in range(3)))
    return _png(image)


@lru_cache(maxsize=1)
def bitonal_png(size: int = LEGACY_SIZE) -> bytes:
    """A content page that is already 1-bit: kept as it is, with the gate's verdict."""
    image = Image.open(io.BytesIO(line_art_png(99, size))).convert("L")
    return _png(image.point(lambda v: 255 if v > 128 else 0).convert("1"))


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


@dataclass
class LegacyBook:
    title: str
    author: str = "Generated"
    status: str = "DRAFT"
    theme_id: str | None = "dinosaurs"
    audience: str | None = "children"
    content_pages: int | None = 8  # None: structure_json NULL (failed generation)
    is_preview: bool = False
    created_at: datetime = field(default_factory=lambda: datetime(2025, 10, 12, 9, 30))
    bitonal: bool = False  # content pages already 1-bit

    def images(self) -> list[bytes]:
        if self.content_pages is None:
            return []
        content = [bitonal_png() if self.bitonal else line_art_png(i % 3)
                   for i in range(self.content_pages)]
        return [cover_png(1), *content, cover_png(2)]

    def structure_json(self) -> dict | None:
        if self.content_pages is None:
            return None
        images = self.images()
        titles = (["Cover"] + [f"Page {i}" for i in range(1, len(images) - 1)]
                  + ["Back Cover"])
        return {"is_preview": self.is_preview, "pages_meta": [
            {"page_number": n, "title": t, "image_format": "PNG",
             "image_data_base64": base64.b64encode(png).decode()}
            for n, (t, png) in enumerate(zip(titles, images, strict=True))]}


def team_books() -> list[LegacyBook]:
    """The five books of a typical team database: every status, a preview, 24-page books,
    typographic apostrophes and emoji, a failed generation, a neutral theme."""
    return [
        LegacyBook("Dinosaures rigolos", status="DRAFT", theme_id="dinosaurs"),
        LegacyBook("L’été des licornes 🦄✨", author="Zoé L’Héritier", status="APPROVED",
                   theme_id="unicorns", content_pages=24,
                   created_at=datetime(2025, 11, 2, 17, 5, 12)),
        LegacyBook("Aperçu pirate", status="REJECTED", theme_id="pirates", content_pages=1,
                   is_preview=True),
        LegacyBook("Coloring Book - Neutral Theme (Fallback)", status="DRAFT",
                   theme_id="neutral-default", content_pages=None),
        LegacyBook("Mandalas du soir " + "très longs " * 30, author="Camille " * 25,
                   status="APPROVED", theme_id="neutral-default", audience="adults",
                   content_pages=24, bitonal=True),
    ]


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def build(url: str, books: list[LegacyBook], *, revision: str = HEAD, token_rows: int = 52,
          image_rows: int = 7, extra_sql: tuple[str, ...] = ()) -> None:
    """Create the previous system's schema at `revision` and fill it."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute(SCHEMA_SQL)
        for statement in REVISIONS[revision]:
            conn.execute(statement)
        conn.execute("INSERT INTO alembic_version VALUES (%s)", (revision,))
        for book in books:
            images = book.images()
            structure = book.structure_json()
            pdf = b"%PDF-1.7\n" + book.title.encode() + b"\n" + bytes(range(256)) * 40
            conn.execute(
                "INSERT INTO ebooks (title, author, status, preview_url, created_at, theme_id,"
                " audience, structure_json, ebook_bytes, page_count) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (book.title, book.author, book.status,
                 f"file:///srv/ebooks/{book.title[:20]}.pdf", book.created_at, book.theme_id,
                 book.audience, json.dumps(structure) if structure else None,
                 pdf if structure else None, len(images) if images else None))
        tables = {t for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        if "token_usages" in tables:
            for i in range(token_rows):
                conn.execute(
                    "INSERT INTO token_usages (request_id, model, prompt_tokens, "
                    "completion_tokens, cost, created_at, ebook_id) "
                    "VALUES (%s, 'google/gemini-2.5-flash-image', 812, 1290, 0.0387, now(), %s)",
                    (f"req-{i}", 1 + i % max(1, len(books))))
        if "image_usages" in tables:
            for i in range(image_rows):
                conn.execute(
                    "INSERT INTO image_usages (request_id, model, input_images, output_images,"
                    " cost, created_at, ebook_id) VALUES (%s, 'flux', 0, 1, 0.04, now(), 1)",
                    (f"img-{i}",))
        for statement in extra_sql:
            conn.execute(statement)


def snapshot(url: str) -> dict:
    """Everything adoption could touch: schemas' tables, types, and row checksums."""
    with psycopg.connect(libpq(url)) as conn:
        relations = conn.execute(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
            "ORDER BY 1, 2").fetchall()
        types = conn.execute(
            "SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n "
            "ON n.oid = t.typnamespace WHERE t.typtype = 'e' ORDER BY 1, 2").fetchall()
        checksums = {}
        for schema, name, kind in relations:
            if kind == "r":
                checksums[f"{schema}.{name}"] = table_checksum(conn, schema, name)
        return {"relations": relations, "types": types, "checksums": checksums}


def table_checksum(conn: psycopg.Connection, schema: str, table: str) -> tuple[int, str]:
    count, digest = conn.execute(
        f'SELECT count(*), md5(coalesce(string_agg(md5(t::text), \'\' ORDER BY t::text), \'\'))'
        f' FROM "{schema}"."{table}" t').fetchone()
    return count, digest
