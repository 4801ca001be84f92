"""The Subscribe page: pick what to follow (everything, a kind of page, a topic or a sector) and copy one address.

Written as Markdown with HTML blocks, so that MkDocs renders and searches it like any other page. Without
JavaScript it is a list of choices in groups (everything, kinds of page, topics, sectors), each with its one RSS
address as text to copy, in a box that wraps anywhere rather than running off a phone's screen.
`pp-subscribe.js` turns the same list into two plain questions (what kind of thing, then which one), RSS
unless the reader opens "Other formats", and a copy button, reading each feed's addresses from the list's
`data-` attributes, so the addresses are made here alone (absolute, by `SiteLinks`). The feed files are
written after the pages, so MkDocs' link check leaves these absolute addresses alone.
"""

from __future__ import annotations

from ..feeds.catalogue import ATOM, FORMATS, JSON_FEED, RSS, Feed
from ..foundation.generated import front_matter
from ..foundation.settings import Settings
from ..foundation.site_paths import SECTORS, SUBSCRIBE_PAGE, TOPICS
from ..foundation.templates import html_text
from .form import signup_section

# The page's script (overrides/assets/javascripts/), loaded only on the page this module generates.
SUBSCRIBE_SCRIPT = "assets/javascripts/pp-subscribe.js"
TITLE = "Subscribe to updates"
SUMMARY = ("Get new and updated guidance, action cards and news in a feed reader: for the whole site, or just "
           "your sector, a topic or one kind of page.")
# The groups a reader chooses between, each named as readers say it: (group, heading, explanation).
_GROUPS = (
    ("types", "Kinds of page", "Just one kind of page, such as new action cards."),
    (TOPICS.folder, "Topics", "Everything about one subject."),
    (SECTORS.folder, "Sectors", "Pages for your sector, including everything meant for all sectors."),
)
# The script reads a feed's address in each format from these attributes of its list item.
_FORMAT_ATTRIBUTES = {RSS: "data-rss", ATOM: "data-atom", JSON_FEED: "data-json"}


def feed_anchor(feed: Feed) -> str:
    """The id of a feed's choice on the Subscribe page: "Get updates about <name>" links to it."""
    return "feed-" + (f"{feed.group}-{feed.slug}" if feed.slug else "everything")


def subscribe_markdown(feeds: list[Feed], settings: Settings) -> str:
    """The whole page, front matter included."""
    return front_matter(title=TITLE, type="page", summary=SUMMARY) + subscribe_body(feeds, settings)


def subscribe_body(feeds: list[Feed], settings: Settings) -> str:
    """The page without its front matter: what a feed is, the email sign-up when there is a service, the
    choices with their addresses, then the how-to."""
    site = next(f for f in feeds if f.group == "site")
    groups = [_group("everything", "Everything", "Every new and updated page, in one feed.",
                     [_choice(site, settings, label="Everything on this site")])]
    for group, heading, explanation in _GROUPS:
        chosen = [f for f in feeds if f.group == group]
        if chosen:
            groups.append(_group(group, heading, explanation, [_choice(f, settings) for f in chosen]))
    # The picker is drawn by the script above the same list; the list stays the one source of addresses.
    choices = ('<div class="pp-subscribe" data-pp-subscribe>\n'
               '<div class="pp-subscribe__picker" data-pp-subscribe-picker hidden></div>\n'
               + "\n".join(groups) + "\n</div>\n")
    # Email sign-up (its own generated block, core/subscriptions/form.py) when mkdocs.yml names the
    # subscriptions service: after the introduction and before the feeds, as most partners want the newsletter.
    signup = signup_section(settings, SUBSCRIBE_PAGE)
    introduction = _INTRODUCTION.format(without=_WITHOUT_VISITING_OR_SIGNING_UP if signup else _WITHOUT_VISITING)
    return "\n".join(part for part in [introduction, signup or _NO_EMAIL, "## Choose what to follow\n", choices,
                                        _HOW_TO, _FORMATS_NOTE] if part)


