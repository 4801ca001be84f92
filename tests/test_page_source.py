"""A page's front matter is parsed once a build (mkdocs_plugins/page_source.py): MkDocs is given the value our
validation read, and must end up with exactly the Markdown and meta its own `Page.read_source` reads, for real
pages of a real MkDocs project. Where the two readings could differ, MkDocs reads the page itself."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from protectpress.core.content.items import ReadMeta
from protectpress.core.content.schema import read_item
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.frontmatter import split_front_matter
from protectpress.core.foundation.problems import Problems
from protectpress.core.foundation.settings import Vocabulary
from protectpress.mkdocs_plugins.page_source import MetaReadOnce, give_meta

GIVEN = {
    "plain.md": "---\ntitle: Plain\ntype: guidance\ntags: [a, b]\ndate: 2024-01-02\nsearch: {exclude: true}\n"
                "publish_at: 2024-01-02 09:30\n---\n\n\nBody with [a link](x.md).\n",
    "dots.md": "---\ntitle: Closed with dots\n...\nBody\n",
    "spaces.md": "---  \ntitle: Fences with spaces\n---\t\n\nBody\n",
    "nested.md": "---\ntitle: Nested\nchanges:\n  - {date: 2024-01-02, note: x, major: true}\nhide:\n  - toc\n"
                 "---\nBody",
    "bom.md": "\ufeff---\ntitle: Byte-order mark\n---\nBody\n",
    "quoted.md": "---\ntitle: 'It''s: quoted'\nsummary: >-\n  Folded\n  text\nnumber: 0x1f\nempty:\n---\n---\nA rule\n",
}
# Read differently by our loader or not a mapping: MkDocs parses these itself.
NOT_GIVEN = {
    "impossible-date.md": "---\ntitle: T\nnote: 2023-02-30\n---\nBody\n",
    "number-key.md": "---\ntitle: T\n1: one\n---\nBody\n",
    "empty.md": "---\n---\nBody\n",
    "slip.md": "---\ntitle: T\nbad: [unclosed\nnext: fine\n---\nBody\n",
}


def _pages(root: Path, sources: dict[str, str]) -> tuple:
    for name, text in sources.items():
        (root / "docs").mkdir(exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Once\nsite_url: https://example.org/\n", encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"))
    return config, get_files(config)


def _read_by_mkdocs(config, files, src_uri: str) -> Page:
    page = Page(None, files.get_file_from_path(src_uri), config)
    page.read_source(config)
    return page


@pytest.mark.parametrize("src_uri", sorted(GIVEN))
def test_a_page_given_its_meta_reads_as_mkdocs_reads_it(tmp_path, src_uri):
    config, files = _pages(tmp_path, GIVEN)
    text = GIVEN[src_uri].removeprefix("\ufeff")  # as read_source reads a file (utf-8-sig), as MkDocs does
    front = split_front_matter(text, recover=True)
    assert front.safe_loaded is True
    assert front.data == yaml.load(front.yaml_text, yaml.CSafeLoader)
    given = Page(None, files.get_file_from_path(src_uri), config)
    counted = []
    give_meta(given, front.yaml_text, front.data, on_given=lambda: counted.append(1))
    given.read_source(config)
    read = _read_by_mkdocs(config, files, src_uri)
    assert counted == [1]  # the value was given, not parsed again
    assert given.meta is front.data
    assert given.markdown == read.markdown
    assert given.meta == read.meta
    assert {k: type(v) for k, v in given.meta.items()} == {k: type(v) for k, v in read.meta.items()}
    assert "read_source" not in vars(given)  # once: a second reading is MkDocs' own
    given.read_source(config)
    assert given.meta is not front.data and given.meta == read.meta


@pytest.mark.parametrize("src_uri", sorted(NOT_GIVEN))
def test_front_matter_read_otherwise_than_the_safe_loader_is_never_given(src_uri):
    front = split_front_matter(NOT_GIVEN[src_uri], recover=True)
    assert front.safe_loaded is False


def test_a_page_whose_text_changed_since_validation_is_read_by_mkdocs(tmp_path):
    config, files = _pages(tmp_path, GIVEN)
    front = split_front_matter(GIVEN["plain.md"], recover=True)
    assert front.safe_loaded is True
    (tmp_path / "docs" / "plain.md").write_text("---\ntitle: Edited\n---\nNew body\n", encoding="utf-8")
    given = Page(None, files.get_file_from_path("plain.md"), config)
    counted = []
    give_meta(given, front.yaml_text, front.data, on_given=lambda: counted.append(1))
    given.read_source(config)
    assert counted == []
    assert (given.markdown, given.meta) == ("New body\n", {"title": "Edited"})


def test_a_page_is_given_its_meta_once_and_the_item_lets_go_of_it(tmp_path):
    # Held by the item for the whole build, every page's read front matter stayed in memory beside the site's own
    # copy of its meta (6 MB at 3,000 pages), and a second build given the same item got a meta the first changed.
    config, files = _pages(tmp_path, GIVEN)
    front = split_front_matter(GIVEN["plain.md"], recover=True)
    item = SimpleNamespace(read_meta=ReadMeta(front.yaml_text, front.data), body=front.body.lstrip("\n"))
    for file in files.documentation_pages():
        Page(None, file, config)  # MkDocs makes each page before on_nav
    feature = MetaReadOnce(SimpleNamespace(serving=False, content=SimpleNamespace(items={"plain.md": item})))
    for build in ("first", "second"):
        feature.on_nav(None, config=config, files=files)
        page = files.get_file_from_path("plain.md").page
        page.read_source(config)
        assert feature.given == 1, build  # the second build parses: the first one's value is gone
        assert item.read_meta.take() is None
    assert page.meta == {**front.data} and page.meta is not front.data


def test_a_page_given_its_meta_holds_the_items_markdown_not_a_copy(tmp_path):
    # MkDocs keeps every page's Markdown to the end of the build, and so does the site's item: the same text
    # twice, 3.8 KB a page. The item's body is cut as MkDocs cuts it, so the page is given that very string.
    text = "---\ntitle: Shared\ntype: page\nsummary: One copy.\n---\n\n\n# Shared\n\nBody with a [link](x.md).\n"
    config, files = _pages(tmp_path, {"shared.md": text})
    problems = Problems()
    item = read_item("shared.md", "docs/shared.md", text, Vocabulary(), problems, now=build_now())
    assert item is not None, [str(p) for p in problems]
    assert item.body == "# Shared\n\nBody with a [link](x.md).\n"
    assert text.splitlines()[item.body_line - 1] == "# Shared"  # line numbers still count from the file's top
    Page(None, files.get_file_from_path("shared.md"), config)
    feature = MetaReadOnce(SimpleNamespace(serving=False, content=SimpleNamespace(items={"shared.md": item})))
    feature.on_nav(None, config=config, files=files)
    page = files.get_file_from_path("shared.md").page
    page.read_source(config)
    assert feature.given == 1
    assert page.markdown is item.body
    assert page.markdown == _read_by_mkdocs(config, files, "shared.md").markdown
