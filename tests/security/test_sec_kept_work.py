"""What a build keeps for the next that a planted file could abuse (mkdocs_plugins/kept_work.py,
core/site/kept_search.py, core/checks/kept_scans.py): each page's HTML (what the site publishes), the compiled
templates (code the build runs), the search index (what a reader's browser loads as results) and the links found
in each built file (a planted scan could hide a broken link from the check). Each is read back only under the seal of
the user's own key: an entry changed in place, or planted under another key (a `.cache/` from CI, another
machine or a pull request), is never published and never run; the build does the work again instead."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import marshal
import pickle
import shutil

import jinja2
import pytest
from jinja2.bccache import bc_magic

from protectpress.core.checks.kept_scans import FILE_NAME as SCANS_FILE
from protectpress.core.foundation.buildcache import CACHE_FOLDER
from protectpress.core.foundation.sealedmemory import KEY_FILE_ENV, SealedMemory, read_entries, write_entries
from protectpress.core.site.kept_search import KEPT_FOLDER
from protectpress.core.site.kept_search import SEALED_FILE as SEARCH_FILE
from protectpress.mkdocs_plugins.kept_work import PAGES_FILE, TEMPLATES_FILE
from support import FIXTURES, at, copy_project, run_in_process, snapshot

CARD = "action-cards/parcels/index.html"
WORD = "Zephyrwhistle"  # in the card's body (docs/action-cards/parcels.md)
PLANTED = "Plantedword"
FOOTER = "partials/pp-print-footer.html"


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    base = tmp_path_factory.mktemp("kept")
    project = copy_project(FIXTURES / "site-basic", base / "project")
    env = {**at(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)), KEY_FILE_ENV: str(base / "key")}
    done = run_in_process("build", "--quiet", cwd=project, env=env)
    assert done.returncode == 0, done.stderr
    kept = project / CACHE_FOLDER
    assert WORD in (kept / PAGES_FILE).read_text(encoding="utf-8")  # the card's HTML was kept
    assert (kept / TEMPLATES_FILE).exists() and (kept / KEPT_FOLDER / "pagefind-entry.json").exists()
    return project, (project / "site" / CARD).read_text(encoding="utf-8"), env


def _rebuilt(project, tmp_path, env):
    return copy_project(project, tmp_path / "project")


def _build(project, env):
    done = run_in_process("build", "--quiet", cwd=project, env=env)
    assert done.returncode == 0, done.stderr
    return (project / "site" / CARD).read_text(encoding="utf-8")


def _reseal(path, key: bytes, change) -> None:
    """Change every entry's value with `change` and seal it again with `key` (an attacker's own)."""
    entries = read_entries(path)
    assert entries
    memory = SealedMemory(None, key)
    for name, (value, _seal) in entries.items():
        changed = change(value)
        entries[name] = (changed, memory._seal(name, changed))
    write_entries(path, entries)


def _plant_html(value):
    return {**value, "html": value["html"].replace(WORD, PLANTED)} if isinstance(value, dict) else value


def test_a_kept_page_changed_in_place_is_not_published(cold, tmp_path):
    project, card, env = cold
    rebuilt = _rebuilt(project, tmp_path, env)
    pages = rebuilt / CACHE_FOLDER / PAGES_FILE
    entries = read_entries(pages)
    for name, (value, seal) in entries.items():  # the value changed, the user's seal left as it was
        entries[name] = (_plant_html(value), seal)
    write_entries(pages, entries)
    assert PLANTED in pages.read_text(encoding="utf-8")
    assert _build(rebuilt, env) == card


def test_kept_pages_sealed_with_another_key_are_not_published(cold, tmp_path):
    project, card, env = cold
    # The attacker builds the same project with their own key, plants their words and seals them again.
    attacker = _rebuilt(project, tmp_path / "attacker", env)
    shutil.rmtree(attacker / CACHE_FOLDER)
    attacker_env = {**env, KEY_FILE_ENV: str(tmp_path / "attacker-key")}
    _build(attacker, attacker_env)
    _reseal(attacker / CACHE_FOLDER / PAGES_FILE, (tmp_path / "attacker-key").read_bytes(), _plant_html)
    assert PLANTED in _build(attacker, attacker_env)  # under the key it is sealed with, it is read back
    victim = _rebuilt(project, tmp_path / "victim", env)
    shutil.copy(attacker / CACHE_FOLDER / PAGES_FILE, victim / CACHE_FOLDER / PAGES_FILE)
    assert _build(victim, env) == card


def test_a_kept_template_whose_code_was_changed_is_not_run(cold, tmp_path):
    _project, card, env = cold
    # Templates are kept by their file's path: this project is built once where the planted entry will be read.
    rebuilt = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    _build(rebuilt, env)
    footer = (rebuilt / "overrides" / FOOTER).read_text(encoding="utf-8")
    checksum = hashlib.sha1(footer.encode("utf-8")).hexdigest()  # what Jinja checks the code against
    planted_code = jinja2.Environment().compile(footer.replace("Check for the latest version.", PLANTED), FOOTER,
                                                str(rebuilt / "overrides" / FOOTER))
    planted = base64.b64encode(bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(planted_code)).decode("ascii")
    templates = rebuilt / CACHE_FOLDER / TEMPLATES_FILE
    entries = read_entries(templates)
    found = 0
    for name, (value, seal) in entries.items():
        code = base64.b64decode(value)
        if code.startswith(bc_magic) and pickle.loads(code[len(bc_magic):]) == checksum:
            entries[name], found = (planted, seal), found + 1  # the user's seal left as it was
    assert found == 1
    write_entries(templates, entries)
    built = _build(rebuilt, env)
    assert PLANTED not in built and "Check for the latest version." in built
    assert built == card


def test_a_kept_search_index_file_that_was_changed_is_not_published(cold, tmp_path):
    project, _card, env = cold
    rebuilt = _rebuilt(project, tmp_path, env)
    kept = rebuilt / CACHE_FOLDER / KEPT_FOLDER
    entry = kept / "pagefind-entry.json"
    planted = entry.read_text(encoding="utf-8").replace('"page_count":', '"planted":1,"page_count":')
    assert planted != entry.read_text(encoding="utf-8")
    entry.write_text(planted, encoding="utf-8")
    _build(rebuilt, env)
    published = (rebuilt / "site" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
    assert '"planted"' not in published and json.loads(published)["languages"]


def test_a_search_index_sealed_with_another_key_is_not_published(cold, tmp_path):
    project, _card, env = cold
    rebuilt = _rebuilt(project, tmp_path, env)
    kept = rebuilt / CACHE_FOLDER / KEPT_FOLDER
    entry = kept / "pagefind-entry.json"
    entry.write_text(entry.read_text(encoding="utf-8").replace('"page_count":', '"planted":1,"page_count":'),
                     encoding="utf-8")
    digest = hashlib.sha256(entry.read_bytes()).hexdigest()

    def name_the_planted_file(value):
        return {**value, "files": {**value["files"], "pagefind-entry.json": digest}}

    _reseal(rebuilt / CACHE_FOLDER / SEARCH_FILE, b"k" * 32, name_the_planted_file)
    _build(rebuilt, env)
    published = rebuilt / "site" / "pagefind" / "pagefind-entry.json"
    assert '"planted"' not in published.read_text(encoding="utf-8")
    assert snapshot(kept)["pagefind-entry.json"] != digest  # indexed again, and kept again as Pagefind wrote it


BROKEN = "../gone-since/"  # a link the check must report, written in a card's body


def _without_broken_link(value):
    """A kept scan with the broken link left out (what an attacker would plant to publish it unchecked)."""
    def kept(links):
        return [link for link in links if not (isinstance(link, list) and "gone-since" in str(link[0]))]
    scan = json.loads(value) if isinstance(value, str) else value  # a scan may be kept as its JSON text
    planted = {**scan, "links": kept(scan["links"])} if isinstance(scan, dict) else kept(scan)
    return json.dumps(planted) if isinstance(value, str) else planted


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A project whose card links to a page that does not exist, built once: its scans are kept."""
    base = tmp_path_factory.mktemp("scans")
    project = copy_project(FIXTURES / "site-basic", base / "project")
    card = project / "docs" / "action-cards" / "parcels.md"
    card.write_text(card.read_text(encoding="utf-8") + f'\n<a href="{BROKEN}">More</a>\n', encoding="utf-8")
    env = {**at(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)), KEY_FILE_ENV: str(base / "key")}
    done = run_in_process("build", "--quiet", cwd=project, env=env)
    assert done.returncode == 1 and "gone-since" in done.stderr, done.stderr
    assert "gone-since" in (project / CACHE_FOLDER / SCANS_FILE).read_text(encoding="utf-8")
    return project, done.stderr, env


