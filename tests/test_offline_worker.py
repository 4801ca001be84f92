"""The offline worker and manifest: what core/site/offline.py plans from a built site, and what the build writes
with the setting on, off and under the preview. The browser side is tests/browser/test_offline_cards.py."""

from __future__ import annotations

import json
from pathlib import Path

from protectpress.core.site import offline
from protectpress.mkdocs_plugins.search import wait_for_preview_index
from support import copy_project, run_in_process

PAGE = """<html><head>
<link rel="stylesheet" href="../../assets/style.css?v=1">
<link rel="icon" href="/assets/icon.svg">
<link rel="alternate" type="application/rss+xml" href="../../feeds/rss.xml">
<link rel="stylesheet" href="https://fonts.example.net/font.css">
<script src="../../assets/app.js"></script><script>inline()</script>
</head><body><img src="photo.png" alt=""><a href="../other/">Other page</a></body></html>"""


def test_a_page_needs_its_own_styles_scripts_and_images_and_nothing_else():
    assert offline.local_assets(PAGE, "action-cards/run/") == [
        "assets/style.css", "assets/icon.svg", "assets/app.js", "action-cards/run/photo.png"]


def write(site: Path, path: str, text: str) -> None:
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    (site / path).write_text(text, encoding="utf-8")


def test_the_version_follows_the_cards_bytes_and_only_them(tmp_path):
    write(tmp_path, "index.html", '<link rel="stylesheet" href="assets/style.css">')
    write(tmp_path, "assets/style.css", "body {}")
    write(tmp_path, "action-cards/run/index.html", "<h1>Run</h1>")
    write(tmp_path, "guidance/other/index.html", "<h1>Other</h1>")
    pages = ["", "action-cards/run/", "action-cards/never-built/"]
    first = offline.plan_offline(tmp_path, pages)
    assert [entry.path for entry in first.entries] == ["", "action-cards/run/", "assets/style.css"]
    write(tmp_path, "guidance/other/index.html", "<h1>Other, changed</h1>")
    assert offline.plan_offline(tmp_path, pages).worker_script() == first.worker_script()
    write(tmp_path, "action-cards/run/index.html", "<h1>Run, changed</h1>")
    changed = offline.plan_offline(tmp_path, pages)
    assert changed.version != first.version
    assert f'"{changed.version}"' in changed.worker_script() and first.version not in changed.worker_script()


def test_a_page_outside_the_site_is_never_cached(tmp_path):
    (tmp_path / "site").mkdir()
    write(tmp_path, "secret.html", "private")
    write(tmp_path / "site", "index.html", '<img src="../secret.html" alt=""><img src="/../secret.html" alt="">')
    assert [entry.path for entry in offline.plan_offline(tmp_path / "site", [""]).entries] == [""]


def test_a_link_out_of_the_site_is_never_cached_and_odd_names_are_found(tmp_path):
    (tmp_path / "site").mkdir()
    write(tmp_path, "secret.css", "private")
    (tmp_path / "site" / "linked.css").symlink_to(tmp_path / "secret.css")
    write(tmp_path / "site", "floor plan %.png", "png")
    write(tmp_path / "site", "index.html", '<link rel="stylesheet" href="linked.css">'
          '<img src="floor%20plan%20%25.png" alt="">')
    assert [entry.path for entry in offline.plan_offline(tmp_path / "site", [""]).entries] == [
        "", "floor plan %.png"]


def test_the_build_writes_a_worker_a_manifest_and_an_offline_page(basic_project):
    site = basic_project / "site"
    worker = (site / "sw.js").read_text(encoding="utf-8")
    assert '"action-cards/parcels/"' in worker and '"offline.html"' in worker
    assert '"guidance/retail/"' not in worker  # other pages are saved only once read
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] == "Fixture guidance site" and manifest["start_url"] == "./"
    assert [icon["sizes"] for icon in manifest["icons"]] == ["192x192", "512x512"]
    home = (site / "index.html").read_text(encoding="utf-8")
    # The site's script registers the worker it is told of (pp-site.js): no inline script.
    assert '<script src="assets/javascripts/pp-site.js" defer data-pp-worker="sw.js"></script>' in home
    assert '<link rel="manifest" href="manifest.webmanifest">' in home
    # Shown at any address, so its links start from the site's root (site_url is .../guides/).
    assert "href=\"/guides/assets/stylesheets/protectpress.css\"" in (site / "offline.html").read_text(encoding="utf-8")
    assert "offline.html" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_the_setting_turns_it_off_and_retires_a_worker_already_installed(basic_project, tmp_path):
    project = copy_project(basic_project, tmp_path / "off")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - protectpress:\n", "  - protectpress:\n      offline:\n        enabled: false\n"), encoding="utf-8")
    result = run_in_process("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert (site / "sw.js").read_text(encoding="utf-8") == offline.RETIRING_WORKER
    assert not (site / "manifest.webmanifest").exists() and not (site / "offline.html").exists()
    assert "data-pp-worker" not in (site / "index.html").read_text(encoding="utf-8")


def test_the_preview_installs_no_worker(basic_project, tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(basic_project / "mkdocs.yml"), site_dir=str(tmp_path / "preview"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/guides/")
    assert "data-pp-worker" not in (tmp_path / "preview" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "preview" / "sw.js").read_text(encoding="utf-8") == offline.RETIRING_WORKER
    # The preview indexes search in the background: done before pytest removes tmp_path, or its warning about
    # an emptied folder lands in a later test's build in this process.
    assert wait_for_preview_index(tmp_path / "preview", timeout=120)
    assert (tmp_path / "preview" / "pagefind" / "pagefind-entry.json").is_file()
