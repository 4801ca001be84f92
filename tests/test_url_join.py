"""The link check's join of a target to its page's address (core/checks/url_join.py) is urljoin's, on the
links a site's pages hold, on the corner cases of urljoin's own steps, and on random addresses."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protectpress.core.checks.url_join import joined

BASES = [
    "https://example.org/", "https://example.org", "https://example.org/sub/", "https://example.org/sub",
    "https://example.org/a/b/c/", "https://example.org/a/b/page.html", "http://example.org:8000/a/b/",
    "HTTPS://Example.ORG/A/", "https://example.org//a//b/", "https://example.org/a/b/?q=1#top",
    "https://example.org/a;p/b;q", "https://user@example.org/a/", "https:///a/b/", "ftp://example.org/a/",
    "mailto:x@example.org", "/a/b/", "a/b/", "", "https://example.org/a/%2e%2e/",
]
TARGETS = [
    "x", "x/", "../x/", "../../x/", "../../../../../x", "./x", ".", "..", "./", "../", "../..", "x/.", "x/..",
    "x//y", "x/./y/../z", "...", ".x", "x.", "a/b/c/../../d/", "-_~.", "guidance/guidance-00052/",
    "../../news/news-00101/", "x/../../..", "/x", "//other/x", "#top", "x#top", "?q", "x?q", "x;p", "http:x",
    "https://example.org/x", "mailto:a@b", "x y", "x\ty", "%2e%2e/x", "é/", "", " x",
]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("target", TARGETS)
def test_joined_is_urljoin(base, target):
    assert joined(base, target) == urljoin(base, target)


_SEGMENT = st.sampled_from(["", ".", "..", "a", "b", "x.html", "~u", "-", "_", "%20", ";p", "?q", "#f", ":"])


@settings(max_examples=2000, deadline=None)
@given(scheme=st.sampled_from(["http", "https", "HTTP", "ftp", ""]), host=st.sampled_from(["", "h", "H:80", "u@h"]),
       base=st.lists(_SEGMENT, max_size=6), target=st.lists(_SEGMENT, max_size=6), rooted=st.booleans())
def test_joined_is_urljoin_on_random_addresses(scheme, host, base, target, rooted):
    address = f"{scheme}://{host}" if scheme else ""
    address += ("/" if rooted else "") + "/".join(base)
    written = "/".join(target)
    assert joined(address, written) == urljoin(address, written)


def test_the_link_check_splits_a_target_once_for_every_page_linking_to_it(tmp_path):
    """Pages link to the same targets: each is split once (urlsplit was most of the check's time after the join)."""
    from protectpress.core.checks import linkcheck
    from protectpress.core.foundation.links import SiteLinks
    from protectpress.core.foundation.problems import Problems

    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(f'<a href="../shared/?{tmp_path.name}">x</a>', encoding="utf-8")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "index.html").write_text("<p>s</p>", encoding="utf-8")
    before = linkcheck._split.cache_info()
    problems = Problems()
    linkcheck.check_site_links(tmp_path, SiteLinks("https://example.org/"), {}, problems)
    after = linkcheck._split.cache_info()
    assert list(problems) == []
    assert after.hits - before.hits >= 2