def _check(project, env):
    return run_in_process("build", "--quiet", cwd=project, env=env)


def test_a_kept_link_scan_changed_in_place_does_not_hide_a_broken_link(broken, tmp_path):
    project, reported, env = broken
    rebuilt = copy_project(project, tmp_path / "project")
    scans = rebuilt / CACHE_FOLDER / SCANS_FILE
    entries = read_entries(scans)
    for name, (value, seal) in entries.items():  # the value changed, the user's seal left as it was
        entries[name] = (_without_broken_link(value), seal)
    write_entries(scans, entries)
    assert "gone-since" not in scans.read_text(encoding="utf-8")
    again = _check(rebuilt, env)
    assert again.returncode == 1 and again.stderr == reported


def test_kept_link_scans_sealed_with_another_key_do_not_hide_a_broken_link(broken, tmp_path):
    project, reported, env = broken
    # The attacker builds with their own key, takes the broken link out of every scan and seals them again.
    attacker = copy_project(project, tmp_path / "attacker")
    shutil.rmtree(attacker / CACHE_FOLDER)
    attacker_env = {**env, KEY_FILE_ENV: str(tmp_path / "attacker-key")}
    assert _check(attacker, attacker_env).returncode == 1
    _reseal(attacker / CACHE_FOLDER / SCANS_FILE, (tmp_path / "attacker-key").read_bytes(), _without_broken_link)
    # Under the key it is sealed with, the card's planted scan is read back and hides the link in the card. Its copy
    # in the feeds is found all the same: the feed writer gives the check the feeds' links, no kept scan does.
    hidden = _check(attacker, attacker_env)
    assert f"found '{BROKEN}'" in reported and f"found '{BROKEN}'" not in hidden.stderr, hidden.stderr
    assert "in feeds/" not in reported and "gone-since/' in feeds/" in hidden.stderr, hidden.stderr
    victim = copy_project(project, tmp_path / "victim")
    shutil.copy(attacker / CACHE_FOLDER / SCANS_FILE, victim / CACHE_FOLDER / SCANS_FILE)
    again = _check(victim, env)
    assert again.returncode == 1 and again.stderr == reported
