"""`backoffice book listing ID`: print a book's KDP listing (text in KDP's form order, or
JSON), or change it from a JSON file; what KDP would refuse exits 2 naming the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from backoffice.cli.support import fail, migrate, settings_or_exit


def book_listing(
    ebook_id: Annotated[int, typer.Argument(help="Book id")],
    lang: Annotated[str, typer.Option(
        "--lang", help="fr: the French listing for amazon.fr; en: the English one for "
                       "amazon.com")] = "fr",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text")
                       ] = False,
    set_from: Annotated[Path | None, typer.Option(
        "--set", help="A JSON file of the fields to change (title, subtitle, description, "
                      "keywords, categories, reading_age_min, reading_age_max, list_price)")
                        ] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Forget the edits first")] = False,
) -> None:
    """Print the book's KDP listing, ready to copy into KDP field by field."""
    from pydantic import ValidationError

    from backoffice.errors import InvalidInput, NotFound
    from backoffice.features.book.service import get_ebook
    from backoffice.features.listing import service
    from backoffice.features.listing.schemas import ListingIn
    from backoffice.queue import transaction

    settings = settings_or_exit()
    if lang not in ("fr", "en"):
        fail("--lang: must be fr (amazon.fr) or en (amazon.com)")
    changes = None
    if set_from is not None:
        try:
            raw = json.loads(set_from.read_text(encoding="utf-8"))
            changes = ListingIn.model_validate(raw).changes()
        except OSError as exc:
            fail(f"--set: {set_from} cannot be read: {exc.strerror or exc}")
        except json.JSONDecodeError as exc:
            fail(f"--set: {set_from} is not JSON: {exc.msg} (line {exc.lineno})")
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "(file)"
            fail(f"--set: {where}: {first['msg']}")
    migrate(settings)
    try:
        with transaction(settings) as session:
            ebook = get_ebook(session, ebook_id)
            if reset:
                service.reset(session, ebook, lang)
            if changes is not None:
                service.update(session, settings, ebook, lang, changes, actor="cli")
            text, data = service.documents(session, settings, ebook, lang)
            failing = service.view(session, settings, ebook, lang).failures()
    except NotFound as exc:
        fail(str(exc))
    except InvalidInput as exc:
        field, message = next(iter(exc.errors.items()))
        fail(f"{field}: {message}")
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False) if as_json else text)
    for problem in failing:
        typer.echo(f"check: FAIL {problem}", err=True)
