"""Email sign-up in Chromium, end to end, on each store (SQLite and a real PostgreSQL): the Subscribe page built
with `sending.unsubscribe_url` set shows the form (axe finds nothing, no script needed); a mistake comes back
from the service GOV.UK-style; a sign-up's confirmation email arrives at the aiosmtpd relay; opening its link
confirms nothing, pressing Confirm does; `subscribers pull` lists the address with its sectors; a bulk send
reaches it; its one-click unsubscribe takes it off the next pull.
"""

from __future__ import annotations

import re

import pytest
from browser_checks import describe_violations, open_path, run_axe, screenshot

from postgres_server import postgres_server  # noqa: F401  (a fixture)
from sending_relay import sending_template  # noqa: F401  (a fixture)
from subscriptions_service import confirmation_link, http, running_service
from support import wait_until

pytestmark = pytest.mark.long

SLUG = "2023-03-security-and-policing"
ADDRESS = "chromium.reader@example.org"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def signup_site(request, sending_template, tmp_path_factory, serve_site):
    folder = tmp_path_factory.mktemp(f"signup-{request.param}")
    store = (request.getfixturevalue("postgres_server").new_database() if request.param == "postgresql"
             else str(folder / "subscriptions.sqlite"))
    with running_service(sending_template, folder, store) as service:
        # In this process: the build is not what the module proves, and a new Python importing MkDocs for it cost
        # a second of each store's setup.
        built = service.cli_in_process("build")
        assert built.returncode == 0, built.stdout + built.stderr
        yield service, serve_site(service.project / "site")


def test_sign_up_on_the_subscribe_page_confirm_receive_and_leave(signup_site, new_page, axe_source, artifacts):
    service, site_url = signup_site
    checked = open_path(new_page(bypass_csp=True), site_url, "subscribe/")  # axe is injected as a script
    violations = run_axe(checked, axe_source)
    assert not violations, describe_violations(violations)
    page = new_page(java_script_enabled=False)  # the form needs no script at all
    open_path(page, site_url, "subscribe/")
    form = page.locator("form#email-signup")
    assert form.get_attribute("action") == service.url("signup")
    assert page.locator("form#email-signup script, form#email-signup [onclick], form#email-signup [onsubmit]"
                        ).count() == 0
    consent = page.locator("#signup-consent")
    assert "Protect and Prepare partnership (example)" in consent.inner_text()
    assert consent.get_by_role("link", name="privacy notice").get_attribute("href").endswith("/privacy/")

    # A mistake: the service shows the form again, the summary first, the message by the field; axe finds nothing.
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    checked = new_page(bypass_csp=True)
    checked.set_content(page.content())
    summary = page.locator(".pp-error-summary")
    assert summary.get_by_role("link").first.inner_text() == (
        "Enter an email address in the correct format, like name@example.com")
    assert page.get_by_label("Email address").get_attribute("aria-invalid") == "true"
    violations = run_axe(checked, axe_source)
    assert not violations, describe_violations(violations)
    screenshot(page, artifacts, "signup-error-" + ("postgresql" if "://" in service.store else "sqlite"))

    # Signing up from the service's page works the same as from the site's.
    page.get_by_label("Email address").fill(ADDRESS)
    page.get_by_label("Retail").check()
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check your email"

    link = confirmation_link(wait_until(lambda: service.emails_to(ADDRESS), seconds=30,
                                        what="a confirmation email arriving")[0])

    # Opening the link confirms nothing; pressing Confirm does.
    page.goto(link)
    assert page.locator("h1").inner_text() == "Confirm your email address"
    assert service.pull() == []
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "You are subscribed"
    assert service.pull() == [{"email": ADDRESS, "name": "", "organisation": "", "sectors": "retail"}]

    result = service.cli("send", "--skip-live-check", SLUG, "--to", "pulled.csv", "--smtp", service.relay.url(),
                         "--rate", "0", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    newsletter = [m for m in service.emails_to(ADDRESS) if not m["Subject"].startswith("Confirm")]
    assert len(newsletter) == 1
    one_click = re.search(r"<(http://[^>]+)>", str(newsletter[0]["List-Unsubscribe"])).group(1)
    assert http(one_click, "POST", b"List-Unsubscribe=One-Click")[0] == 200
    assert service.pull() == []


def test_the_form_passes_axe_in_the_dark_palette_and_fits_a_phone(signup_site, new_page, axe_source, artifacts):
    from browser_checks import MOBILE, sideways_overflow

    _, site_url = signup_site
    dark = open_path(new_page(color_scheme="dark", bypass_csp=True), site_url, "subscribe/")
    # Dark follows the system in CSS (no script sets Material's attribute any more): read what the page computes.
    assert dark.evaluate("getComputedStyle(document.body).colorScheme") == "dark"
    dark.locator("#email-signup").scroll_into_view_if_needed()
    violations = run_axe(dark, axe_source)
    assert not violations, describe_violations(violations)
    phone = open_path(new_page(viewport=MOBILE), site_url, "subscribe/")
    assert sideways_overflow(phone) <= 0
    box = phone.locator("#signup-email").bounding_box()
    assert box is not None and box["x"] + box["width"] <= MOBILE["width"]
    phone.locator("#email-signup").screenshot(path=str(artifacts / "signup-form-mobile.png"))
