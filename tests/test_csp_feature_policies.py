"""The CSP feature writes each page's policy once for each set of hashes (mkdocs_plugins/csp.py): every page
still carries exactly the policy core/site/csp.py writes for it."""

from __future__ import annotations

from protectpress.core.judge.built_page import BuiltPage
from protectpress.core.site import csp
from protectpress.mkdocs_plugins.csp import CspFeature


def _feature() -> CspFeature:
    feature = CspFeature.__new__(CspFeature)  # no build state: only the policy is written here
    feature.scripts, feature.styles, feature.policies = set(), set(), {}
    feature.form_targets = ("https://service.example.org",)
    return feature


def _page(script: str, align: str) -> str:
    return (f'<!doctype html><html><head><meta charset="utf-8"><script>{script}</script></head><body>'
            f'<table><tr><td style="text-align: {align};">x</td></tr></table></body></html>')


def test_each_page_carries_the_policy_of_its_own_hashes_however_many_pages_share_them():
    feature = _feature()
    pages = [_page(script, align) for script in ("a()", "b()", "a()") for align in ("left", "right", "left")]
    for html in pages * 2:
        scripts, styles = csp.page_hashes(html)
        expected = csp.with_policy(html, csp.site_policy(scripts, styles, form_targets=feature.form_targets))
        assert feature._with_policy(html, "", BuiltPage(html)) == expected
    assert len(feature.policies) == 4  # two scripts by two alignments: each policy written once
