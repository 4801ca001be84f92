"""Issue 30, item 4: every HTML page protectpress writes itself, outside MkDocs' theme, comes from one
autoescaping Jinja environment (core/foundation/templates.py), so hostile text prints as text in each.

The pages: a redirect page (the new page's title comes from front matter), the preview's problems page (the
problems quote what a file says), and each of the unsubscribe and subscriptions services' pages (the
organisation comes from mkdocs.yml, the address from a recipients file or a sign-up form, the kind of link
from the service). Each page is parsed as a browser parses it: no payload may become an element or an
attribute, and each must read exactly as written. With autoescape off, every test here fails.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from markupsafe import Markup

from protectpress.core.foundation.links import SiteLinks
from protectpress.core.foundation.problems import Problem, Severity
from protectpress.core.site.preview_page import problems_page
from protectpress.core.site.redirects import Redirect, redirect_html
from protectpress.unsubscribe.page import ServicePages

PAYLOAD = """<script>alert(1)</script>"'><img src=x onerror=alert(2)>&amp;"""
HOSTILE_LANGUAGE = 'cy"><script>alert(3)</script>'
SERVICE_TEMPLATES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "plugins" / "protectpress" /
                                            "templates" / "service").glob("*.html"))


def _inert(page: str) -> lxml.html.HtmlElement:
    """The page as a browser builds it, after checking that nothing hostile became markup."""
    root = lxml.html.document_fromstring(page)
    assert not root.xpath("//script | //img"), "a payload became an element"
    assert not root.xpath("//@onerror"), "a payload became an event handler"
    assert root.get("lang") == HOSTILE_LANGUAGE  # the language as an attribute's text, whole
    return root


def test_a_redirect_page_prints_a_hostile_title_as_text():
    redirect = Redirect(old_path="guidance/old/", new_path="guidance/new/", new_src="guidance/new.md", title=PAYLOAD,
                        source="docs/guidance/new.md")
    root = _inert(redirect_html(redirect, SiteLinks("https://example.org/"), HOSTILE_LANGUAGE))
    assert root.findtext(".//title") == f"This page has moved: {PAYLOAD}"
    assert [a.text_content() for a in root.iter("a")] == [PAYLOAD]


def test_the_problems_page_prints_what_a_file_says_as_text():
    problem = Problem(path=PAYLOAD, line=3, key=PAYLOAD, expected=f"expected {PAYLOAD}", found=PAYLOAD,
                      severity=Severity.ERROR)
    root = _inert(problems_page([problem], None, HOSTILE_LANGUAGE).decode())
    item = root.find(".//li")
    assert item is not None
    assert item.findtext("strong") == PAYLOAD and item.findtext("code") == PAYLOAD
    assert item.text_content().endswith(f"Expected {PAYLOAD}. Found {PAYLOAD}.")
    stopped = _inert(problems_page([], PAYLOAD, HOSTILE_LANGUAGE).decode())
    assert stopped.find(".//li").text_content() == PAYLOAD


@pytest.mark.parametrize("template", SERVICE_TEMPLATES)
def test_every_service_page_prints_hostile_text_as_text(template):
    pages = ServicePages(organisation=PAYLOAD, language=HOSTILE_LANGUAGE)
    values = dict(address=PAYLOAD, action=PAYLOAD, manage=PAYLOAD, kind=PAYLOAD, explanation=PAYLOAD,
                  one_click_field=PAYLOAD, one_click_answer=PAYLOAD, via_field=PAYLOAD, via_page=PAYLOAD,
                  action_field=PAYLOAD, save=PAYLOAD, leave=PAYLOAD, expired=False, saved=True,
                  sectors=Markup(""), form=Markup(""))
    root = _inert(pages.page(template, PAYLOAD, **values).decode())
    assert root.findtext(".//title") == PAYLOAD and root.findtext(".//h1") == PAYLOAD
    # Besides the title, each value a page prints lands whole, as text or as an attribute's value.
    heading = root.find(".//h1")
    heading.getparent().remove(heading)
    printed = [*root.find("body").itertext(), *(v for element in root.iter() for v in element.attrib.values())]
    # Three print nothing else: two are fixed words, and the sign-up page's form is drawn (and escaped) by
    # core/subscriptions/form.py, whose own tests cover it.
    if template not in ("check-email", "already-used", "signup"):
        assert any(PAYLOAD in piece for piece in printed), "no value of the page was printed"


def test_the_question_page_prints_a_hostile_organisation_and_address_as_text():
    root = _inert(ServicePages(organisation=PAYLOAD, language=HOSTILE_LANGUAGE).question(PAYLOAD, "token").decode())
    paragraph = root.find(".//p").text_content()
    assert f"the newsletter of {PAYLOAD} at" in " ".join(paragraph.split()) and root.findtext(".//strong") == PAYLOAD
    assert root.find(".//button").text_content() == f"Unsubscribe {PAYLOAD}"