def _group(key: str, heading: str, explanation: str, items: list[str]) -> str:
    return (f'<section class="pp-subscribe__group" data-pp-feed-group="{html_text(key)}" '
            f'data-pp-feed-heading="{html_text(heading)}">\n'
            f"<h3>{html_text(heading)}</h3>\n<p>{html_text(explanation)}</p>\n"
            '<ul class="pp-feed-list">\n' + "\n".join(items) + "\n</ul>\n</section>")


def _choice(feed: Feed, settings: Settings, label: str | None = None) -> str:
    """One choice: its name, then its RSS address on a line of its own, as text to copy. Not a link: opened in
    a browser a feed is a page of raw XML, which is no use to a reader (their feed reader fetches it)."""
    urls = {f: settings.links.absolute("/" + feed.path(f)) for f in FORMATS}
    name = html_text(label or feed.label)
    formats = " ".join(f'{_FORMAT_ATTRIBUTES[f]}="{html_text(urls[f])}"' for f in FORMATS)
    return (f'<li class="pp-feed-list__item" id="{feed_anchor(feed)}" data-pp-feed="{name}" {formats}>'
            f'<span class="pp-feed-list__name">{name}</span> '
            f'<span class="pp-feed-address"><code>{_breakable(urls[RSS])}</code></span></li>')


def _breakable(url: str) -> str:
    """The address, escaped, with a line-break opportunity after each "/": a narrow screen wraps it between its
    parts ("…/sectors/ retail/rss.xml") before the box's `overflow-wrap: anywhere` has to cut a word."""
    return "/<wbr>".join(html_text(part) for part in url.split("/")).replace("/<wbr>/<wbr>", "//")


_INTRODUCTION = """\
A feed tells you when we publish a new page or update an old one, {without}. Feeds are free, and you do
not have to give us your name or email address.

<details class="pp-subscribe__note" markdown="1">
<summary>What is a feed reader?</summary>

A feed reader (or "RSS reader") is an app or website that collects feeds from the sites you choose and
shows you what is new in one place. Many are free: for example Feedly, Inoreader, NetNewsWire on Apple
devices, or Thunderbird and Microsoft Outlook on a computer. Some organisations also show our latest
guidance on their intranet or in a team chat from a feed.

</details>
"""

# Email is named only where the page offers it: beside "not offered", it read as a contradiction.
_WITHOUT_VISITING_OR_SIGNING_UP = "without you having to visit the site or sign up for email"
_WITHOUT_VISITING = "without you having to visit the site"

# Without the service a reader would otherwise look for an email sign-up that is not there.
# It says who does get the newsletter by email, as its archive page does ("sent by email to our partners"):
# "email updates are not offered" beside that read as a contradiction to a partner (a first-time reader's trial).
_NO_EMAIL = ("There is no email sign-up on this site: the newsletter is emailed to the partner organisations on "
             "our list. To hear about new and updated pages, follow a feed.\n")

_HOW_TO = """\
## How to subscribe

1. Choose what to follow above: everything, or just the kind of page, topic or sector you need.
2. Copy its address: press "Copy address", or select the address and copy it.
3. In your feed reader, choose "Add feed", "Subscribe" or "+", and paste the address.

Your reader then checks the feed for you. When we update a page, for example after guidance changes, it
appears in your reader again with its new date.
"""

# Its own block, which pp-subscribe.js hides: the picker has its own "Other formats" choice, and the page
# would otherwise explain Atom and JSON Feed twice.
_FORMATS_NOTE = """\
<div class="pp-subscribe__formats-section" data-pp-subscribe-formats-note markdown="1">

## Other formats

The addresses above are RSS, which every feed reader understands: choose it if you are not sure.

<details class="pp-subscribe__formats-note" markdown="1">
<summary>Atom and JSON Feed</summary>

Each feed also comes as Atom (change `rss.xml` at the end of the address to `atom.xml`) for readers that
prefer it, and as JSON Feed (`feed.json`) for developers building their own tools. All three carry the same
pages.

</details>

</div>
"""
