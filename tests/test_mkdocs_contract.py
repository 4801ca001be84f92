"""What protectpress relies on in MkDocs beyond its documented plugin API, checked against the pinned MkDocs with
small real projects, so that an upgrade which changes one fails here, naming it, instead of somewhere far from
the cause (a preview stuck on a spinner, a build that stops without saying why, MkDocs' chatter back on screen).

- the live-reload server's private `_serve_request`, `_epoch_cond`, `_visible_epoch` and `_inject_js_into_html`
  (mkdocs_plugins/preview_server.py);
- what `Page.render` sets on a page, which a kept page's HTML sets instead (mkdocs_plugins/kept_work.py);
- the build's private `_populate_page` and `_build_page`, with which the preview renders a saved page again
  (mkdocs_plugins/preview_rebuild.py);
- MkDocs' words that we set (the `validation.links` settings, mkdocs_plugins/mkdocs_words.py) or match: the draft
  marker, how a stopped build is worded, the progress lines hidden from comms staff, the request log line.
"""

import inspect
import json
import logging
from pathlib import Path
from types import SimpleNamespace

import mkdocs
import mkdocs.commands.serve
import mkdocs.livereload
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from protectpress.core.foundation.problems import Problem
from protectpress.core.site.preview_page import STATUS
from protectpress.mkdocs_plugins import kept_work, mkdocs_words, preview_server
from protectpress.mkdocs_plugins.preview_server import PreviewServer, keep_answering

UPGRADED = f"MkDocs {mkdocs.__version__} changed"


def _project(root: Path, pages: dict[str, str], settings: str = "") -> Path:
    for name, text in pages.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(f"site_name: Contract\nsite_url: https://example.org/\n{settings}", encoding="utf-8")
    return config


