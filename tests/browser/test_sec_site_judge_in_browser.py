"""Issue 28, item 1, in a real browser: the active-content judge parses as Chromium parses.

Chromium is the oracle. Each payload is put where an author's body goes (inside a page's content <div>; on
every kind of built page for the issue's cases, and the newsletter's web version is one kind) or served as a
file under docs/ would be, and loaded; a payload that runs calls `window.__pwned` into being. Every payload
that runs must be one the judge names: none of the raw-text, escapable raw-text or foreign-content elements
hides a handler from it. The issue's cases must each run (so the harness is live, and each is a real attack
that only the judge stops).

The built pages carry a Content-Security-Policy that would stop these handlers by itself; it is taken out of
the page here so that the judge, not the policy, is what is measured (test_sec_site_csp_in_browser.py checks
the policy).
"""

from __future__ import annotations

import re

import pytest
from page_kinds import discover_page_kinds

from parsing_payloads import family, issue_bodies
from protectpress.core.judge.sanitise import find_active_content, find_active_document_content

ORIGIN = "http://judge.test/"
_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>', re.IGNORECASE)


# Pages loading side by side in the one browser: each payload still gets a top-level page load of its own, and the
# browser's time goes on loading instead of waiting for this process between loads.
PAGES_AT_ONCE = 8
# A link to click once its animated address has reached its last value, where the animation freezes (a fixed
# pause for it cost 0.4 s a batch).
ANIMATED_LINKS_FROZEN = """() => [...document.querySelectorAll('animate[attributeName=href]')].every(animation => {
  const values = (animation.getAttribute('values') || '').split(';');
  return animation.parentElement.href.animVal === values[values.length - 1].trim();
})"""


def _ran(pages, urls: list[str]) -> list[list[str]]:
    """The names that ran on each of `urls`, each loaded in a page of its own, up to len(pages) at a time."""
    ran: list[list[str]] = []
    for start in range(0, len(urls), len(pages)):
        batch = list(zip(pages, urls[start:start + len(pages)], strict=False))
        for page, url in batch:
            page.goto(url, wait_until="commit")
        for page, _ in batch:
            page.wait_for_load_state("load")
        for page in [page for page, _ in batch if page.locator("#pp-click").count()]:
            page.wait_for_function(ANIMATED_LINKS_FROZEN)
            page.locator("#pp-click").click()
        pages[0].wait_for_timeout(30)  # an image's error event can land just after load
        ran += [page.evaluate("window.__pwned || []") for page, _ in batch]
    return ran


@pytest.fixture
def route_page(new_page, example_site):
    """PAGES_AT_ONCE pages whose requests to ORIGIN are answered from `served` (path or path?query -> (content type,
    bytes)), else from the built example site (so a built page loads its own styles and scripts), else 404."""
    first = new_page()
    pages = [first, *(first.context.new_page() for _ in range(PAGES_AT_ONCE - 1))]
    served: dict[str, tuple[str, bytes]] = {}

    def answer(route) -> None:
        address = route.request.url.removeprefix(ORIGIN)
        path = address.split("?")[0]
        file = example_site / path
        if address in served or path in served:
            content_type, body = served.get(address) or served[path]
            route.fulfill(status=200, content_type=content_type, body=body)
        elif path and file.is_file():
            route.fulfill(status=200, path=str(file))
        else:
            route.fulfill(status=404, body=b"")

    first.context.route(ORIGIN + "**", answer)
    return pages, served


def test_every_handler_chromium_runs_in_a_body_is_named_by_the_judge(route_page):
    pages, served = route_page
    ran: dict[str, list[str]] = {}
    missed = []
    payloads = [*issue_bodies(), *family()]
    for number, payload in enumerate(payloads):
        served[f"body-{number}"] = ("text/html", f"<!doctype html><html lang=en><head><title>t</title></head><body>"
                                                 f"<div>{payload.markup}</div></body></html>".encode())
    results = _ran(pages, [f"{ORIGIN}body-{number}" for number in range(len(payloads))])
    for payload, names in zip(payloads, results, strict=True):
        if names:
            ran[payload.name] = names
            if not find_active_content(payload.markup):
                missed.append(payload)
    assert not missed, f"Chromium ran these, the judge saw nothing: {[p.name for p in missed]}"
    assert {p.name for p in issue_bodies()} <= set(ran), ran
    assert len(ran) > 40  # the family is live: most break-outs do run in a browser


def test_the_issue_cases_run_on_every_page_kind_and_are_each_named(route_page, example_site):
    pages, served = route_page
    kinds = discover_page_kinds(example_site)
    assert "newsletter web version" in kinds
    cases, urls = [], []
    for kind in kinds.values():
        file = example_site / (kind.path if kind.path.endswith(".html") else kind.path + "index.html")
        html = _CSP_META.sub("", file.read_text(encoding="utf-8"))
        for number, payload in enumerate(issue_bodies()):
            at = html.index("</h1>") + len("</h1>") if "</h1>" in html else html.index("<body")
            # Each case at the page's own address (its relative links resolve as on the site), told apart by a query.
            served[f"{kind.path}?case={number}"] = ("text/html", (html[:at] + payload.markup + html[at:]).encode())
            cases.append((kind.name, payload.name))
            urls.append(f"{ORIGIN}{kind.path}?case={number}")
            assert find_active_content(payload.markup), payload.name
    results = _ran(pages, urls)
    not_ran = [case for case, names in zip(cases, results, strict=True) if case[1] not in names]
    assert not not_ran, f"the harness is not live on: {not_ran}"


DOCUMENTS = [
    # (file name, content type, bytes): the issue's files under docs/.
    ("comment.html", "text/html", b"<!doctype html><title>x</title><!--><img src=x onerror=\"RUN\">-->"),
    ("noscript.html", "text/html", b"<!doctype html><title>x</title><noscript><p title=\"</noscript>"
                                   b"<img src=x onerror='RUN'>\"></noscript>"),
    ("utf16.html", "text/html", "<!doctype html><title>x</title><script>RUN</script>".encode("utf-16")),
    ("utf16.svg", "image/svg+xml",
     '<svg xmlns="http://www.w3.org/2000/svg"><script>RUN</script></svg>'.encode("utf-16")),
    ("entity.svg", "image/svg+xml",
     b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "&#60;script&#62;RUN&#60;/script&#62;">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'),
    ("prefixed.svg", "image/svg+xml",
     b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg"><s:script>RUN</s:script></svg>'),
]


def test_every_file_under_docs_that_runs_in_chromium_is_refused(route_page):
    pages, served = route_page
    ran, missed = [], []
    files = {}
    for name, content_type, data in DOCUMENTS:
        data = data.replace(b"RUN", f"window.__pwned=[`{name}`]".encode()) if not data.startswith(
            (b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-16").replace(
                "RUN", f"window.__pwned=[`{name}`]").encode("utf-16")
        served[name] = (content_type, data)
        files[name] = data
    for (name, data), names in zip(files.items(), _ran(pages, [ORIGIN + name for name in files]), strict=True):
        if names:
            ran.append(name)
            if not find_active_document_content(data, xml=not name.endswith(".html")):
                missed.append(name)
    assert not missed, f"Chromium ran these files, the judge saw nothing: {missed}"
    assert set(ran) >= {"comment.html", "noscript.html", "utf16.html", "utf16.svg", "prefixed.svg"}, ran
