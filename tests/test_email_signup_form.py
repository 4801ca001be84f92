"""The email sign-up form (core/subscriptions/form.py) as the Subscribe page and the service draw it: only when
mkdocs.yml names the service, every value escaped, GOV.UK-style errors, and how a posted form is read."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from protectpress.core.feeds.catalogue import plan_feeds
from protectpress.core.foundation.config import load_settings
from protectpress.core.subscriptions.consent import CURRENT, WORDINGS, known_version
from protectpress.core.subscriptions.form import Answers, read_answers, signup_form, site_form
from protectpress.core.subscriptions.page import subscribe_body
from support import REPO, copy_project

HOSTILE = '<script>alert(1)</script> & "Partners"'


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(REPO, tmp_path_factory.mktemp("signup-form") / "project")


def settings_with(project: Path, *, service: bool, organisation: str = "Protect and Prepare partner guidance"):
    config = project / "mkdocs.yml"
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "      newsletter:\n" in text
    text = text.replace("      newsletter:\n", f"      newsletter:\n        organisation: '{organisation}'\n", 1)
    text = text.replace("          retail: Retail", f"          retail: '{HOSTILE}'", 1)
    if service:
        text = text.replace("      sending:\n", "      sending:\n        unsubscribe_url: "
                            "https://protectpress.example.org/subscriptions/\n", 1)
    config.write_text(text, encoding="utf-8")
    return load_settings(str(config))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_without_the_service_the_subscribe_page_offers_feeds_only(project):
    settings = settings_with(project, service=False)
    assert site_form(settings, "subscribe.md") is None
    body = subscribe_body(_feeds(settings), settings)
    assert "<form" not in body and "by email" not in body
    # A reader looking for email updates is told plainly there are none, rather than left to search.
    assert "There is no email sign-up on this site: the newsletter is emailed to the partner organisations" in body
    # ...and the introduction does not offer, a line above, the email sign-up that is not there.
    assert "sign up for email" not in body.split("There is no email sign-up")[0]


def test_with_the_service_the_page_has_the_form_escaped_and_without_scripts(project):
    settings = settings_with(project, service=True, organisation=HOSTILE)
    body = subscribe_body(_feeds(settings), settings)
    assert "## Get our newsletter by email" in body
    assert "no email sign-up" not in body
    assert "without you having to visit the site or sign up for email" in body
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Partners&#34;" in body
    form = body[body.index("<form"):body.index("</form>")]
    assert "\n\n" not in form  # one HTML block: Markdown must not split it
    tags = _Tags()
    tags.feed(form)
    attrs = dict(tags.tags)
    assert attrs["form"]["action"] == "https://protectpress.example.org/subscriptions/signup"
    assert attrs["form"]["method"] == "post"
    assert not any(name.startswith("on") for _, a in tags.tags for name in a)  # no inline handlers
    hidden = {a["name"]: a["value"] for t, a in tags.tags if t == "input" and a.get("type") == "hidden"}
    assert hidden == {"consent_version": CURRENT, "source": "https://protectpress.example.org/subscribe/"}
    boxes = [a["value"] for t, a in tags.tags if t == "input" and a.get("type") == "checkbox"]
    assert boxes[0] == "retail" and "all" not in boxes  # none ticked means all
    privacy = [a["href"] for t, a in tags.tags if t == "a"]
    assert privacy == ["https://protectpress.example.org/privacy/"]
    trap = next(a for t, a in tags.tags if t == "input" and a.get("name") == "website")
    assert trap["tabindex"] == "-1" and '<div hidden><label for="signup-website">' in form


def test_errors_are_summarised_first_and_shown_by_their_fields(project):
    settings = settings_with(project, service=True)
    form = site_form(settings, "subscribe.md")
    answers = read_answers({"email": ["  nobody  "], "sector": ["retail", "sport", "made-up"]}, form.sectors)
    assert answers.email == "nobody" and answers.sectors == ("retail", "sport")
    assert answers.errors == {"email": "Enter an email address in the correct format, like name@example.com",
                              "sector": "Choose sectors from the list"}
    html = signup_form(form, answers)
    assert html.index("There is a problem") < html.index('id="signup-email"')
    assert 'value="retail" checked' in html and 'value="sport" checked' in html
    assert 'aria-describedby="signup-email-hint signup-email-error" aria-invalid="true"' in html
    assert read_answers({}, form.sectors).errors == {"email": "Enter your email address"}
    fine = read_answers({"email": ["Reader@Example.org"]}, form.sectors)
    assert fine.errors == {} and fine.sectors == ()
    assert "There is a problem" not in signup_form(form, Answers())


def test_every_consent_version_keeps_its_words():
    assert CURRENT in WORDINGS and "{organisation}" in WORDINGS[CURRENT]
    assert known_version(CURRENT) == CURRENT and known_version("made-up") == CURRENT


def _feeds(settings):
    return plan_feeds([], settings)  # the page's feed choices do not matter here: its sign-up section does
