"""Compiled templates are shared between the builds of one process (mkdocs_plugins/kept_work.py): a template
compiled for one project is given to the next build of another with the same source, as the code Jinja would
compile for that build's own file."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from types import CodeType

import jinja2
import pytest
from mkdocs.config import load_config

from protectpress.cli.build import build_site
from protectpress.core.foundation.sealedmemory import SealedMemory
from protectpress.mkdocs_plugins import kept_work
from support import FIXTURES, REPO, copy_project, run_in_process

# Every field of a code object but its constants, which are compared one by one (nested code recursively).
CODE_FIELDS = [name for name in dir(compile("1", "x", "exec"))
               if name.startswith("co_") and name not in ("co_consts", "co_lines", "co_positions", "co_lnotab")]


def same_code(one: CodeType, other: CodeType) -> bool:
    return (all(getattr(one, name) == getattr(other, name) for name in CODE_FIELDS)
            and len(one.co_consts) == len(other.co_consts)
            and all(same_code(a, b) if isinstance(a, CodeType) else (type(a) is type(b) and a == b)
                    for a, b in zip(one.co_consts, other.co_consts, strict=True)))


def code_files(code: CodeType) -> set[str]:
    return {code.co_filename}.union(*(code_files(c) for c in code.co_consts if isinstance(c, CodeType)))


def theme_environment(project: Path) -> jinja2.Environment:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    env = load_config(str(project / "mkdocs.yml")).theme.get_env()
    env.bytecode_cache = kept_work.SealedTemplates(SealedMemory(None, None), env)
    return env


def test_code_moved_to_another_file_is_the_code_compiled_for_it():
    env = load_config(str(REPO / "mkdocs.yml")).theme.get_env()
    checked = 0
    for folder in env.loader.searchpath:
        for path in Path(folder).rglob("*.html"):
            name = path.relative_to(folder).as_posix()
            source = path.read_text(encoding="utf-8")
            try:
                here = env.compile(source, name, f"/one/project/{name}")
            except jinja2.TemplateAssertionError:
                continue  # a template of a Material plugin we do not use (its filters are not in this theme)
            there = env.compile(source, name, f"/another/place/{name}")
            assert not same_code(here, there)  # the file name is in the code...
            assert same_code(kept_work.in_file(here, f"/another/place/{name}"), there), name  # ...and only it
            checked += 1
    assert checked > 100  # Material's templates and ours


@pytest.fixture
def two_projects(tmp_path) -> tuple[Path, Path]:
    return (copy_project(FIXTURES / "site-basic", tmp_path / "one"),
            copy_project(FIXTURES / "site-basic", tmp_path / "two"))


def test_the_next_project_gets_the_code_for_its_own_files_without_compiling(two_projects, monkeypatch):
    one, two = two_projects
    kept_work.forget_templates_compiled_in_this_process()
    compiled = []
    compile_template = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, filename=None, *a, **k:
                        compiled.append(name) or compile_template(self, source, name, filename, *a, **k))
    first = theme_environment(one).get_template("main.html")
    assert "main.html" in compiled and first.filename == str(one / "overrides/main.html")
    compiled.clear()
    second = theme_environment(two).get_template("main.html")
    assert compiled == []
    assert second.filename == str(two / "overrides/main.html")
    assert code_files(second.root_render_func.__code__) == {str(two / "overrides/main.html")}
    # A changed template is compiled again.
    (two / "overrides/main.html").write_text((two / "overrides/main.html").read_text(encoding="utf-8") + "\n",
                                             encoding="utf-8")
    theme_environment(two).get_template("main.html")
    assert compiled == ["main.html"]


def test_builds_of_two_copies_in_one_process_publish_the_same_site(two_projects):
    one, two = two_projects
    kept_work.forget_templates_compiled_in_this_process()
    for project in two_projects:
        result = run_in_process("build", "--quiet", cwd=project)
        assert result.returncode == 0, result.stderr
    assert kept_work._COMPILED_IN_THIS_PROCESS  # the first build compiled, the second was given its code
    for page in (one / "site").rglob("*.html"):
        assert page.read_bytes() == (two / "site" / page.relative_to(one / "site")).read_bytes(), page


def test_the_previews_rebuilds_compile_no_template_again(tmp_path, monkeypatch):
    # The preview keeps nothing on disk; each of its rebuilds makes a new environment and is given what the
    # first compiled (its templates' sources unchanged).
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    kept_work.forget_templates_compiled_in_this_process()
    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, filename=None, *a, **k:
                        compiled.append(name) or compile_template(self, source, name, filename, *a, **k))
    now = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    for rebuild in ("first", "again"):
        compiled.clear()
        result = build_site(project / "mkdocs.yml", tmp_path / rebuild, now=now, serve_url="http://127.0.0.1:8000/")
        assert result.ok, result.stopped
        if rebuild == "first":
            assert "main.html" in compiled
    assert compiled == []
    assert not (project / ".cache").exists() or not list((project / ".cache").rglob("templates*"))


def test_the_one_watch_of_a_build_tells_each_page_that_logged_from_each_that_did_not():
    # PagesKept keeps a page's HTML only when nothing was logged while it rendered (a warning is said on every
    # build); one watch serves every page, so what one page logged must not count against the next.
    watch = kept_work._LogWatch()
    loggers = (logging.getLogger("mkdocs"), logging.getLogger())
    with watch:
        logging.getLogger("mkdocs.structure.pages").warning("a link to a missing anchor")
    assert watch.logged
    for _ in range(2):
        with watch:
            pass
        assert not watch.logged
    with watch:
        logging.getLogger("markdown").error("an extension's complaint")
    assert watch.logged
    assert all(watch not in logger.handlers for logger in loggers)
