"""What a build remembers for the next (core/foundation/buildcache.py, sealedmemory.py, mkdocs_plugins/kept_work.py,
core/site/kept_search.py): a rebuild reuses each action card's QR mask and drawing, each page's HTML from Markdown, the
compiled templates and, when every page is the same, the search index; and the site it writes is the same, byte for
byte, as a build that started with no memory at all."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import stat

import jinja2
import pytest
import segno
from mkdocs.structure.pages import Page

from protectpress.cli.build import build_site
from protectpress.core.foundation.buildcache import CACHE_FOLDER, BuildMemory
from protectpress.core.foundation.sealedmemory import KEY_FILE_ENV, SealedMemory, user_key
from protectpress.core.site import printcard
from protectpress.core.site.printcard import qr_svg
from protectpress.mkdocs_plugins.kept_work import forget_templates_compiled_in_this_process
from protectpress.mkdocs_plugins.one_converter import OneConverter
from support import FIXTURES, at, copy_project, run_in_process, snapshot

ADDRESS = "https://protectpress.example.org/action-cards/firearms-and-weapons-attacks/"


def test_a_remembered_mask_draws_the_same_code_without_choosing_it_again(tmp_path, monkeypatch):
    memory = BuildMemory(tmp_path / "facts.json")
    cold = qr_svg(ADDRESS, memory)
    memory.save()
    expected_mask = segno.make_qr(ADDRESS, error="m").mask
    chosen = []
    real_draw = printcard.best_mask_code  # where every code is made (segno's message, core/site/qrmask.py)
    monkeypatch.setattr(printcard, "best_mask_code", lambda *a: chosen.append(a[2]) or real_draw(*a))
    warm = qr_svg(ADDRESS, BuildMemory(tmp_path / "facts.json"))
    assert warm == cold
    assert chosen == [expected_mask]  # drawn once, with the mask it chose before


def test_another_address_is_not_given_the_remembered_mask(tmp_path):
    memory = BuildMemory(tmp_path / "facts.json")
    qr_svg(ADDRESS, memory)
    other = ADDRESS.replace("firearms-and-weapons-attacks", "unattended-and-suspicious-items")
    assert qr_svg(other, memory) == qr_svg(other)  # as drawn with no memory at all


def test_a_memory_that_cannot_be_written_leaves_no_file_and_no_error(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        memory = BuildMemory(folder / "facts.json")
        memory.put("key", 1)
        memory.save()  # the build goes on; the next one starts cold
        if os.geteuid() != 0:  # root writes anywhere: the missing file is only promised to others
            assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_rebuild_with_a_memory_writes_the_same_site(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    moment = at(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))
    first = run_in_process("build", "--quiet", "--site-dir", str(tmp_path / "cold"), cwd=project, env=moment)
    assert first.returncode == 0, first.stderr
    facts = json.loads((project / CACHE_FOLDER / "facts.json").read_text(encoding="utf-8"))
    assert any(key.startswith("qr-mask ") for key in facts), facts  # the card's mask was remembered
    second = run_in_process("build", "--quiet", "--site-dir", str(tmp_path / "warm"), cwd=project, env=moment)
    assert second.returncode == 0, second.stderr
    warm, cold = (_without_search_index(snapshot(tmp_path / name)) for name in ("warm", "cold"))
    assert warm == cold and any(path.startswith("action-cards/") for path in warm)
    assert not any(".cache" in path or "facts.json" in path for path in warm)


def _without_search_index(files: dict[str, str]) -> dict[str, str]:
    # Pagefind names and packs its index chunks differently from run to run, from the same pages.
    return {path: digest for path, digest in files.items() if not path.startswith("pagefind/")}


def test_a_sealed_drawing_is_read_back_without_drawing_again(tmp_path, monkeypatch):
    key = user_key(tmp_path / "key")
    assert key is not None and os.stat(tmp_path / "key").st_mode & 0o777 == 0o600
    first = SealedMemory(tmp_path / "sealed.json", key)
    cold = qr_svg(ADDRESS, BuildMemory(None), first)
    first.save()
    assert cold == qr_svg(ADDRESS)  # as drawn with no memory at all
    sealed = SealedMemory(tmp_path / "sealed.json", user_key(tmp_path / "key"))
    drawn = []
    monkeypatch.setattr(printcard, "best_mask_code", lambda *a: drawn.append(a))
    assert qr_svg(ADDRESS, BuildMemory(None), sealed) == cold
    assert drawn == []  # not drawn at all
    other = ADDRESS.replace("firearms-and-weapons-attacks", "unattended-and-suspicious-items")
    with pytest.raises(AttributeError):  # another address is drawn (here by the stand-in, which draws nothing)
        qr_svg(other, BuildMemory(None), sealed)
    assert len(drawn) == 1


# One change to each input a kept result depends on: the page body, a template, a setting (the site's address,
# which every QR code encodes), a Markdown extension's setting, the vocabulary (a tag's label) and the urgent notice.
CHANGES = {
    "page body": ("docs/action-cards/parcels.md", "Zephyrwhistle is the codeword", "Quillbramble is the codeword",
                  "action-cards/parcels/index.html", "Quillbramble"),
    "template": ("overrides/partials/pp-print-footer.html", "Check for the latest version.",
                 "Templatechanged: check for the latest version.", "action-cards/parcels/index.html",
                 "Templatechanged"),
    "setting": ("mkdocs.yml", "site_url: https://fixture.example.org/guides/",
                "site_url: https://moved.example.org/guides/", "action-cards/parcels/index.html",
                "moved.example.org/guides/action-cards/parcels/"),
    "Markdown setting": ("mkdocs.yml", "      permalink: true", "      permalink: Pilcrowchanged",
                         "guidance/retail/index.html", ">Pilcrowchanged</a>"),  # every page's HTML from Markdown
    "vocabulary": ("mkdocs.yml", "retail: Retail", "retail: Shops and retail", "action-cards/parcels/index.html",
                   "Shops and retail"),  # a card for all sectors is filed under each, by its label
    "notice": ("docs/notice.md", None, "---\nlevel: critical\ntitle: Noticechanged\ndate: 2026-11-29T10:00\n---\n\n"
               "Avoid the area.\n", "action-cards/parcels/index.html", "Noticechanged"),
}


def test_a_rebuild_after_any_one_change_writes_what_a_first_build_writes(tmp_path):
    # Each change is made to a project whose .cache/ the build before it left (QR masks and drawings, each page's
    # HTML, the compiled templates, the search index); the warm build must show the change and write exactly
    # what a build with no .cache/ writes.
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    env = {**at(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)), KEY_FILE_ENV: str(tmp_path / "key")}
    first = run_in_process("build", "--quiet", cwd=project, env=env)
    assert first.returncode == 0, first.stderr
    # Nothing changed: the same site, the search index included (put back, not made again: Pagefind names its
    # files differently each time it runs).
    same = run_in_process("build", "--quiet", "--site-dir", str(tmp_path / "same"), cwd=project, env=env)
    assert same.returncode == 0, same.stderr
    assert snapshot(tmp_path / "same") == snapshot(project / "site")
    for name, (path, old, new, page, shown) in CHANGES.items():
        file = project / path
        text = file.read_text(encoding="utf-8") if old is not None else ""
        assert old is None or old in text, (name, old)
        file.write_text(text.replace(old, new, 1) if old is not None else new, encoding="utf-8")
        warm = run_in_process("build", "--quiet", "--site-dir", str(tmp_path / f"warm-{name}"), cwd=project,
                                env=env)
        assert warm.returncode == 0, (name, warm.stderr)
        cold_project = copy_project(project, tmp_path / f"cold-{name}")
        shutil.rmtree(cold_project / ".cache", ignore_errors=True)
        cold = run_in_process("build", "--quiet", "--site-dir", str(tmp_path / f"cold-site-{name}"),
                                cwd=cold_project, env=env)
        assert cold.returncode == 0, (name, cold.stderr)
        assert shown in (tmp_path / f"warm-{name}" / page).read_text(encoding="utf-8"), name
        assert _without_search_index(snapshot(tmp_path / f"warm-{name}")) == \
            _without_search_index(snapshot(tmp_path / f"cold-site-{name}")), name
        assert _search_text(tmp_path / f"warm-{name}") == _search_text(tmp_path / f"cold-site-{name}"), name
    assert "Quillbramble" in _search_text(tmp_path / "warm-page body")  # the index was made again, not put back
    assert "Zephyrwhistle" not in _search_text(tmp_path / "warm-page body")


def test_a_link_to_a_renamed_page_is_reported_as_a_first_build_reports_it(tmp_path):
    # A kept page's links were resolved against the files of the build that kept it: when the page it links to is
    # renamed, it must be rendered again and its broken link named, as a build with no .cache/ names it.
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    env = {**at(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)), KEY_FILE_ENV: str(tmp_path / "key")}
    first = run_in_process("build", "--quiet", cwd=project, env=env)
    assert first.returncode == 0, first.stderr
    cards = project / "docs" / "action-cards"
    (cards / "parcels.md").rename(cards / "suspicious-parcels.md")
    warm = run_in_process("build", "--quiet", "--site-dir", str(tmp_path / "warm"), cwd=project, env=env)
    cold_project = copy_project(project, tmp_path / "cold")
    shutil.rmtree(cold_project / ".cache")
    cold = run_in_process("build", "--quiet", "--site-dir", str(tmp_path / "cold-site"), cwd=cold_project, env=env)
    assert warm.returncode == cold.returncode == 1
    assert "docs/guidance/retail.md" in warm.stderr and "parcels" in warm.stderr
    assert warm.stderr.replace(str(tmp_path / "warm"), "SITE") == cold.stderr.replace(str(tmp_path / "cold-site"),
                                                                                          "SITE")


def _search_text(site) -> str:
    """What the search index holds of every page (Pagefind's fragments: gzip, after a signature, JSON)."""
    fragments = sorted(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd").decode("utf-8")
                       for path in (site / "pagefind" / "fragment").iterdir())
    return "\n".join(fragments)


def test_a_rebuild_converts_no_unchanged_page_and_compiles_no_template(tmp_path, monkeypatch):
    # The rebuild must really use what was kept: Markdown runs again only for the pages whose lists are made
    # anew each build (listings, home), and no theme template is compiled again.
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "key"))
    rendered: list[str] = []
    compiled: list[str | None] = []
    real_render, real_shared_render, real_compile = Page.render, OneConverter.render, jinja2.Environment.compile

    def render(page, config, files):
        rendered.append(page.file.src_uri)
        return real_render(page, config, files)

    def shared_render(feature, page, config, files):  # how a build renders a page (one converter for all)
        rendered.append(page.file.src_uri)
        return real_shared_render(feature, page, config, files)

    def compile(environment, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return real_compile(environment, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(Page, "render", render)
    monkeypatch.setattr(OneConverter, "render", shared_render)
    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    now = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    for build in ("first", "again"):
        rendered.clear()
        compiled.clear()
        forget_templates_compiled_in_this_process()  # each build as in a process of its own: only .cache/ helps
        result = build_site(project / "mkdocs.yml", tmp_path / build, now=now)
        assert result.ok, result.stopped
        if build == "first":
            first_rendered, first_compiled = list(rendered), list(compiled)
    assert "action-cards/parcels.md" in first_rendered and "main.html" in first_compiled
    assert "action-cards/parcels.md" not in rendered and "guidance/retail.md" not in rendered
    assert len(first_rendered) - len(rendered) > 0 and "main.html" not in compiled and "base.html" not in compiled
    assert snapshot(tmp_path / "again") == snapshot(tmp_path / "first")


def test_a_preview_rebuild_keeps_what_it_did_not_use(tmp_path):
    # Under `protectpress serve` a save renders only the saved pages: the other cards' drawings must stay for
    # the next full build, while a full build keeps only what it used.
    key = b"p" * 32
    first = SealedMemory(tmp_path / "sealed.json", key)
    first.put("kind", "a", "drawing of a")
    first.put("kind", "b", "drawing of b")
    first.save()
    preview = SealedMemory(tmp_path / "sealed.json", key, keep_unused=True)
    preview.put("kind", "c", "drawing of c")
    preview.save()
    full = SealedMemory(tmp_path / "sealed.json", key)
    assert [full.get("kind", name) for name in "abc"] == ["drawing of a", "drawing of b", "drawing of c"]
    full.save()
    assert SealedMemory(tmp_path / "sealed.json", key).get("kind", "a") == "drawing of a"
    only_a = SealedMemory(tmp_path / "sealed.json", key)
    only_a.get("kind", "a")
    only_a.save()
    assert SealedMemory(tmp_path / "sealed.json", key).get("kind", "b") is None  # not used: not kept


def test_a_rebuild_after_pagefind_settings_changed_indexes_again(tmp_path):
    # The kept search index was made with the pagefind.yml of its time: a rebuild with the same pages but other
    # settings runs Pagefind (here a broken file, which fails the build as it fails a first build).
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    env = {KEY_FILE_ENV: str(tmp_path / "key")}
    first = run_in_process("build", "--quiet", cwd=project, env=env)
    assert first.returncode == 0, first.stderr
    (project / "pagefind.yml").write_text("exclude_selectors: [\n", encoding="utf-8")
    failed = run_in_process("build", "--quiet", cwd=project, env=env)
    assert failed.returncode == 1 and "the search indexer (Pagefind) failed" in failed.stderr, failed.stderr
