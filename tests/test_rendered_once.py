"""core/site/rendered_once.py: what partials/nav.html keeps of a collapsed sidebar entry, and the link it finds."""

from __future__ import annotations

from dataclasses import dataclass, field

from protectpress.core.site.rendered_once import RenderedOnce


@dataclass(eq=False)
class Item:
    url: str | None = None
    children: list = field(default_factory=list)


def test_kept_html_is_given_back_for_the_same_item_and_key_only():
    once, item, other = RenderedOnce(), Item("a/"), Item("b/")
    assert once.get(item, "__nav_1", "../a/") is None
    assert once.keep(item, "__nav_1", "../a/", html="<li>a</li>") == "<li>a</li>"
    assert once.get(item, "__nav_1", "../a/") == "<li>a</li>"
    assert once.get(item, "__nav_1", "a/") is None  # another page's address for the link
    assert once.get(item, "__nav_2", "../a/") is None
    assert once.get(other, "__nav_1", "../a/") is None


def test_a_key_never_matches_another_item_that_reuses_an_id():
    once = RenderedOnce()
    item = Item("a/")
    once.keep(item, "k", html="old")
    impostor = Item("b/")
    once._kept[(id(impostor), "k")] = once._kept.pop((id(item), "k"))  # as if `impostor` had item's id
    assert once.get(impostor, "k") is None


def test_the_collapsed_link_is_the_first_page_down_through_first_children():
    page = Item("guidance/")
    assert RenderedOnce().collapsed_link(page) is page
    inner = Item(None, [Item("x/one/"), Item("x/two/")])
    section = Item(None, [inner, Item("y/")])
    assert RenderedOnce().collapsed_link(section) is inner.children[0]
    # An empty section at the end of the walk has no address: left to Material's macros.
    assert RenderedOnce().collapsed_link(Item(None, [Item(None, [])])) is None
