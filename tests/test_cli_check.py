"""`protectpress check` as comms staff run it: its exit status and every line it prints. Most run the command in
the test's process (tests/support.py run_in_process); the first and the missing mkdocs.yml run a real process, so a
traceback reaching comms staff is ruled out where they would see it."""

import json

from support import FIXTURES, copy_project, run_in_process, run_protectpress

BROKEN_PAGES = {
    "docs/guidance/pals.md": "---\ntitle: PALs\ntype: guidance\nsummary: About PALs.\ndate: 30/03/2023\n---\nBody\n",
    "docs/guidance/law.md": "---\ntitle: Law\ntype: guidance\nsummary: About the law.\ndate: 2023-03-30\n"
                            "sectors: [farming]\n---\nBody\n",
    "docs/news/story.md": "No front matter here\n",
    "docs/index.md": "---\ntitle: Home\ntype: page\n---\nWelcome\n",
}
CONFIG = """site_name: Check fixture
site_url: https://check.example.org/
theme:
  name: material
plugins:
  - protectpress:
      vocabulary:
        tags: [Training]
        sectors: [Retail]
"""


def write_project(root, pages=BROKEN_PAGES, config=CONFIG):
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def test_check_lists_every_problem_in_one_run(tmp_path):
    project = write_project(tmp_path)
    result = run_protectpress("check", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "error: docs/guidance/law.md:6: sectors: expected a sector from the vocabulary (all, retail), found 'farming'",
        "error: docs/guidance/pals.md:5: date: expected a date like 2023-03-30, found '30/03/2023'",
        "error: docs/news/story.md:1: expected front matter: a first line '---', then YAML keys, then '---', "
        "found 'No front matter here'",
        "3 errors to fix.",
    ]
    assert "Traceback" not in result.stderr


def test_check_json_format(tmp_path):
    result = run_in_process("check", "--format", "json", cwd=write_project(tmp_path))
    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    assert len(problems) == 3
    assert set(problems[0]) == {"path", "line", "key", "expected", "found", "severity"}
    date = next(p for p in problems if p["key"] == "date")
    # Each field its value alone: the words the text line reads with ("expected", quotes) are not in the JSON.
    assert date == {"path": "docs/guidance/pals.md", "line": 5, "key": "date",
                    "expected": "a date like 2023-03-30", "found": "30/03/2023", "severity": "error"}
    assert not [p for p in problems if p["expected"].startswith("expected ")
                or (p["found"] or "").startswith(("found ", "'"))]
    front_matter = next(p for p in problems if p["path"] == "docs/news/story.md")
    assert front_matter["expected"].startswith("front matter: a first line '---'")
    assert front_matter["found"] == "No front matter here"


def test_check_passes_with_a_one_line_summary(tmp_path):
    pages = {"docs/index.md": BROKEN_PAGES["docs/index.md"]}
    result = run_in_process("check", cwd=write_project(tmp_path, pages))
    assert result.returncode == 0
    assert result.stdout.strip() == "No problems found in 2 pages."  # the home page and the generated Subscribe page


def test_check_finds_mkdocs_yml_in_a_parent_folder(tmp_path):
    project = write_project(tmp_path)
    result = run_in_process("check", cwd=project / "docs" / "guidance")
    assert result.returncode == 1 and "docs/guidance/pals.md" in result.stdout


def test_config_problems_exit_2_without_a_traceback(tmp_path):
    # strict_review was accepted once and never read: a project that still sets it hears so, like any unknown key.
    project = write_project(tmp_path, config=CONFIG.replace("vocabulary:", "vocabulary:\n        colours: [red]\n"
                                                            "      feedz: {}\n      strict_review: true\n"
                                                            "      x_vocabulary:"))
    result = run_in_process("check", cwd=project)
    assert result.returncode == 2
    for unknown in ("feedz", "strict_review"):
        assert (
            "plugins.protectpress: expected one of enabled, vocabulary, feeds, newsletter, sending, offline, brand, "
            f"found '{unknown}'"
            in result.stderr
        )
    assert "Traceback" not in result.stderr


