"""The lean navigation partial: a big section lists only the way to the current page and a link to its index,
so a page's size does not grow with the site; small sections keep Material's full markup."""

from __future__ import annotations

import re

import pytest
from benchmarks.corpus import generate, plan

from support import run_in_process


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    # 60 pages: 30 guidance pages (over the limit of 20), 9 action cards (under it).
    corpus = generate(tmp_path_factory.mktemp("lean-nav") / "project", 60)
    result = run_in_process("build", "--quiet", "-f", str(corpus.config("ours")), cwd=corpus.root)
    assert result.returncode == 0, result.stdout + result.stderr
    return corpus.root / "site"


def primary_nav(html: str) -> str:
    start = html.index('<nav class="md-nav md-nav--primary"')
    # No contents rail follows the navigation (issue 25): the page's content does.
    end = html.index('<div class="md-content"', start)
    return html[start:end]


def test_a_page_in_a_big_section_lists_itself_and_the_way_to_all_pages(big_site):
    guidance = [uri for uri, kind in plan(60) if kind == "guidance"]
    assert len(guidance) == 30
    nav = primary_nav((big_site / "guidance" / "guidance-00002" / "index.html").read_text(encoding="utf-8"))
    # The page itself (with no contents under it: issue 25).
    assert 'href="./" class="md-nav__link md-nav__link--active"' in nav
    assert re.search(r'<a href="\.\./" class="md-nav__link">\s*<span class="md-ellipsis">\s*All 30 pages', nav)
    assert "guidance-00003" not in nav and "guidance-00001" not in nav
    # The mobile drawer and the section's toggle keep Material's markup and labels.
    assert '<label class="md-nav__title" for="__drawer">' in nav
    assert 'aria-labelledby="__nav_2_label"' in nav and 'id="__nav_2" checked' in nav


def test_a_small_section_is_rendered_in_full_as_material_does(big_site):
    cards = [uri for uri, kind in plan(60) if kind == "action-card"]
    assert len(cards) == 9
    nav = primary_nav((big_site / "action-cards" / "action-card-00001" / "index.html").read_text(encoding="utf-8"))
    assert 'href="./" class="md-nav__link md-nav__link--active"' in nav
    for uri in cards[1:]:
        assert f'href="../{uri.split("/")[1][:-3]}/"' in nav, uri
    assert "All 9 pages" not in nav


def test_page_size_does_not_depend_on_the_size_of_a_big_section(big_site):
    pages = sorted((big_site / "guidance").glob("guidance-*/index.html"))
    sizes = [len(primary_nav(page.read_text(encoding="utf-8"))) for page in pages]
    assert len(sizes) == 30 and max(sizes) - min(sizes) < 200  # only titles differ, never the number of links


def collapsed_entry(nav: str, label: str) -> str:
    """The sidebar's collapsed (pruned) top-level entry named `label`."""
    entries = re.findall(r'<li class="md-nav__item md-nav__item--pruned md-nav__item--nested">.*?</li>', nav, re.S)
    (entry,) = [entry for entry in entries if re.search(rf">\s*{label}\s*<", entry)]
    return entry


def test_a_collapsed_entry_links_from_each_page_as_materials_macro_writes_it(big_site):
    # partials/nav.html renders a collapsed entry once for each address its link has (core/site/rendered_once.py):
    # a page at every depth gets its own address, and the markup around it is Material's, the same everywhere.
    pages = {"index.html": "action-cards/", "privacy/index.html": "../action-cards/",
             "guidance/guidance-00002/index.html": "../../action-cards/",
             "topics/martyns-law/index.html": "../../action-cards/"}
    entries = {path: collapsed_entry(primary_nav((big_site / path).read_text(encoding="utf-8")), "Action cards")
               for path in pages}
    for path, href in pages.items():
        assert f'<a href="{href}" class="md-nav__link">' in entries[path], path
    assert len({entry.replace(pages[path], "HREF") for path, entry in entries.items()}) == 1
    # Material's own markup for a pruned entry (partials/nav-item.html `render_pruned`).
    assert re.fullmatch(r'<li class="md-nav__item md-nav__item--pruned md-nav__item--nested">\s*<a href="HREF" '
                        r'class="md-nav__link">\s*<span class="md-ellipsis">\s*Action cards\s*</span>\s*'
                        r'<span class="md-nav__icon md-icon"></span>\s*</a>\s*</li>',
                        entries["index.html"].replace("action-cards/", "HREF"))
