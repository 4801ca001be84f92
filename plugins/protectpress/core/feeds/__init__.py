"""Feeds for partners: content items -> RSS 2.0, Atom (both with feedgen) and JSON Feed 1.1.

- `entry_from_item` turns a site page into a `FeedEntry` (newsletters build theirs directly);
- `plan_feeds` decides which feeds exist and what each carries (site-wide, per type, topic and sector);
- `publish_feeds` cleans the entries and renders every feed file;
- `check_feed_images` reports a logo, icon or favicon that feed readers would not show.

The Subscribe page, which lists these feeds beside the email sign-up form, is `core/subscriptions/page.py`.
"""

from .catalogue import FORMATS, Feed, FeedFormat, feeds_for_page, plan_feeds
from .clean import clean_content, clean_entries
from .entry import FeedEntry
from .images import check_feed_images
from .items import entry_from_item
from .publish import PublishedFeeds, carried_ids, publish_feeds, republish_feeds
from .writers import render_feed

__all__ = [
    "FORMATS",
    "Feed",
    "FeedEntry",
    "FeedFormat",
    "PublishedFeeds",
    "carried_ids",
    "check_feed_images",
    "clean_content",
    "clean_entries",
    "entry_from_item",
    "feeds_for_page",
    "plan_feeds",
    "publish_feeds",
    "render_feed",
    "republish_feeds",
]
