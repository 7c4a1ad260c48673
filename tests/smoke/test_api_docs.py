"""The offline API docs render in the browser under the CSP, without a console error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.smoke.conftest import shot

pytestmark = pytest.mark.smoke


def test_api_docs_render_offline(live_server, page) -> None:
    page.goto(live_server + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Backoffice")
    expect(page.get_by_text("/api/ebooks").first).to_be_visible()
    # Swagger UI is English only (a third-party page): no language check here.
    shot(page, "docs-api", check_language=False)