@pytest.fixture
def mkdocs_log():
    """Every record MkDocs logs, whatever another test in this process did to the `mkdocs` logger's handlers."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def _call(server: LiveReloadServer, path: str) -> tuple[str, bytes]:
    answered: list[str] = []
    body = b"".join(server.serve_request({"PATH_INFO": path, "REQUEST_METHOD": "GET"},
                                         lambda status, headers: answered.append(status)))
    return answered[0], body


def _needs_private(server: LiveReloadServer) -> None:
    for name in ("_serve_request", "_inject_js_into_html", "_epoch_cond", "_visible_epoch"):
        assert hasattr(server, name), (f"{UPGRADED}: LiveReloadServer.{name} is gone, and the preview uses it "
                                       "(mkdocs_plugins/preview_server.py): show the problems page another way")


def test_the_preview_server_answers_through_mkdocs_private_serve_request(tmp_path):
    server = PreviewServer(lambda: None, "127.0.0.1", 0, str(tmp_path))
    _needs_private(server)
    server.problems_page = b"<html><body><h1>Problems to fix</h1></body></html>"
    status, body = _call(server, "/guidance/pals/")
    assert status == STATUS, (f"{UPGRADED}: LiveReloadServer.serve_request no longer calls _serve_request, which "
                              f"PreviewServer overrides: the preview answered {status!r}, not its problems page")
    assert b"Problems to fix" in body
    assert b"livereload(" in body and body.index(b"<script>") < body.index(b"</body>"), (
        f"{UPGRADED}: LiveReloadServer._inject_js_into_html no longer adds the live-reload script before </body>, "
        "so a fixed page would not replace the problems page by itself")


def test_a_plain_mkdocs_serve_keeps_answering_through_an_instance_serve_request(tmp_path):
    server = LiveReloadServer(lambda: None, "127.0.0.1", 0, str(tmp_path))
    _needs_private(server)

    def failing_build() -> None:
        raise Abort("Aborted with 1 errors!")

    server.builder = failing_build
    keep_answering(server, lambda: [Problem("docs/x.md", "expected a title", "none")], "en-GB")
    server.builder()
    status, body = _call(server, "/")
    assert status == STATUS, (f"{UPGRADED}: serve_request no longer calls the instance's _serve_request that "
                              f"keep_answering sets: a failed rebuild answered {status!r}")
    assert b"docs/x.md" in body and b"livereload(" in body


def test_the_request_log_line_is_worded_as_the_preview_quietens_it(tmp_path, mkdocs_log):
    logger = logging.getLogger("mkdocs.livereload")
    logger.removeFilter(preview_server._QUIET)  # see MkDocs' own record first
    try:
        mkdocs.livereload._Handler.log_request(SimpleNamespace(requestline="GET /guidance/pals/ HTTP/1.1"), code=503)
        mkdocs.livereload._Handler.log_request(SimpleNamespace(requestline="GET /missing/ HTTP/1.1"), code=404)
    finally:
        preview_server.quiet_request_log()
    problems_page, missing = mkdocs_log[-2:]
    assert not preview_server._QUIET.filter(problems_page), (
        f"{UPGRADED}: the request log line {problems_page.getMessage()!r} no longer reads '[time] \"GET /...\" code "
        "503', so every preview page load of the problems page prints a warning again")
    assert preview_server._QUIET.filter(missing)  # a real 404 still shows


def test_link_validation_is_set_in_mkdocs_words_and_docs_root_links_resolve(tmp_path, mkdocs_log):
    config_file = _project(tmp_path, {"index.md": "# Home\n\n[Other](/other.md) and [gone](gone.md)\n",
                                      "other.md": "# Other\n"},
                           "validation:\n  links:\n    absolute_links: warn\n    not_found: warn\n")
    config = load_config(str(config_file))
    mkdocs_words.set_link_validation(config)  # raises PluginError, naming the setting, if MkDocs refuses a word
    build(config)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="other/"' in html, (f"{UPGRADED}: validation.links.absolute_links: relative_to_docs no longer "
                                     "resolves a docs-root link (/other.md) as a page")
    assert not [r for r in mkdocs_log if r.levelno >= logging.INFO and "gone.md" in r.getMessage()], (
        f"{UPGRADED}: validation.links.not_found: ignore no longer keeps MkDocs quiet about a missing page, which our "
        "link check reports in its own words")


def test_a_kept_page_sets_what_mkdocs_page_render_sets(tmp_path):
    # kept_work.py serves a page's kept HTML by replacing the page's `render`: if MkDocs' render sets anything
    # else, a kept page would miss it.
    config_file = _project(tmp_path, {
        "index.md": "# Home\n\n[Other](other.md#part) and [this](#here)\n\n## Here\n\nText.\n",
        "other.md": "---\ntitle: Other\n---\n\nNo heading of its own.\n\n## Part\n"})
    config = load_config(str(config_file))
    files = get_files(config)
    for src_uri in ("index.md", "other.md"):
        rendered = Page(None, files.get_file_from_path(src_uri), config)
        rendered.read_source(config)
        before = dict(vars(rendered))
        rendered.render(config, files)
        changed = {name for name, value in vars(rendered).items() if name not in before or before[name] is not value}
        assert "content" in changed and changed <= set(kept_work.RESTORED), (
            f"{UPGRADED}: Page.render now sets {sorted(changed - set(kept_work.RESTORED))}, which a kept page "
            "(mkdocs_plugins/kept_work.py RESTORED) does not set")
        kept = Page(None, files.get_file_from_path(src_uri), config)
        kept.read_source(config)
        assert kept_work._restore(kept, json.loads(json.dumps(kept_work._rendered(rendered))), files)
        for name in changed:
            assert _comparable(getattr(kept, name)) == _comparable(getattr(rendered, name)), (src_uri, name)
        assert kept.title == rendered.title and str(kept.toc) == str(rendered.toc)


def _comparable(value):
    if isinstance(value, dict):  # links_to_anchors: by the linked file's path
        return {getattr(key, "src_uri", key): value for key, value in value.items()}
    return str(value) if hasattr(value, "items") else value


def test_a_draft_page_carries_the_marker_the_preview_replaces(tmp_path):
    config_file = _project(tmp_path, {"index.md": "# Home\n", "drafts/plan.md": "# Plan\n"},
                           "draft_docs: |\n  drafts/\n")
    build(load_config(str(config_file)), serve_url="http://127.0.0.1:8000/")
    html = (tmp_path / "site" / "drafts" / "plan" / "index.html").read_text(encoding="utf-8")
    assert mkdocs_words.MKDOCS_DRAFT_MARKER in html, (
        f"{UPGRADED}: the draft marker on a draft page under `mkdocs serve` no longer reads MKDOCS_DRAFT_MARKER "
        "(mkdocs_plugins/mkdocs_words.py), so the preview shows it beside its own Draft banner")


def test_a_stopped_build_is_worded_as_the_build_command_reads_it(tmp_path):
    strict = _project(tmp_path / "strict", {"index.md": "# Home\n\n[gone](gone.md)\n"}, "strict: true\n")
    with pytest.raises(Abort) as stopped:
        build(load_config(str(strict)))
    assert mkdocs_words.STRICT_MODE in str(stopped.value), (
        f"{UPGRADED}: a strict build now stops with {str(stopped.value)!r}, without {mkdocs_words.STRICT_MODE!r}, "
        "which cli/build.py reads to say '--strict: warnings count as errors'")

    hooks = tmp_path / "broken" / "hooks.py"
    hooks.parent.mkdir(parents=True)
    hooks.write_text("from mkdocs.exceptions import BuildError\n\n\ndef on_page_markdown(markdown, **kwargs):\n"
                     "    raise BuildError('a plugin stopped')\n", encoding="utf-8")
    broken = _project(tmp_path / "broken", {"index.md": "# Home\n"}, "hooks:\n  - hooks.py\n")
    with pytest.raises(Abort) as stopped:
        build(load_config(str(broken)))
    assert str(stopped.value).startswith(mkdocs_words.BUILD_ERROR), (
        f"{UPGRADED}: a plugin's BuildError now stops the build with {str(stopped.value)!r}, which cli/build.py "
        f"expects to start {mkdocs_words.BUILD_ERROR!r}")


def test_mkdocs_progress_lines_are_worded_as_the_build_command_hides_them(tmp_path, mkdocs_log):
    config_file = _project(tmp_path, {"index.md": "# Home\n"})
    build(load_config(str(config_file)))
    (tmp_path / "site" / "stale.html").write_text("left from before", encoding="utf-8")
    build(load_config(str(config_file)), dirty=True)
    messages = [record.getMessage() for record in mkdocs_log]
    serve_source = inspect.getsource(mkdocs.commands.serve)
    for words in mkdocs_words.NOISE:
        said = any(message.startswith(words) for message in messages) or f'"{words}"' in serve_source
        assert said, (f"{UPGRADED}: MkDocs no longer logs a line starting {words!r}, which cli/build.py hides "
                      "(mkdocs_words.NOISE): find its new wording, or drop it")


def test_one_page_renders_again_through_mkdocs_private_populate_and_build_page(tmp_path):
    """The preview's quick rebuild (mkdocs_plugins/preview_rebuild.py) renders a saved page again with MkDocs'
    private `_populate_page` and `_build_page`, over the files, navigation and environment a whole build left."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.structure.files import InclusionLevel

    for name, wanted in (("_populate_page", ["page", "config", "files", "dirty"]),
                         ("_build_page", ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"])):
        function = getattr(mkdocs_build, name, None)
        assert function is not None and list(inspect.signature(function).parameters) == wanted, (
            f"{UPGRADED}: mkdocs.commands.build.{name} is gone or takes other arguments, and the preview's quick "
            "rebuild calls it (mkdocs_plugins/preview_rebuild.py): render a saved page again another way")
    config_file = _project(tmp_path, {"index.md": "# Home\n", "other.md": "---\ntitle: Other page\n---\nOld words\n"})
    config = load_config(str(config_file))
    kept = {}

    class Keep:  # a plugin that keeps what the build made, as ProtectpressPlugin does under serve
        def on_nav(self, nav, *, config, files):
            kept["nav"] = nav

        def on_env(self, env, *, config, files):
            kept.update(env=env, files=files)

    config.plugins["keep"] = Keep()
    build(config, serve_url="http://127.0.0.1:8000/")
    (tmp_path / "docs" / "other.md").write_text("---\ntitle: Other page\n---\nNew words\n", encoding="utf-8")
    page = kept["files"].get_file_from_path("other.md").page
    page.markdown = page.content = None
    mkdocs_build._populate_page(page, config, kept["files"])
    mkdocs_build._build_page(page, config, kept["files"].documentation_pages(inclusion=InclusionLevel.is_in_serve),
                             kept["nav"], kept["env"], excluded=False)
    html = (tmp_path / "site" / "other" / "index.html").read_text(encoding="utf-8")
    assert "New words" in html and "Old words" not in html, (
        f"{UPGRADED}: _populate_page and _build_page no longer read a page again and write it")
    assert "Other page" in html and "Home" in html and "None" not in html, (
        f"{UPGRADED}: a page rendered again no longer names every page in its menu")
