"""The KDP listing: its JSON API, its text file, and its section of the book page (loaded
by the page, edited in place)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.deps import Actor, SessionDep, SettingsDep
from backoffice.errors import N_, InvalidInput, Message
from backoffice.features.book.service import get_ebook
from backoffice.features.listing import service
from backoffice.features.listing.schemas import ListingForm, ListingIn, ListingOut, ListingPut
from backoffice.kdp import listing as kdp_listing
from backoffice.kdp import printing_cost
from backoffice.models import Ebook
from backoffice.web import form_errors
from backoffice.web.downloads import content_disposition
from backoffice.web.feedback import is_htmx, with_toast
from backoffice.web.templating import gettext_for, redirect, register_global, render

router = APIRouter()
Lang = Literal["fr", "en"]
register_global("listing_html", lambda html: Markup(kdp_listing.safe_html(html)))
register_global("category_label", kdp_listing.category_label)
register_global("money", printing_cost.format_money)
register_global("check_message", lambda check: Message(check.msgid, check.params))

_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such ebook"},
    422: {"description": "A field KDP would refuse; `detail` names it"}}


def _out(request: Request, session: Session, settings: Settings, ebook: Ebook,
         lang: str) -> ListingOut:
    shown = service.view(session, settings, ebook, lang)
    url = str(request.url_for("api_listing_text", ebook_id=ebook.id, lang=lang))
    return ListingOut.of(ebook.id, shown, url)


@router.get("/api/ebooks/{ebook_id}/listing", response_model=ListingOut, tags=["listing"],
            responses=_RESPONSES)
def api_get_book_listing(ebook_id: int, request: Request, session: SessionDep,
                         settings: SettingsDep, lang: Lang | None = None) -> ListingOut:
    """The KDP listing in `lang` (fr: amazon.fr, en: amazon.com); without it, in the
    books' language (BACKOFFICE_LANGUAGE)."""
    return _out(request, session, settings, get_ebook(session, ebook_id),
                lang or settings.language)


@router.put("/api/ebooks/{ebook_id}/listing", response_model=ListingOut, tags=["listing"],
            responses=_RESPONSES)
def api_put_book_listing(ebook_id: int, body: ListingPut, request: Request,
                         session: SessionDep, settings: SettingsDep, actor: Actor,
                         lang: Lang | None = None) -> ListingOut:
    """Replace the listing in `lang` (the books' language without it) with the one given;
    what KDP would refuse is a 422 naming the field, and nothing is saved."""
    ebook = get_ebook(session, ebook_id)
    lang = lang or settings.language
    service.update(session, settings, ebook, lang, body.changes(), actor=actor)
    return _out(request, session, settings, ebook, lang)


@router.get("/api/ebooks/{ebook_id}/listing/{lang}", response_model=ListingOut,
            tags=["listing"], responses=_RESPONSES)
def api_get_listing(ebook_id: int, lang: Lang, request: Request, session: SessionDep,
                    settings: SettingsDep) -> ListingOut:
    """The KDP listing for amazon.fr (fr) or amazon.com (en), with its metadata checks,
    printing cost, royalty and the AI-generated content answer."""
    return _out(request, session, settings, get_ebook(session, ebook_id), lang)


@router.patch("/api/ebooks/{ebook_id}/listing/{lang}", response_model=ListingOut,
              tags=["listing"], responses=_RESPONSES)
def api_update_listing(ebook_id: int, lang: Lang, body: ListingIn, request: Request,
                       session: SessionDep, settings: SettingsDep,
                       actor: Actor) -> ListingOut:
    """Change some fields; what KDP would refuse (a keyword over 50 characters, a
    forbidden word, a description over 4,000 characters or with other HTML, title and
    subtitle over 200 characters...) is a 422 naming the field, and nothing is saved."""
    ebook = get_ebook(session, ebook_id)
    service.update(session, settings, ebook, lang, body.changes(), actor=actor)
    return _out(request, session, settings, ebook, lang)


@router.delete("/api/ebooks/{ebook_id}/listing/{lang}", response_model=ListingOut,
               tags=["listing"], responses={404: {"description": "No such ebook"}})
def api_reset_listing(ebook_id: int, lang: Lang, request: Request, session: SessionDep,
                      settings: SettingsDep) -> ListingOut:
    """Forget the edits: the listing is written from the book again."""
    ebook = get_ebook(session, ebook_id)
    service.reset(session, ebook, lang)
    return _out(request, session, settings, ebook, lang)


@router.get("/api/ebooks/{ebook_id}/listing/{lang}/text", name="api_listing_text",
            tags=["listing"], response_class=PlainTextResponse,
            responses={200: {"content": {"text/plain": {}}},
                       404: {"description": "No such ebook"}})
