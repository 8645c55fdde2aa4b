"""The API documentation and the token page work in a real browser, offline, under the CSP."""

import re

from playwright.sync_api import expect

from tests.e2e.test_foundation_journey import sign_in
from tests.factories import MembershipFactory


def _watch(page):
    """Collect CSP violations, console errors and requests that leave the server."""
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_swagger_docs_render_from_local_files_under_the_csp(new_page, live_server, db):
    page = new_page()
    problems = _watch(page)
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto("/api/docs")
    expect(page).to_have_url(re.compile(r"/api/v1/docs$"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Maillage API")
    expect(page.get_by_text("/api/v1/w/{slug}/members")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Authorize"))).to_be_visible()
    assert outside == []
    assert problems == []


def test_create_a_token_and_copy_it(new_page, transactional_db):
    membership = MembershipFactory()
    page = new_page()
    problems = _watch(page)
    sign_in(page, membership.user.email)
    page.goto(f"/w/{membership.workspace.slug}/api-tokens/")
    page.locator("#id_name").fill("Script")
    page.locator("main form button[type=submit]").last.click()
    secret = page.locator("#token-secret").input_value()
    assert len(secret) > 40
    copy = page.locator("[data-copy-target=token-secret]")
    expect(copy).to_be_visible()
    assert problems == []
