"""core/site/rendered_once.py: what partials/nav.html keeps of a collapsed sidebar entry, and the link it finds."""

from __future__ import annotations

from dataclasses import dataclass, field

from protectpress.core.site.rendered_once import LANGUAGE, RenderedOnce, TranslationsOnce


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
    page, here = Item("guidance/"), Item("privacy/")
    assert RenderedOnce().collapsed_link(page, here) is page
    inner = Item(None, [Item("x/one/"), Item("x/two/")])
    section = Item(None, [inner, Item("y/")])
    assert RenderedOnce().collapsed_link(section, here) is inner.children[0]
    # An empty section at the end of the walk has no address: left to Material's macros.
    assert RenderedOnce().collapsed_link(Item(None, [Item(None, [])]), here) is None


def test_the_pages_own_entry_and_its_sections_are_never_collapsed_links():
    here = Item("guidance/one/")
    assert RenderedOnce().collapsed_link(here, here) is None
    active = Item(None, [here])
    active.active = True  # type: ignore[attr-defined]
    assert RenderedOnce().collapsed_link(active, here) is None
    view = Item("blog/", [Item("blog/post/")])
    view.pages = [here]  # type: ignore[attr-defined]  # a blog view that shows the page: the macro swaps it in
    assert RenderedOnce().collapsed_link(view, here) is None

def test_the_themes_words_are_asked_for_once_a_key_and_the_partial_made_when_first_needed():
    made, asked = [], []

    class Partial:
        def t(self, key: str) -> str:
            asked.append(key)
            return {"language": "en-GB", "nav": "Navigation"}.get(key, "")

    def make() -> Partial:
        made.append(True)
        return Partial()

    words = TranslationsOnce(make)
    assert made == []  # nothing compiled before a page needs a word
    assert [words.t("language"), words.t("nav"), words.t("language"), words.t("nav")] == \
        ["en-GB", "Navigation", "en-GB", "Navigation"]
    assert words.t("missing") == words.t("missing") == ""  # a word no language has is kept too
    assert made == [True] and asked == ["language", "nav", "missing"]


def test_a_site_says_the_same_words_with_and_without_them_kept(tmp_path):
    # The real partial (Material's language.html over our en-GB.html) through the site's Jinja environment: what
    # base.html prints with `pp_lang` is what Material's import with the page's context prints, for every key the
    # templates use and one that no language has.
    from jinja2 import Environment, FileSystemLoader
    from material import templates

    from support import REPO

    env = Environment(loader=FileSystemLoader([str(REPO / "overrides"), templates.__path__[0]]))
    config = {"theme": {"language": "en-GB"}}
    keys = ["language", "direction", "action.skip", "header", "nav", "search", "search.placeholder", "no.such.key"]
    source = '{% import "partials/language.html" as lang with context %}' + "|".join(
        "{{ lang.t('" + key + "') }}" for key in keys)
    expected = env.from_string(source).render(config=config)
    kept = TranslationsOnce(lambda: env.get_template(LANGUAGE).make_module({"config": config}))
    assert "|".join(kept.t(key) for key in keys) == expected
    assert expected.startswith("en-GB|ltr|Skip to content|") and "Search guidance and action cards" in expected
