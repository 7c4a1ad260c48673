"""The EN/FR switch in the header: remembered in a cookie, then back to the same page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from backoffice.web import i18n
from backoffice.web.templating import LANG_COOKIE

router = APIRouter()


class LanguageForm(BaseModel):
    lang: str = Field(default="", max_length=8)
    next: str = Field(default="/", max_length=2000)


@router.post("/language", name="set_language", include_in_schema=False)
def set_language(form: Annotated[LanguageForm, Form()]) -> Response:
    target = form.next
    # Only paths of this site: an absolute or protocol-relative URL would be an open redirect.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = RedirectResponse(target, status_code=303)
    if form.lang in i18n.LANGUAGES:
        response.set_cookie(LANG_COOKIE, form.lang, max_age=365 * 24 * 3600, samesite="lax",
                            httponly=True)
    return response
