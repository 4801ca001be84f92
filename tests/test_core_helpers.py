"""The one-home helpers every channel shares: site links, dates, slugs and the sanitiser."""

import datetime as dt

import pytest

from protectpress.core.foundation.dates import DateError, human, iso_day, parse_date
from protectpress.core.foundation.links import SiteLinks
from protectpress.core.foundation.slugs import slugify
from protectpress.core.judge.sanitise import find_active_content, sanitise_html

SITE = SiteLinks("https://example.org/guides")


@pytest.mark.parametrize("target, from_src, expected", [
    ("/guidance/pals.md#scope", "news/story.md", "https://example.org/guides/guidance/pals/#scope"),
    ("pals.md", "guidance/law.md", "https://example.org/guides/guidance/pals/"),
    ("../action-cards/index.md", "guidance/law.md", "https://example.org/guides/action-cards/"),
    ("/index.md", "guidance/law.md", "https://example.org/guides/"),
    ("#what-to-do", "guidance/law.md", "https://example.org/guides/guidance/law/#what-to-do"),
    ("../img/logo.png", "guidance/law.md", "https://example.org/guides/img/logo.png"),
    ("/../../escape.md", "index.md", "https://example.org/guides/escape/"),
    ("https://www.gov.uk/", "index.md", "https://www.gov.uk/"),
    ("mailto:team@example.org", "index.md", "mailto:team@example.org"),
    ("tel:999", "index.md", "tel:999"),
])
def test_markdown_links_become_absolute_page_urls(target, from_src, expected):
    assert SITE.absolute(target, from_src=from_src) == expected


def test_rendered_links_resolve_against_the_page_url():
    assert SITE.absolute("../pals/#scope", from_url="guidance/law/") == "https://example.org/guides/guidance/pals/#scope"
    assert SITE.absolute("img/x.png", from_url="guidance/law/") == "https://example.org/guides/guidance/law/img/x.png"


def test_page_urls_without_directory_urls():
    flat = SiteLinks("https://example.org/", use_directory_urls=False)
    assert flat.page_url("guidance/pals.md") == "https://example.org/guidance/pals.html"
    assert flat.page_url("guidance/index.md") == "https://example.org/guidance/"
    assert SITE.source_of_link("../news/a.md#x", from_src="guidance/b.md") == "news/a.md"
    assert SITE.source_of_link("https://x.org/a.md", from_src="guidance/b.md") is None


@pytest.mark.parametrize("value", [dt.date(2023, 3, 30), "2023-03-30", " 2023-03-30 ", dt.datetime(2023, 3, 30)])
def test_a_date_means_midnight_utc(value):
    assert parse_date(value) == dt.datetime(2023, 3, 30, tzinfo=dt.UTC)


def test_aware_datetimes_are_converted_to_utc():
    summer = dt.datetime(2023, 6, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert parse_date(summer) == dt.datetime(2023, 6, 1, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["30/03/2023", "2023-02-30", "", None, 20230330, True, ["2023-03-30"]])
def test_anything_else_is_not_a_date(value):
    with pytest.raises(DateError, match="expected a date like 2023-03-30"):
        parse_date(value)


def test_human_dates_read_the_gov_uk_way():
    assert human(parse_date("2023-03-01")) == "1 March 2023"


def test_a_days_text_is_its_own_day_in_its_own_zone():
    # Two moments equal in time (so equal as keys) that fall on different days where each was written: each keeps
    # its own day, although each day's text is made once.
    late = dt.datetime(2023, 3, 30, 23, 30, tzinfo=dt.UTC)
    early = late.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert late == early and hash(late) == hash(early)
    assert (human(late), human(early)) == ("30 March 2023", "31 March 2023")
    assert (iso_day(late), iso_day(early)) == ("2023-03-30", "2023-03-31")
    assert iso_day(dt.date(2023, 1, 5)) == "2023-01-05"
    assert iso_day(dt.date(999, 1, 5)) == f"{dt.date(999, 1, 5):%Y}-01-05"  # strftime's way with short years


@pytest.mark.parametrize("text, slug", [
    ("Night-time economy", "night-time-economy"), ("Martyn's Law", "martyns-law"), ("Martyn’s Law", "martyns-law"),
    ("  Sport & Leisure!  ", "sport-leisure"), ("Ŵyl Fawr", "wyl-fawr"), ("2023-03 Security", "2023-03-security"),
])
def test_slugs(text, slug):
    assert slugify(text) == slug


def test_sanitiser_removes_active_content_and_says_what():
    result = sanitise_html(
        '<p onclick="steal()">Hi <a href=" JaVa&#09;Script:alert(1)">x</a></p><script>bad()</script>'
        '<iframe src="https://evil.example"></iframe><img src="data:image/png;base64,AAAA" alt="a">'
        '<form action="/x"><input name=q></form><a href="https://ok.example/">ok</a>')
    assert "script" not in result.html.lower() and "bad()" not in result.html
    assert "iframe" not in result.html and "onclick" not in result.html and "data:" not in result.html
    assert "<form" not in result.html and "<input" not in result.html
    assert '<a href="https://ok.example/">ok</a>' in result.html
    assert result.removed == [
        "an event handler onclick= on <p>", "a javascript: URL in href= on <a>", "a <script> element",
        "an <iframe> element", "a data: URL in src= on <img>", "a <form> element"]


def test_judge_remembers_findings_by_content_and_judges_a_lead_apart():
    # Judged twice (a page, then the feed that carries it): the same findings both times, and a caller that
    # changes the list it got back cannot change what the next caller is told.
    body = '<p>Body</p><a href="javascript:alert(1)">x</a>'
    first = find_active_content(body)
    first.clear()
    assert [f.description for f in find_active_content(body)] == ["a javascript: URL in href= on <a>"]
    assert find_active_content(body + " ") == find_active_content(body)  # a new text is judged, not looked up
    # A feed's lines above the body: both judged, the joined text cleaned.
    result = sanitise_html(body, lead=('<p onclick="x()">Updated</p>\n',))
    assert result.removed == ["an event handler onclick= on <p>", "a javascript: URL in href= on <a>"]
    assert result.html.startswith("<p>Updated</p>") and "javascript" not in result.html


def test_sanitiser_keeps_text_exactly():
    text = "<p>Caf&eacute; &amp; bar &lt;3 &quot;quoted&quot; ŵ ŷ 😀</p>"
    result = sanitise_html(text)
    assert result.removed == []
    assert "ŵ ŷ 😀" in result.html and "&amp; bar &lt;3" in result.html and "Café" in result.html


def test_sanitiser_keeps_tables_and_headings():
    html = (
        '<h2 id="a">A</h2><table><thead><tr><th scope="col">Time</th></tr></thead>'
        "<tbody><tr><td>10:30</td></tr></tbody></table>"
    )
    assert sanitise_html(html).html == html


def test_generated_front_matter_and_text_survive_awkward_labels():
    from protectpress.core.foundation.frontmatter import split_front_matter
    from protectpress.core.foundation.generated import escape_markdown, front_matter

    label = 'Back\\slash "quoted": [x] <b>*bold*</b> ŵ'
    parsed = split_front_matter(front_matter(title=label, type="page") + "body\n")
    assert parsed.data == {"title": label, "type": "page"}
    assert escape_markdown(label) == 'Back\\\\slash "quoted": \\[x\\] &lt;b>\\*bold\\*&lt;/b> ŵ'
