"""Generated lists go into a page after Markdown (core/foundation/generated.py): the page reads exactly as if
Markdown had passed the lists through, and no author's text can stand in for one."""

from __future__ import annotations

import datetime as dt

from protectpress.core.foundation.generated import set_aside_lists
from support import FIXTURES, at, copy_project, run_in_process

LISTING = """## Guidance

<ul class="pp-listing" data-pagefind-ignore>
<li><a href="../../guidance/a/">A &lt;b&gt;</a></li>
</ul>

## News

<ul class="pp-listing" data-pagefind-ignore>
<li><a href="../../news/b/">B</a></li>
</ul>
"""


def test_each_list_is_set_aside_and_put_back_in_place():
    aside = set_aside_lists(LISTING, "t0k3n")
    assert "<ul" not in aside.markdown and aside.markdown.count("<!--protectpress:t0k3n:") == 2
    rendered = aside.markdown.replace("## Guidance", "<h2>Guidance</h2>").replace("## News", "<h2>News</h2>")
    html, missing = aside.put_back(rendered)
    assert missing == []
    assert html == LISTING.replace("## Guidance", "<h2>Guidance</h2>").replace("## News", "<h2>News</h2>")


def test_a_list_whose_placeholder_did_not_come_through_is_named_missing():
    aside = set_aside_lists(LISTING, "t0k3n")
    first = next(iter(aside.lists))
    html, missing = aside.put_back(aside.markdown.replace(first, ""))
    assert missing == [first] and html.count('<ul class="pp-listing"') == 1


def test_an_authors_comment_that_looks_like_a_placeholder_stays_a_comment(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    home = project / "docs" / "index.md"
    fake = "<!--protectpress:00000000000000000000000000000000:0-->"
    home.write_text(home.read_text(encoding="utf-8") + f"\n\n{fake}\n", encoding="utf-8")
    done = run_in_process("build", "--quiet", cwd=project, env=at(dt.datetime(2026, 11, 30, tzinfo=dt.UTC)))
    assert done.returncode == 0, done.stderr
    built = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert fake in built  # left as the author wrote it
    assert built.count('<ul class="pp-type-cards"') == 1 and built.count('<ul class="pp-listing"') == 1
    assert "<!--protectpress:" not in built.replace(fake, "")  # every generated list was put in
    topic = next((project / "site" / "topics").glob("*/index.html"))
    assert '<ul class="pp-listing"' in topic.read_text(encoding="utf-8")
