"""The preview's quick rebuild (mkdocs_plugins/preview_rebuild.py) reads a saved page itself, without the whole
build's boundary check: a page swapped for a link to a file outside the project, with the same front matter (so
that it looks like a body-only edit), must still be refused by name and its text never served."""

from __future__ import annotations

from support import FIXTURES, PROTECTPRESS, copy_project, http_answer, running, wait_until

SECRET = "OUTSIDE-SECRET-91c4"
PAGE = "docs/guidance/lockdown.md"
INSIDE = "Expected a file or folder inside the project (a link that leads out of the project folder is never published)"


fetch = http_answer


def test_a_page_swapped_for_a_link_out_of_the_project_is_refused_not_served(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    page = project / PAGE
    outside = tmp_path / "outside.md"
    outside.write_text(page.read_text(encoding="utf-8") + f"\n{SECRET}\n", encoding="utf-8")
    with running([*PROTECTPRESS, "serve", "--port", "{port}"], cwd=project, log=tmp_path / "serve.log",
                 ready=lambda service: fetch(service.url)[0] == 200) as service:
        url = service.url + "guidance/lockdown/"
        page.unlink()
        page.symlink_to(outside)
        shown = wait_until(lambda: (answer := fetch(url))[0] == 503 and answer[1], seconds=90,
                           what="the problems page for a page linked out of the project", output=service.output)
        assert "<strong>docs/guidance/lockdown.md</strong><br>" + INSIDE in shown
        for _ in range(10):  # and it stays so: no later rebuild serves the outside file
            assert SECRET not in fetch(url)[1]
    assert SECRET not in service.output()
