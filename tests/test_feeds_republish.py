"""The preview's quick feeds (core/feeds/publish.py `republish_feeds`): after a save that changed one page's
body, the feeds that carry it are written byte for byte as a whole publish of the changed entries writes them,
the feeds that do not carry it are left alone, and only the changed entry is cleaned again."""

import dataclasses

import pytest

from protectpress.core.feeds import PublishedFeeds, publish_feeds, republish_feeds
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.dependents import Carries, Dependents
from protectpress.core.foundation.problems import Problems
from support import FIXTURES
from test_feeds_core import entry


@pytest.fixture(scope="module")
def settings():
    return load_settings(FIXTURES / "feeds-mixed" / "mkdocs.yml")


def test_the_feeds_that_carry_an_edited_body_are_written_as_a_whole_publish_writes_them(settings):
    entries = [entry("alpha", published="2024-01-03", tags=("suspicious-items",), sectors=("retail",)),
               entry("beta", published="2024-01-02", tags=("martyns-law",), sectors=("hospitality",)),
               entry("gamma", kind="guidance", published="2024-01-01", tags=("martyns-law",), sectors=("all",))]
    kept = PublishedFeeds()
    before = publish_feeds(entries, settings, Problems(), kept=kept)
    edited = [dataclasses.replace(e, content_html="<p>New words</p>") if e.id == entries[1].id else e
              for e in entries]
    whole = publish_feeds(edited, settings, Problems())
    cleaned_before = dict(kept.cleaned)
    quick = republish_feeds(kept, {entries[1].id: "<p>New words</p>"}, settings, Problems())
    assert quick, "the edited entry is in some feed"
    assert all("New words" in data.decode("utf-8") for data in quick.values())
    for path, data in quick.items():
        assert data == whole[path], path  # what a whole build would write
    untouched = set(before) - set(quick)
    assert untouched and all(before[path] == whole[path] for path in untouched)  # none of these carries it
    changed = {entry_id for entry_id, pair in kept.cleaned.items() if pair is not cleaned_before.get(entry_id)}
    assert changed == {entries[1].id}, "only the edited entry is cleaned again"


def test_what_a_page_reaches_keeps_the_larger_dependence():
    dependents = Dependents()
    dependents.record(["news/a.md", "news/b.md"], "topics/x.md", Carries.FRONT_MATTER)
    dependents.record(["news/a.md"], "feeds/", Carries.BODY)
    dependents.record(["news/a.md"], "feeds/", Carries.FRONT_MATTER)  # a second record does not lessen it
    assert dependents.of("news/a.md") == {"topics/x.md": Carries.FRONT_MATTER, "feeds/": Carries.BODY}
    assert dependents.carrying_body("news/a.md") == {"feeds/"}
    assert dependents.carrying_body("news/b.md") == frozenset()
    assert dependents.of("news/c.md") == {}
