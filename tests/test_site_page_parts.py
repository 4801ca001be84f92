"""The site's page parts in the core, without MkDocs: the navigation's order, the facts templates show about a
page (escaped once), the preview's banner, a page's contents list and the escaping of front-matter meta."""

import datetime as dt

from markupsafe import Markup

from protectpress.core.content.items import ActionCard, Guidance, Page
from protectpress.core.foundation.buildcache import BuildMemory
from protectpress.core.foundation.config import load_settings
from protectpress.core.site.meta import safe_meta
from protectpress.core.site.navigation import NAV_LAST, NAV_ORDER, nav_rank, section_rank
from protectpress.core.site.page_facts import breakable_address, contents, page_facts, preview_status
from protectpress.core.site.theme_css import asks_for_toggle
from support import REPO

UTC = dt.UTC


def _item(cls=Guidance, **changes):
    values = dict(src_uri="guidance/x.md", path="docs/guidance/x.md", title="X", summary="A <b>bold</b> claim & more.",
                  date=dt.datetime(2026, 1, 2, tzinfo=UTC), updated=None, review_by=None, tags=("pals",),
                  sectors=("retail",), image=None, image_alt=None, draft=False, body="Words.\n", body_line=5)
    values.update(changes)
    return cls(**values)


def test_the_top_of_the_navigation_follows_the_kinds_then_the_service_pages_last():
    keys = ["privacy.md", "zzz-unknown", "news", "index.md", "accessibility.md", "guidance", "about.md"]
    ordered = sorted(keys, key=nav_rank)
    assert ordered == ["index.md", "guidance", "news", "about.md", "zzz-unknown", "accessibility.md", "privacy.md"]
    assert NAV_ORDER[0] == "index.md" and NAV_LAST[-1] == "privacy.md"


def test_a_section_lists_its_index_then_ranked_pages_then_the_rest_in_their_order():
    ranks = {"guidance/b.md": 0, "guidance/a.md": 1}
    entries = ["guidance/c.md", None, "guidance/a.md", "guidance/index.md", "guidance/b.md", "guidance/d.md"]
    ordered = sorted(entries, key=lambda src: section_rank(src, ranks))
    assert ordered == ["guidance/index.md", "guidance/b.md", "guidance/a.md", "guidance/c.md", None, "guidance/d.md"]


def test_page_facts_are_escaped_once_and_link_only_terms_with_a_listing():
    settings = load_settings(REPO / "mkdocs.yml")
    item = _item(updated=dt.datetime(2026, 2, 3, tzinfo=UTC))
    facts = page_facts(item, settings, {"topics/pals.md"}, BuildMemory(None))
    assert facts["summary"] == "A &lt;b&gt;bold&lt;/b&gt; claim &amp; more."
    assert facts["kind"] == "guidance" and facts["kind_label"] == "Guidance" and facts["folder"] == "guidance"
    assert facts["published_iso"] == "2026-01-02" and facts["updated_iso"] == "2026-02-03"
    assert facts["tags"] == [{"label": "Publicly Accessible Locations", "path": "topics/pals/",
                              "href": "../../topics/pals/"}]
    assert facts["sectors"][0]["path"] is None  # no listing page for it in this build
    assert facts["printed"] is None


def test_a_printed_card_gets_its_qr_code_and_the_live_address():
    settings = load_settings(REPO / "mkdocs.yml")
    card = _item(ActionCard, src_uri="action-cards/x.md", path="docs/action-cards/x.md")
    printed = page_facts(card, settings, set(), BuildMemory(None))["printed"]
    assert printed["address"] == settings.links.page_url("action-cards/x.md")
    # Printed, the address may break after a slash, never inside https:// or a word (break-all cut words anywhere).
    site = settings.links.page_url("index.md").removeprefix("https://").rstrip("/")
    assert printed["address_lines"] == f"https://{site.replace('/', '/<wbr>')}/<wbr>action-cards/<wbr>x/<wbr>"
    assert str(breakable_address("https://e.org/a&b/<c>")) == "https://e.org/<wbr>a&amp;b/<wbr>&lt;c&gt;"
    assert printed["qr_svg"].startswith("<svg") and printed["last_updated_iso"] == "2026-01-02"
    assert printed["date_label"] == "Published"  # never updated: "Last updated" with its first date misled
    updated = _item(ActionCard, src_uri="action-cards/x.md", path="docs/action-cards/x.md",
                    updated=dt.datetime(2026, 2, 3, tzinfo=UTC))
    printed = page_facts(updated, settings, set(), BuildMemory(None))["printed"]
    assert (printed["date_label"], printed["last_updated_iso"]) == ("Last updated", "2026-02-03")


def test_the_preview_banner_says_draft_or_when_a_page_goes_live():
    now = dt.datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert preview_status(_item(), now) is None
    assert preview_status(_item(draft=True), now)["kind"] == "draft"
    later = _item(publish_at=dt.datetime(2030, 5, 1, 9, 0, tzinfo=UTC), scheduled=True)
    status = preview_status(later, now)
    assert status["kind"] == "scheduled" and "2030" in status["text"]
    assert preview_status(later, dt.datetime(2030, 5, 1, 9, 0, tzinfo=UTC)) is None  # its moment has come


