"""Nothing from outside the project is published, and no personal data is, whatever links to it (issue 11, item 4).

A hostile project links `/etc/passwd`, a folder and a page outside the project, the recipients list, the
send records, the suppression list and the outbox into docs/, the theme's custom_dir and newsletters/.
`build`, `check` and `serve` must each refuse every one by name, and `site/` must keep none of it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from protectpress.core.foundation.problems import Problems
from protectpress.core.judge.boundary import ProjectBoundary
from support import FIXTURES, copy_project, run_in_process, run_protectpress

INSIDE = ("expected a file or folder inside the project (a link that leads out of the project folder is never "
          "published), found ")
PRIVATE = ("expected no personal data among published files (recipient lists, suppressed.csv, send records "
           "and the outbox are never published, whatever links to them), found ")
SECRET = "OUTSIDE-SECRET-7f3a"


def expected_errors(outside: Path) -> list[str]:
    return [
        f"error: docs/assets/partners.csv: {PRIVATE}a link to recipients-march.csv, a recipients list",
        f"error: docs/assets/recipients-copy.csv: {PRIVATE}a recipients list",
        f"error: docs/assets/unsubscribed.txt: {PRIVATE}a link to newsletters/suppressed.csv, the suppression list",
        f"error: docs/elsewhere: {INSIDE}a link to {outside}",
        f"error: docs/journal: {PRIVATE}a link to newsletters/.sends, personal data from the send records or the "
        "outbox",
        f"error: docs/mail: {PRIVATE}a link to outbox, personal data from the send records or the outbox",
        f"error: docs/passwd.txt: {INSIDE}a link to /etc/passwd",
        f"error: docs/stolen.md: {INSIDE}a link to {outside / 'page.md'}",
        f"error: overrides/assets/theme.css: {INSIDE}a link to /etc/passwd",
    ]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path]:
    """A built project, then links out of it and to its personal data: (project, the outside folder)."""
    root = tmp_path_factory.mktemp("boundary")
    outside = root / "outside"
    outside.mkdir()
    (outside / "page.md").write_text(f"---\ntitle: Outside\ntype: page\n---\n\n{SECRET}\n")
    (outside / "photo.png").write_bytes(SECRET.encode())
    project = copy_project(FIXTURES / "newsletter-basic", root / "project")
    built = run_in_process("build", "--quiet", cwd=project)
    assert built.returncode == 0, built.stderr

    (project / "recipients-march.csv").write_text("email,name\npartner@example.org,Pat Partner\n")
    (project / "newsletters" / ".sends").mkdir()
    (project / "newsletters" / ".sends" / "2024-01-winter-update.sqlite").write_bytes(b"journal partner@example.org")
    (project / "newsletters" / "suppressed.csv").write_text("email,reason\ngone@example.org,unsubscribed\n")
    (project / "outbox" / "2024-01-winter-update").mkdir(parents=True)
    (project / "outbox" / "2024-01-winter-update" / "1.eml").write_text("To: partner@example.org\n")
    docs = project / "docs"
    links = {
        docs / "passwd.txt": Path("/etc/passwd"),
        docs / "elsewhere": outside,
        docs / "stolen.md": outside / "page.md",
        docs / "assets" / "partners.csv": Path("../../recipients-march.csv"),
        docs / "assets" / "unsubscribed.txt": Path("../../newsletters/suppressed.csv"),
        docs / "journal": Path("../newsletters/.sends"),
        docs / "mail": Path("../outbox"),
        project / "overrides" / "assets" / "theme.css": Path("/etc/passwd"),
    }
    for link, target in links.items():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    (docs / "assets" / "recipients-copy.csv").write_text("email,name\npartner@example.org,Pat Partner\n")
    return project, outside


def site_text(site: Path) -> str:
    return "\n".join(f.read_text(errors="replace") for f in site.rglob("*") if f.is_file())


def test_build_refuses_every_link_out_of_the_project_and_all_personal_data(hostile):
    project, outside = hostile
    before = sorted(p.relative_to(project / "site") for p in (project / "site").rglob("*"))
    result = run_in_process("build", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    for line in expected_errors(outside):  # the same lines as `protectpress check` prints
        assert f"{line}\n" in result.stderr
    assert "9 errors to fix.\nThe build stopped; site/ was left as it was." in result.stderr
    assert "fault in protectpress" not in result.stderr
    site = project / "site"
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before  # the previous site, untouched
    text = site_text(site)
    for leaked in ("root:x:0:0", SECRET, "partner@example.org", "gone@example.org"):
        assert leaked not in text
    assert not list(project.glob(".site-building-*"))


def test_check_names_the_same_links_as_the_build(hostile):
    project, outside = hostile
    # A real process, so a traceback would show as one: the planted journal is not a database, and `check` once
    # stopped on it with a traceback and exit status 1, which the error count alone could not tell from a plain
    # failure (tests/security/test_sec_input_unreadable.py covers the journal on its own).
    result = run_protectpress("check", cwd=project)
    assert result.returncode == 1
    printed = result.stdout.splitlines()
    assert [line for line in printed if line.startswith("error: ")] == expected_errors(outside)
    # The planted journal is not a database: `check` names it (it once stopped here with a traceback).
    assert ("warning: newsletters/.sends/2024-01-winter-update.sqlite: expected a send record (the SQLite database "
            "protectpress keeps of who was sent what), found a file SQLite cannot read as one (file is not a "
            "database)") in printed
    assert "9 errors to fix, 1 warning." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_serve_stops_before_serving_anything(hostile):
    project, outside = hostile
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = server.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        server.kill()
        output, _ = server.communicate()
        pytest.fail(f"mkdocs serve kept serving a project that links outside itself:\n{output}")
    assert server.returncode != 0
    assert f"  error: docs/passwd.txt: {INSIDE}a link to /etc/passwd\n" in output
    assert f"  error: docs/elsewhere: {INSIDE}a link to {outside}\n" in output


def test_newsletter_linked_from_outside_is_refused(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    outside = tmp_path / "elsewhere.md"
    letter = (project / "newsletters" / "2024-01-winter-update.md").read_text()
    outside.write_text(letter.replace("2024-01-15", "2024-01-30"))
    (project / "newsletters" / "2024-01-borrowed.md").symlink_to(outside)
    result = run_in_process("check", cwd=project)
    assert result.returncode == 1
    assert f"error: newsletters/2024-01-borrowed.md: {INSIDE}a link to {outside}" in result.stdout.splitlines()
    exported = run_in_process("export", "2024-01-borrowed", "--out", str(tmp_path / "out"), cwd=project)
    assert exported.returncode == 1
    assert not (tmp_path / "out" / "email.html").exists()


def test_links_that_stay_inside_the_project_are_still_published(tmp_path):
    """The rule refuses where a link leads, not links: shared images kept beside docs/ still work."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    (project / "shared").mkdir()
    (project / "shared" / "map.png").write_bytes(b"\x89PNG shared map")
    (project / "docs" / "shared").symlink_to(Path("../shared"))
    result = run_in_process("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "shared" / "map.png").read_bytes() == b"\x89PNG shared map"


def test_a_docs_folder_that_is_itself_a_link_out_of_the_project_is_refused(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    (project / "docs").rename(elsewhere)
    (project / "docs").symlink_to(elsewhere)
    result = run_in_process("check", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == f"error: docs: {INSIDE}a link to {elsewhere}"


def test_a_hard_link_to_personal_data_is_refused_and_not_published(tmp_path):
    """A hard link is the same file under a second name: one in docs/ to the suppression list, a journal or a
    recipients list would publish it as it stands, and follow every later change to it."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    suppressed = project / "newsletters" / "suppressed.csv"
    suppressed.write_text("email\nsomeone@example.org\n", encoding="utf-8")
    journal = project / "newsletters" / ".sends" / "2024-01-winter-update.jsonl"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text('{"to": "someone@example.org"}\n', encoding="utf-8")
    recipients = project / "lists" / "recipients-march.csv"
    recipients.parent.mkdir()
    recipients.write_text("email\nsomeone@example.org\n", encoding="utf-8")
    assets = project / "docs" / "assets"
    assets.mkdir(exist_ok=True)
    for name, target in (("unsubscribed.txt", suppressed), ("log.txt", journal), ("partners.txt", recipients)):
        os.link(target, assets / name)

    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 1
    for name, shown, kind in (
        ("unsubscribed.txt", "newsletters/suppressed.csv", "the suppression list"),
        ("log.txt", "newsletters/.sends/2024-01-winter-update.jsonl", "personal data from the send records or "
         "the outbox"),
        ("partners.txt", "lists/recipients-march.csv", "a recipients list"),
    ):
        assert f"error: docs/assets/{name}: {PRIVATE}a hard link to {shown}, {kind}" in result.stderr, result.stderr
    assert not (project / "site").exists()
    checked = run_in_process("check", cwd=project)
    assert checked.returncode == 1 and "a hard link to newsletters/suppressed.csv" in checked.stdout


def test_any_hard_link_is_refused_like_a_link_out_of_the_project(tmp_path):
    """Issue 28: nothing tells where a hard link's other name is, so a file under docs/ with two names is refused
    whether the other is outside the project (a copy of a secret elsewhere on the machine) or inside it.
    (Issue 11 allowed one to an ordinary file of the project; a file outside looks no different.)"""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    outside = tmp_path / "elsewhere" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text(SECRET, encoding="utf-8")
    os.link(outside, project / "docs" / "assets" / "notes.txt")
    shared = project / "shared-plan.txt"
    shared.write_text("floor plan", encoding="utf-8")
    os.link(shared, project / "docs" / "assets" / "plan.txt")
    for command in ("check", "build"):
        result = run_in_process(command, cwd=project)
        assert result.returncode == 1
        output = result.stdout + result.stderr
        for name in ("notes.txt", "plan.txt"):
            assert (f"error: docs/assets/{name}: {INSIDE}a hard link (the same file under 2 names, one of which may "
                    "be outside the project): copy the file instead") in output, output
    assert not (project / "site").exists()


def test_a_project_without_hard_links_is_not_searched_for_them(tmp_path):
    """Looking for what a hard link names walks the whole project: only a file with a second name starts it (a
    folder always has several names, `.` and its children's `..`)."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    boundary = ProjectBoundary.around(project)
    assert boundary.refusal(project / "docs") is None
    assert boundary.files_under(project / "docs", "docs", Problems())
    assert "_private_inodes" not in vars(boundary)
