"""Issue 28, item 1, in a real browser, on every kind of built page: each of the issue's cases, put in the page
where an author's body goes and loaded at the page's own address, runs in Chromium (so the harness is live on
every kind, the newsletter's web version among them), and the judge names each one.

The built pages carry a Content-Security-Policy that would stop these handlers by itself; it is taken out of
the page here so that the judge, not the policy, is what is measured (test_sec_site_csp_in_browser.py checks
the policy). The same payloads in a bare body, and files under docs/: test_sec_site_judge_in_browser.py.
"""

from __future__ import annotations

import re

import pytest
from judge_harness import ORIGIN, ran_in_pages, route_page  # noqa: F401  (route_page: a fixture)
from page_kinds import discover_page_kinds

from parsing_payloads import issue_bodies
from protectpress.core.judge.sanitise import find_active_content

pytestmark = pytest.mark.long

_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>', re.IGNORECASE)


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
    results = ran_in_pages(pages, urls)
    not_ran = [case for case, names in zip(cases, results, strict=True) if case[1] not in names]
    assert not not_ran, f"the harness is not live on: {not_ran}"
