"""The link check joins each link to the address of the file it is in the short way for plain links (issue 29):
it must give urljoin's answer, whatever the address and the link, or a broken link could be taken for a good one
(or a good one reported)."""

from __future__ import annotations

from urllib.parse import urljoin

from hypothesis import example, given, settings
from hypothesis import strategies as st

from protectpress.core.checks.joined import joined

BASES = ["https://example.org/", "https://example.org/guidance/pals/", "https://example.org/404.html",
         "https://example.org/sub/site/a/b/", "http://example.org:8000/x/index.html", "https://Example.org/a/",
         "HTTPS://example.org/a/", "https://example.org", "https://example.org/a/?q=1", "https://example.org/a/#f",
         "https://example.org/a;p/", "https://example.org/a b/", "https://example.org//a//", "ftp://example.org/a/",
         "https://example.org/caf\u00e9/", "https://example.org/a/./b/../"]
PIECES = ["..", ".", "/", "a", "b", "index.html", "x.md", "#", "#top", "?", "?q=1", ";", ":", "//", "%20", " ", "\t",
          "\n", "\u00e9", "mailto:", "https:", "~", "'", "=", "&", "#a:b", "#a?b", "#x#y", "\\", "[", "@"]


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(BASES), st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map("".join))
@example("https://example.org/a/", "../../../x/")
@example("https://example.org/a/b/", "..")
@example("https://example.org/a/b/", "./")
@example("https://example.org/a/b/", "x/#")
@example("https://example.org/a/b/", "#")
@example("https://example.org/a/b.html", "#h")
@example("https://example.org/a/", "/b//c/../d")
@example("https://example.org/a/", "b//c/./../d/..")
def test_a_link_is_joined_as_urljoin_joins_it(base, target):
    try:
        expected: str | type[Exception] = urljoin(base, target)
    except ValueError:  # `//[`: urljoin refuses it, and so must the short way
        expected = ValueError
    try:
        found: str | type[Exception] = joined(base, target)
    except ValueError:
        found = ValueError
    assert found == expected
