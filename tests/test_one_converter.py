"""One Markdown converter for a build's pages (mkdocs_plugins/one_converter.py) renders each page exactly as MkDocs'
own `Page.render` with a new converter does, whatever page came before it: pages that use every extension it
shares a converter for, and what one page defines that must not reach the next (abbreviations, footnotes,
tab and heading ids, raw-HTML anchors, links to other pages' sections)."""

import random
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from protectpress.mkdocs_plugins.kept_work import RESTORED
from protectpress.mkdocs_plugins.one_converter import _RESETTABLE, OneConverter, can_share_a_converter

EXTENSIONS = sorted(name for name in _RESETTABLE if not name.startswith("markdown.extensions."))

PAGES = {
    "index.md": """# Home

The HTML spec is kept by the W3C.[^1] See [the checklist](cards/first.md#before-you-leave) and
[tabs](cards/second.md#second-tab).

*[HTML]: Hyper Text Markup Language
*[W3C]: World Wide Web Consortium

[^1]: A footnote only the home page has.

<a id="raw-anchor"></a>

=== "First tab"

    Tab text.

=== "Second tab"

    More tab text.
""",
    "cards/first.md": """# First card

## Before you leave

- [x] Done
- [ ] Not done

Press ++ctrl+alt+del++, ==marked==, ^^inserted^^, ~~deleted~~, H~2~O, x^2^, (c) and --> and :smile:.

!!! warning "Take care"
    Admonition text with a footnote.[^note]

[^note]: The first card's own note.

??? note "Open me"
    Hidden text.

Term
:   Definition.

| A | B |
| - | - |
| 1 | 2 |
{: #a-table }
""",
    "cards/second.md": """Second card
===========

HTML is not defined here, and has no footnote.

=== "Second tab"

    Only tab.

```python
print("fenced")
```

`#!python print("inline")`

<div markdown="1" id="in-html">
**Markdown in HTML**
</div>

## Before you leave

The same heading as the first card: its own id.
""",
}


def _project(root: Path, extensions: list[str]) -> Path:
    for name, text in PAGES.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    listed = "".join(f"  - {name}\n" for name in extensions)
    config.write_text(f"site_name: Converter\nsite_url: https://example.org/\nplugins: []\n"
                      f"validation:\n  anchors: info\nmarkdown_extensions:\n{listed}", encoding="utf-8")
    return config


def _rendered(page: Page) -> dict:
    def toc(items):
        return [(item.title, item.id, item.level, toc(item.children)) for item in items]
    seen = {name: getattr(page, name) for name in RESTORED}
    seen["toc"] = toc(page.toc)
    seen["links_to_anchors"] = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}
    return seen


def _pages(config, files) -> list[Page]:
    pages = [Page(None, file, config) for file in files.documentation_pages()]
    for page in pages:
        page.read_source(config)
    return pages


@pytest.mark.parametrize("order", ["as listed", "reversed", "shuffled"])
def test_each_page_is_rendered_as_mkdocs_renders_it_whatever_came_before(tmp_path, order):
    config = load_config(str(_project(tmp_path, EXTENSIONS)))
    files = get_files(config)
    assert can_share_a_converter(config)
    expected = {}
    for page in _pages(config, files):
        Page.render(page, config, files)
        expected[page.file.src_uri] = _rendered(page)
    assert "Hyper Text Markup Language" in expected["index.md"]["content"]
    assert "first card's own note" in expected["cards/first.md"]["content"]

    pages = _pages(config, files)
    if order == "reversed":
        pages.reverse()
    elif order == "shuffled":
        random.Random(29).shuffle(pages)
    feature = OneConverter(None)
    feature.on_files(files, config=config)
    for round_ in range(2):  # a second round: every page after every other
        for page in pages:
            feature.render(page, config, files)
            assert _rendered(page) == expected[page.file.src_uri], (page.file.src_uri, round_)


def test_a_converter_is_shared_only_when_every_extension_is_one_read_for_it(tmp_path):
    shared = load_config(str(_project(tmp_path / "a", ["toc", "pymdownx.superfences", "abbr"])))
    assert can_share_a_converter(shared)
    unread = load_config(str(_project(tmp_path / "b", ["toc", "pymdownx.snippets"])))
    assert not can_share_a_converter(unread)
    feature = OneConverter(None)
    feature.on_files(get_files(unread), config=unread)
    page = _pages(unread, get_files(unread))[0]
    before = page.render
    feature.on_page_markdown(page.markdown, page=page, config=unread, files=get_files(unread))
    assert page.render == before  # MkDocs' own render, with a new converter


def test_a_page_that_stops_half_way_leaves_the_next_page_a_new_converter(tmp_path):
    config = load_config(str(_project(tmp_path, EXTENSIONS)))
    files = get_files(config)
    feature = OneConverter(None)
    feature.on_files(files, config=config)
    first, second = _pages(config, files)[:2]
    feature.render(first, config, files)
    broken = feature._converter

    def stop(text):
        raise RecursionError("nested too deep")
    broken.convert = stop
    with pytest.raises(RecursionError):
        feature.render(second, config, files)
    assert feature._converter is None
    feature.render(second, config, files)
    assert feature._converter is not broken
    expected = _pages(config, files)[1]
    Page.render(expected, config, files)
    assert _rendered(second) == _rendered(expected)
