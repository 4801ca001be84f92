"""Search indexing as part of `protectpress build`: inside the atomic build, and what a page's record holds."""

from __future__ import annotations

import datetime as dt
import re

from protectpress.core.content.model import ActionCard
from protectpress.core.foundation.config import Vocabulary
from protectpress.core.site.search import record_for
from search_index import indexed_pages
from support import FIXTURES, copy_project, run_protectpress, snapshot


def test_a_failed_indexing_leaves_the_previous_site_in_place(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    first = run_protectpress("build", cwd=project)
    assert first.returncode == 0, first.stderr
    assert re.search(r"^Indexed \d+ pages for search in [\d.]+ s$", first.stdout, re.M), first.stdout
    before = snapshot(project / "site")
    assert "/action-cards/parcels/" in indexed_pages(project / "site")

    # Pagefind reads pagefind.yml from the folder it runs in: a broken one makes it fail for real.
    (project / "pagefind.yml").write_text("exclude_selectors: [\n", encoding="utf-8")
    (project / "docs" / "guidance" / "new.md").write_text(
        "---\ntitle: New\ntype: guidance\nsummary: New.\ndate: 2024-05-01\n---\n\nNew text.\n", encoding="utf-8")
    failed = run_protectpress("build", cwd=project)

    assert failed.returncode == 1
    assert "the search indexer (Pagefind) failed" in failed.stderr and "pagefind" in failed.stderr.lower()
    assert "site/ was left as it was" in failed.stderr and "Traceback" not in failed.stderr
    assert snapshot(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_a_record_names_labels_and_puts_an_all_sectors_page_under_every_sector():
    vocabulary = Vocabulary(tags={"suspicious-items": "Suspicious items"},
                            sectors={"all": "All sectors", "retail": "Retail", "sport": "Sport"})
    day = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    card = ActionCard(src_uri="action-cards/x.md", path="docs/action-cards/x.md", title="X", summary="X.",
                      date=day, updated=None, review_by=None, tags=("suspicious-items",), sectors=("all",),
                      image=None, image_alt=None, draft=False, body="", body_line=1)
    record = record_for(card, vocabulary)
    assert record.type_label == "Action card" and record.topics == ("Suspicious items",)
    assert record.sectors == ("All sectors", "Retail", "Sport")
    assert (record.date_iso, record.date_label) == ("2024-03-01", "1 March 2024")
    # A result names what the page says: "All sectors" once, not every sector it is found under.
    assert (record.topics_label, record.sectors_label) == ("Suspicious items", "All sectors")
    retail_only = record_for(ActionCard(**{**card.__dict__, "sectors": ("sport", "retail", "retail")}), vocabulary)
    assert retail_only.sectors == ("Retail", "Sport") and retail_only.sectors_label == "Retail, Sport"
