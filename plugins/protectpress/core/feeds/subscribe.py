"""The Subscribe page: every feed in plain words, with what a feed reader is and how to use one.

Written as Markdown so that MkDocs renders and searches it like any other page. Feed addresses are absolute
(from `site_url`): they are what a reader copies into a feed reader, and MkDocs leaves them alone when it
checks links, because the feed files are written after the pages.
"""

from __future__ import annotations

from ..config import Settings
from ..generated import escape_markdown, front_matter
from .catalogue import FORMATS, RSS, Feed

SUBSCRIBE_PAGE = "subscribe.md"
TITLE = "Subscribe to updates"
SUMMARY = ("Get new and updated guidance, action cards and news in a feed reader: for the whole site, or just "
           "your sector, a topic or one kind of page.")
_GROUPS = (
    ("types", "By kind of page", "Just one kind of page, such as new action cards."),
    ("topics", "By topic", "Everything about one subject."),
    ("sectors", "By sector", "Pages for your sector, including everything meant for all sectors."),
)


def subscribe_markdown(feeds: list[Feed], settings: Settings) -> str:
    """The whole page, front matter included."""
    return front_matter(title=TITLE, type="page", summary=SUMMARY) + subscribe_body(feeds, settings)


def subscribe_body(feeds: list[Feed], settings: Settings) -> str:
    """The page without its front matter: the introduction, then every feed, grouped."""
    site = next(f for f in feeds if f.group == "site")
    parts = [
        _INTRODUCTION,
        "## Everything on this site\n",
        _feed_line(site, settings, label="All new and updated pages") + "\n",
    ]
    for group, heading, explanation in _GROUPS:
        chosen = [f for f in feeds if f.group == group]
        if chosen:
            lines = "\n".join(_feed_line(f, settings) for f in chosen)
            parts.append(f"## {heading}\n\n{explanation}\n\n{lines}\n")
    parts.append(_FORMATS_NOTE)
    return "\n".join(parts)


def _feed_line(feed: Feed, settings: Settings, label: str | None = None) -> str:
    """`- **Retail**: [Retail (RSS)](...), ...` with the RSS address shown to copy.

    Each link names its feed, so that a screen reader's list of links is not a column of "RSS"."""
    urls = {f: settings.links.absolute("/" + feed.path(f)) for f in FORMATS}
    name = escape_markdown(label or feed.label)
    links = ", ".join(f"[{name} ({f.name})]({urls[f]})" for f in FORMATS)
    return f"- **{name}**: {links}  \n  Address to copy: `{urls[RSS]}`"


_INTRODUCTION = """\
A feed tells you when we publish a new page or update an old one, without you having to visit the site
or sign up for email. Feeds are free, and nobody learns who you are.

## What a feed reader is

A feed reader (or "RSS reader") is an app or website that collects feeds from the sites you choose and
shows you what is new in one place. Many are free: for example Feedly, Inoreader, NetNewsWire on Apple
devices, or Thunderbird and Microsoft Outlook on a computer. Some organisations also use feeds to show our
latest guidance on their own intranet or in a team chat.

## How to subscribe

1. Choose a feed below: everything, or just the kind of page, topic or sector you need.
2. Copy its address. In most browsers you can right-click the link and choose "Copy link".
3. In your feed reader, choose "Add feed", "Subscribe" or "+", and paste the address.

Your reader then checks the feed for you. When we update a page, for example after guidance changes, it
appears in your reader again with its new date.
"""

_FORMATS_NOTE = """\
## Which format to choose

Every feed comes in three formats with the same content. Choose RSS if you are not sure: every feed reader
understands it. Atom suits readers that prefer it, and JSON Feed is for developers building their own tools.
"""