def test_contents_only_for_long_guidance_and_newsletters_unless_hidden():
    headings = [(2, f"Part {n}", f"#part-{n}") for n in range(6)] + [(3, "Detail", "#detail")]
    sections = contents("guidance/x.md", _item(), None, headings)
    assert sections is not None and [s["title"] for s in sections] == [f"Part {n}" for n in range(6)]
    assert contents("guidance/x.md", _item(), ["toc"], headings) is None
    assert contents("about.md", _item(Page, src_uri="about.md"), None, headings) is None
    assert contents("guidance/x.md", _item(), None, headings[:1]) is None  # too short to need one
    assert contents("newsletters/2026-01.md", None, None, headings) is not None
    assert contents("newsletters/index.md", None, None, headings) is None  # the archive


def test_meta_texts_become_safe_html_but_names_stay_names():
    meta = safe_meta({"title": "<script>x</script>", "tags": ["a&b"], "template": "main.html", "draft": True,
                      "hide": ["toc"]})
    assert meta["title"] == Markup("&lt;script&gt;x&lt;/script&gt;")
    assert meta["tags"] == [Markup("a&amp;b")]
    assert meta["template"] == "main.html" and not isinstance(meta["template"], Markup)
    assert meta["hide"] == ["toc"] and meta["draft"] is True


def test_the_palette_toggle_is_asked_for_only_by_a_toggle_entry():
    assert not asks_for_toggle(None)
    assert not asks_for_toggle({"scheme": "default"})
    assert asks_for_toggle([{"scheme": "default", "toggle": {"icon": "x"}}, {"scheme": "slate"}])


def test_facts_read_in_a_template_exactly_as_a_plain_dict_reads():
    # Facts (page_facts.py) gives a key as an attribute only where Jinja would have fallen back to the key: a
    # dict's own attribute wins (`items`), and a missing key is undefined, as with a plain dict.
    from jinja2 import Environment

    from protectpress.core.site.page_facts import Facts

    template = Environment().from_string(
        "{{ f.kind }}|{{ f.items is callable }}|{{ f.missing is defined }}|{{ f.missing | d('none') }}|"
        "{{ f.nested.label }}|{% for t in f.tags %}{{ t.path }};{% endfor %}|{{ f['kind'] }}")
    values = {"kind": "guidance", "items": "a key named like a method", "nested": {"label": "Topics"},
              "tags": [{"path": "topics/pals/"}, {"path": None}]}
    facts = Facts(values, nested=Facts(values["nested"]), tags=[Facts(tag) for tag in values["tags"]])
    assert template.render(f=facts) == template.render(f=values) == \
        "guidance|True|False|none|Topics|topics/pals/;None;|guidance"
    assert facts == values and not hasattr(facts, "missing")


# The template that printed a page's topics and sectors until the markup was made once in the core (terms_html):
# kept here to show the core's markup is what it printed, on every kind of page and address.
OLD_TERMS_TEMPLATE = """{%- if pp.tags or pp.sectors %}
<dl class="pp-terms" data-pagefind-ignore>
  {%- for group, label in [(pp.tags, "Topics"), (pp.sectors, "Sectors")] if group %}
  <div class="pp-terms__group"><dt>{{ label }}</dt><dd>
    {%- for term in group -%}
      {%- if term.path %}<a href="{{ term.path | url }}">{{ term.label | e }}</a>
      {%- else %}{{ term.label | e }}{% endif %}
      {%- if not loop.last %}, {% endif %}
    {%- endfor -%}
  </dd></div>
  {%- endfor %}
</dl>
{%- endif %}
"""


def test_the_terms_markup_is_what_the_theme_template_printed():
    import dataclasses
    import itertools

    import jinja2
    from mkdocs.structure.files import File
    from mkdocs.utils.templates import url_filter

    environment = jinja2.Environment()  # as MkDocs makes it: no autoescape, the `url` filter relative to the page
    environment.filters["url"] = url_filter
    old = environment.from_string(OLD_TERMS_TEMPLATE)
    base = load_settings(REPO / "mkdocs.yml")
    tags, sectors = list(base.vocabulary.tags), list(base.vocabulary.sectors)
    listed = {f"topics/{tags[0]}.md", f"topics/{tags[2]}.md", f"sectors/{sectors[1]}.md"}
    pages = ["guidance/x.md", "index.md", "guidance/index.md", "news/2026/deep/y.md", "topics/" + tags[0] + ".md"]
    chosen = [(), tags[:1], tags[:3], tags[1:2]]
    compared = 0
    for directory_urls, src_uri, page_tags, page_sectors in itertools.product(
            (True, False), pages, chosen, [(), sectors[:2], sectors[2:3]]):
        settings = dataclasses.replace(base, use_directory_urls=directory_urls)
        item = _item(src_uri=src_uri, path=f"docs/{src_uri}", tags=tuple(page_tags), sectors=tuple(page_sectors))
        facts = page_facts(item, settings, listed, BuildMemory(None))
        page = File(src_uri, "docs", "site", directory_urls)  # MkDocs' own address for the page
        expected = old.render(pp=facts, page=page, base_url=".")
        assert str(facts["terms_html"]) == expected, (directory_urls, src_uri)
        compared += bool(expected)
    assert compared > 50  # most combinations have terms, linked and not
