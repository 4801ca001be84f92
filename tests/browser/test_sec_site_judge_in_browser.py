"""Issue 28, item 1, in a real browser: the active-content judge parses as Chromium parses.

Chromium is the oracle. Each payload is put where an author's body goes (inside a page's content <div>) or served
as a file under docs/ would be, and loaded; a payload that runs calls `window.__pwned` into being. Every payload
that runs must be one the judge names: none of the raw-text, escapable raw-text or foreign-content elements
hides a handler from it. The issue's cases must each run (so the harness is live, and each is a real attack
that only the judge stops). The issue's cases on every kind of built page are test_sec_site_judge_on_page_kinds.py:
a module of their own, so that the two workers of `make test` share the two long sweeps.
"""

from __future__ import annotations

import pytest
from judge_harness import ORIGIN, ran_in_pages, route_page  # noqa: F401  (route_page: a fixture)

from parsing_payloads import family, issue_bodies
from protectpress.core.judge.sanitise import find_active_content, find_active_document_content

pytestmark = pytest.mark.long


def test_every_handler_chromium_runs_in_a_body_is_named_by_the_judge(route_page):
    pages, served = route_page
    ran: dict[str, list[str]] = {}
    missed = []
    payloads = [*issue_bodies(), *family()]
    for number, payload in enumerate(payloads):
        served[f"body-{number}"] = ("text/html", f"<!doctype html><html lang=en><head><title>t</title></head><body>"
                                                 f"<div>{payload.markup}</div></body></html>".encode())
    results = ran_in_pages(pages, [f"{ORIGIN}body-{number}" for number in range(len(payloads))])
    for payload, names in zip(payloads, results, strict=True):
        if names:
            ran[payload.name] = names
            if not find_active_content(payload.markup):
                missed.append(payload)
    assert not missed, f"Chromium ran these, the judge saw nothing: {[p.name for p in missed]}"
    assert {p.name for p in issue_bodies()} <= set(ran), ran
    assert len(ran) > 40  # the family is live: most break-outs do run in a browser


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
    for (name, data), names in zip(files.items(), ran_in_pages(pages, [ORIGIN + name for name in files]), strict=True):
        if names:
            ran.append(name)
            if not find_active_document_content(data, xml=not name.endswith(".html")):
                missed.append(name)
    assert not missed, f"Chromium ran these files, the judge saw nothing: {missed}"
    assert set(ran) >= {"comment.html", "noscript.html", "utf16.html", "utf16.svg", "prefixed.svg"}, ran