def test_a_misspelt_site_url_is_pointed_out(tmp_path):
    """`site_ulr:` was reported as site_url "found nothing", with no word of the key that was there."""
    project = write_project(tmp_path, config=CONFIG.replace("site_url:", "site_ulr:"))
    result = run_in_process("check", cwd=project)
    assert result.returncode == 2
    assert ("mkdocs.yml: site_url: expected the site's address like https://example.org/ (every feed, email and "
            "published address is made from it), found nothing (but there is a key site_ulr: is it a slip for "
            "site_url?)") in result.stderr
    unrelated = write_project(tmp_path, config=CONFIG.replace("site_url: https://check.example.org/\n", ""))
    assert "found nothing\n" in run_in_process("check", cwd=unrelated).stderr


def test_missing_config_exits_2(tmp_path):
    result = run_protectpress("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "no mkdocs.yml in" in result.stderr and "Traceback" not in result.stderr


def test_config_tolerates_env_and_python_name_tags(tmp_path, monkeypatch):
    config = CONFIG.replace(
        "site_url: https://check.example.org/", "site_url: !ENV [PP_TEST_SITE_URL, 'https://fallback.example.org/']"
    ) + (
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: "
        "!!python/name:material.extensions.emoji.twemoji\n"
    )
    project = write_project(tmp_path, {"docs/index.md": BROKEN_PAGES["docs/index.md"]}, config)
    result = run_in_process("check", cwd=project, env={"PP_TEST_SITE_URL": "https://env.example.org/"})
    assert result.returncode == 0, result.stderr
    from protectpress.core.foundation.config import load_settings

    monkeypatch.setenv("PP_TEST_SITE_URL", "https://env.example.org/")
    assert load_settings(project / "mkdocs.yml").site_url == "https://env.example.org/"
    monkeypatch.delenv("PP_TEST_SITE_URL")
    assert load_settings(project / "mkdocs.yml").site_url == "https://fallback.example.org/"


ONE_CLICK = ("Before sending to a list: no one-click unsubscribe (unsubscribe_url is not set in mkdocs.yml): these "
             "emails carry no List-Unsubscribe-Post header, which Gmail and Yahoo require from bulk senders, so they "
             "may be filtered as spam. See 'Unsubscribes' in handbook/sending.md.")


def test_check_notes_a_newsletter_project_without_one_click_unsubscribe(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    result = run_in_process("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr  # a note, never a block
    assert ONE_CLICK in result.stdout.splitlines()
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      sending:\n", "      sending:\n        unsubscribe_url: https://news.example.org/unsubscribe/\n", 1),
        encoding="utf-8")
    result = run_in_process("check", cwd=project, env={"PROTECTPRESS_UNSUBSCRIBE_SECRET": "s" * 32})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "one-click" not in result.stdout


def test_a_yaml_slip_is_explained_and_the_rest_of_the_page_still_checked(tmp_path):
    page = ("---\ntitle: Law\n  summary: About the law.\ntype: guidance\ndate: 2023-03-30\nsectors: [farming]\n"
            "changes:\n  - date: 2023-04-01\n    note: Added advice on routes: vehicles\n---\n\n![](/assets/x.png)\n")
    project = write_project(tmp_path, {"docs/index.md": BROKEN_PAGES["docs/index.md"], "docs/guidance/law.md": page})
    result = run_in_process("check", cwd=project)
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("error: ")] == [
        "error: docs/guidance/law.md:3: expected valid YAML front matter: each key at the start of its line, with no "
        "spaces before it (only the lines under a key such as changes: are indented), found 'summary: About the law.'",
        "error: docs/guidance/law.md:6: sectors: expected a sector from the vocabulary (all, retail), found 'farming'",
        "error: docs/guidance/law.md:9: expected valid YAML front matter: quotes around a value that has a colon in "
        "it, like title: \"Martyn's Law: what it means\", found 'note: Added advice on routes: vehicles'",
        # The body is checked too, as it is built: its image has no alt text, and is not there.
        "error: docs/guidance/law.md:12: expected alt text for every image, like ![What it shows]"
        "(/assets/images/photo.jpg) (or alt=\"\" for a purely decorative HTML image), found an image with none: "
        "'/assets/x.png'",
        "error: docs/guidance/law.md:12: expected an image that exists (docs/assets/x.png does not exist), found "
        "'/assets/x.png'",
    ]
