"""The site's paths and names, each written once: the pages of docs/ that more than one part of protectpress
makes or reads, the project's newsletter folder and its files of personal data, the folders and files of the built
site, the kinds of page with their folders, labels and order, and the listing groups (topics and sectors). Every
other module takes these from here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# Pages of docs/ (sources relative to docs_dir).
HOME_SRC_URI = "index.md"
FOLDER_INDEX = "index.md"  # a folder's own page: `guidance/index.md` lists the guidance
NOTICE_SOURCE = "notice.md"  # the urgent notice (core/project/notice.py): a banner on every page, not a page
SUBSCRIBE_PAGE = "subscribe.md"
ABOUT_PAGE = "about.md"
ACCESSIBILITY_PAGE = "accessibility.md"
PRIVACY_PAGE = "privacy.md"

# The project's folders beside docs/ (the defaults of mkdocs.yml's settings) and the files of personal data in them,
# which are never published wherever they are (core/judge/boundary.py).
NEWSLETTER_SOURCES = "newsletters"  # one Markdown file per newsletter issue
SUPPRESSED_FILE = "suppressed.csv"
JOURNAL_FOLDER = ".sends"

# Folders of the built site, and the files in them that more than one part writes or reads.
FEEDS_FOLDER = "feeds"
WEB_FOLDER = "newsletters"  # each newsletter's web version, and the email as sent beside it
ARCHIVE_SRC_URI = f"{WEB_FOLDER}/{FOLDER_INDEX}"
EMAIL_HTML, EMAIL_TEXT = "email.html", "email.txt"
# Newsletters are a kind of their own, beside the kinds of page: in feeds, search results and the archive.
NEWSLETTER_KIND, NEWSLETTER_LABEL, NEWSLETTER_PLURAL = "newsletter", "Newsletter", "Newsletters"
ROBOTS_TXT = "robots.txt"


def folder_index(folder: str) -> str:
    """The docs source of a folder's own page: `action-cards` -> `action-cards/index.md`."""
    return f"{folder}/{FOLDER_INDEX}"


def is_newsletter_page(src_uri: str) -> bool:
    """A newsletter's web version (not the archive that lists them)."""
    return src_uri.startswith(f"{WEB_FOLDER}/") and src_uri != ARCHIVE_SRC_URI


# The kinds of page. The order of TYPE_FOLDERS is the site's: its navigation, home page and feeds follow it.
class ContentType(str, enum.Enum):
    GUIDANCE = "guidance"
    ACTION_CARD = "action-card"
    CONFERENCE = "conference"
    NEWS = "news"
    PAGE = "page"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]

    @property
    def plural(self) -> str:
        return _TYPE_PLURALS[self]


_TYPE_LABELS = {
    ContentType.GUIDANCE: "Guidance",
    ContentType.ACTION_CARD: "Action card",
    ContentType.CONFERENCE: "Conference write-up",
    ContentType.NEWS: "News",
    ContentType.PAGE: "Page",
}
_TYPE_PLURALS = {
    ContentType.GUIDANCE: "Guidance",
    ContentType.ACTION_CARD: "Action cards",
    ContentType.CONFERENCE: "Conference write-ups",
    ContentType.NEWS: "News",
    ContentType.PAGE: "Pages",
}

# Each published type lives in its own folder of docs/; anything elsewhere is a plain page.
TYPE_FOLDERS = {
    "guidance": ContentType.GUIDANCE,
    "action-cards": ContentType.ACTION_CARD,
    "conferences": ContentType.CONFERENCE,
    "news": ContentType.NEWS,
}
FOLDER_OF_TYPE = {kind: folder for folder, kind in TYPE_FOLDERS.items()}


@dataclass(frozen=True)
class ListingGroup:
    """A group of terms that each have a listing page: topics and sectors."""

    folder: str  # the listings' folder: `topics/<slug>.md`
    key: str  # the front-matter key and the vocabulary group that hold its terms: a page's `tags` are topics
    noun: str  # what the site and messages call one term

    @property
    def label(self) -> str:
        """One term's listing as search results label it: "Topic"."""
        return self.noun.capitalize()


TOPICS = ListingGroup("topics", "tags", "topic")
SECTORS = ListingGroup("sectors", "sectors", "sector")
LISTING_GROUPS = (TOPICS, SECTORS)


def label_in_sentence(group: str, label: str) -> str:
    """A term's or a kind of page's label inside a sentence ("Get updates about all sectors", "News for retail").
    A sector or a kind of page is a common noun: lower case, but for a word in capitals (CCTV, NHS). A topic
    keeps its capitals where it has more than the sentence's first (Martyn's Law, Publicly Accessible Locations)
    or is one word (it may be a name: Prevent); a label written in sentence case of several words is a common
    phrase, and reads in lower case mid-sentence ("Guidance about aviation and maritime", not "about Aviation")."""
    if group == TOPICS.folder:
        first, _, rest = label.partition(" ")
        in_sentence_case = rest and rest == rest.lower() and first[1:] == first[1:].lower()
        return first[:1].lower() + first[1:] + " " + rest if in_sentence_case else label
    return " ".join(word if len(word) > 1 and word.isupper() else word.lower() for word in label.split(" "))


def listing_group(folder: str) -> ListingGroup | None:
    """The listing group whose pages are in `folder`, if any."""
    return next((group for group in LISTING_GROUPS if group.folder == folder), None)