def api_listing_text(ebook_id: int, lang: Lang, session: SessionDep,
                     settings: SettingsDep) -> PlainTextResponse:
    """The listing laid out in KDP's form order, ready to copy field by field."""
    ebook = get_ebook(session, ebook_id)
    text, _json = service.documents(session, settings, ebook, lang)
    suffix = f"-listing-{printing_cost.MARKETPLACE_BY_LANGUAGE[lang].replace('.', '-')}.txt"
    return PlainTextResponse(text, headers={
        "Content-Disposition": content_disposition(ebook.title, suffix),
        "Cache-Control": "no-store"})


@router.get("/api/listing/categories", tags=["listing"])
def api_categories() -> list[dict[str, Any]]:
    """The categories a listing may use (BISAC subjects, with their French names)."""
    return [{"code": code, "label": entry["label"], "label_fr": entry["fr"],
             "audiences": entry["audiences"]}
            for code, entry in kdp_listing.categories().items()]


# ---- the book page's section -----------------------------------------------------------

def _section(request: Request, session: Session, settings: Settings, ebook: Ebook,
             lang: str, *, editing: bool = False, form: ListingForm | None = None,
             errors: dict[str, str] | None = None, status_code: int = 200,
             full_page: bool = False) -> HTMLResponse:
    shown = service.view(session, settings, ebook, lang)
    context = {
        "ebook": ebook, "shown": shown, "listing": shown.listing, "listing_lang": lang,
        "editing": editing or bool(errors), "form": form or ListingForm.of(shown),
        "errors": errors or {}, "categories": kdp_listing.categories(),
        "audience_categories": [code for code, entry in kdp_listing.categories().items()
                                if ebook.audience in list(entry["audiences"])],  # type: ignore[call-overload]
        "marketplace": printing_cost.MARKETPLACE_BY_LANGUAGE[lang],
        "keyword_slots": kdp_listing.KEYWORD_SLOTS,
        "category_slots": kdp_listing.MAX_CATEGORIES,
    }
    template = "listing/page.html" if full_page else "listing/_section.html"
    return render(request, template, context, status_code=status_code)


@router.get("/ebooks/{ebook_id}/listing", name="listing_section", include_in_schema=False)
def listing_section(ebook_id: int, request: Request, session: SessionDep,
                    settings: SettingsDep, lang: str = Query("fr", max_length=2),
                    edit: bool = Query(False)) -> Response:
    """The section of the book page (HTMX), or the listing on its own page."""
    ebook = get_ebook(session, ebook_id)
    service.check_language(lang)
    return _section(request, session, settings, ebook, lang, editing=edit,
                    full_page=not is_htmx(request))


def _form_errors(request: Request, exc: InvalidInput) -> dict[str, str]:
    return form_errors.field_messages(gettext_for(request), exc)


@router.post("/ebooks/{ebook_id}/listing/{lang}", name="save_listing",
             include_in_schema=False)
def save_listing(ebook_id: int, lang: str, form: Annotated[ListingForm, Form()],
                 request: Request, session: SessionDep, settings: SettingsDep,
                 actor: Actor) -> Response:
    ebook = get_ebook(session, ebook_id)
    service.check_language(lang)
    try:
        service.update(session, settings, ebook, lang, form.changes(), actor=actor)
    except InvalidInput as exc:
        # Shown again as typed, with each message beside its field; nothing was saved.
        return _section(request, session, settings, ebook, lang, form=form,
                        errors=_form_errors(request, exc), status_code=422,
                        full_page=not is_htmx(request))
    if not is_htmx(request):
        return redirect(request, str(request.url_for("listing_section", ebook_id=ebook_id))
                        + f"?lang={lang}")
    _ = gettext_for(request)
    return with_toast(_section(request, session, settings, ebook, lang), request,
                      _(N_("Listing saved.")))


@router.post("/ebooks/{ebook_id}/listing/{lang}/reset", name="reset_listing",
             include_in_schema=False)
def reset_listing(ebook_id: int, lang: str, request: Request, session: SessionDep,
                  settings: SettingsDep) -> Response:
    ebook = get_ebook(session, ebook_id)
    service.reset(session, ebook, service.check_language(lang))
    if not is_htmx(request):
        return redirect(request, str(request.url_for("listing_section", ebook_id=ebook_id))
                        + f"?lang={lang}")
    _ = gettext_for(request)
    return with_toast(_section(request, session, settings, ebook, lang), request,
                      _(N_("The listing is written from the book again.")))
