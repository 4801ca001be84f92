"""The content model: what a guidance page, action card, conference write-up or news item is, and the one
front-matter schema that every page is validated against.

Validation never stops at the first mistake: each file adds its problems to the run's `Problems` list, and
a file with errors yields no item, so later stages only ever see valid content.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import itertools
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..foundation.config import Vocabulary, relative_path
from ..foundation.dates import build_now, parse_date, today
from ..foundation.frontmatter import (
    Field,
    FrontMatter,
    FrontMatterError,
    Invalid,
    Report,
    boolean_field,
    list_like,
    read_bool,
    read_date,
    read_moment,
    read_schema,
    read_source,
    read_terms,
    read_text,
    reporter,
    split_front_matter,
)
from ..foundation.problems import Problem, Problems, describe
from ..judge.boundary import ProjectBoundary
from ..judge.nesting import TOO_DEEP, too_deep_line
from .print_size import print_size

SUMMARY_LIMIT = 300
NOTICE_SOURCE = "notice.md"  # the urgent notice, read by core/project/notice.py
# About what fits on one printed A4 page beside the card's heading and emergency line.
ACTION_CARD_WORD_LIMIT = 320


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
class Change:
    """One entry of a page's change history (`changes:`), GOV.UK style: what changed and when."""

    date: dt.datetime
    note: str  # plain text, escaped wherever written
    major: bool = False  # worth telling partners: `protectpress check` lists it as a newsletter candidate


@dataclass(frozen=True)
class ContentItem:
    """One page of the site, validated. Subclasses name the published types."""

    kind: ClassVar[ContentType] = ContentType.PAGE

    src_uri: str  # relative to docs_dir, forward slashes
    path: str  # relative to the project, for messages
    title: str
    summary: str
    date: dt.datetime | None
    updated: dt.datetime | None
    review_by: dt.datetime | None
    tags: tuple[str, ...]
    sectors: tuple[str, ...]
    image: str | None
    image_alt: str | None
    draft: bool
    body: str
    body_line: int
    redirect_from: tuple[str, ...] = ()
    publish_at: dt.datetime | None = None  # not on the site before this moment
    scheduled: bool = False  # publish_at is still ahead at this build's "now": kept out like a draft
    changes: tuple[Change, ...] = ()  # newest first; the newest one's date is `updated`

    @property
    def latest_change(self) -> Change | None:
        return self.changes[0] if self.changes else None

    @property
    def is_live(self) -> bool:
        """On the public site now: neither a draft nor scheduled for later. Everything that publishes asks this."""
        return not self.draft and not self.scheduled

    @property
    def last_updated(self) -> dt.datetime | None:
        """What feeds call `updated`: the `updated` date, or first publication."""
        return self.updated or self.date

    @property
    def is_published_type(self) -> bool:
        """Guidance, cards, write-ups and news go into feeds and listings; plain pages do not."""
        return self.kind is not ContentType.PAGE

    def in_sector(self, sector: str) -> bool:
        return sector in self.sectors or "all" in self.sectors


class Page(ContentItem):
    kind = ContentType.PAGE


class Guidance(ContentItem):
    kind = ContentType.GUIDANCE


class ActionCard(ContentItem):
    kind = ContentType.ACTION_CARD


class ConferenceWriteUp(ContentItem):
    kind = ContentType.CONFERENCE


class NewsItem(ContentItem):
    kind = ContentType.NEWS


ITEM_CLASSES: dict[ContentType, type[ContentItem]] = {
    cls.kind: cls for cls in (Page, Guidance, ActionCard, ConferenceWriteUp, NewsItem)
}


# ----------------------------------------------------------------------------------------------------------
# The schema.


def _summary(value: Any) -> str:
    text = read_text(value)
    if len(text) > SUMMARY_LIMIT:
        raise Invalid(f"expected at most {SUMMARY_LIMIT} characters", f"{len(text)} characters")
    return " ".join(text.split())


def _image(value: Any) -> str:
    """An image that feeds, emails and the web version show and that can run nothing: an https: address or a
    path on this site. Browsers ignore spaces and control characters inside a scheme ("java\tscript:")."""
    text = read_text(value)
    squeezed = "".join(ch for ch in text if ch > " ").lower()
    parts = urlsplit(squeezed)
    if (parts.scheme == "https" and parts.netloc) or (not parts.scheme and not parts.netloc and "\\" not in text):
        return text
    raise Invalid("expected an image address starting https:// or a path on this site like /assets/photo.png",
                  repr(text))


CHANGE_KEYS = ("date", "note", "major")


def _changes(value: Any) -> tuple[Change, ...]:
    example = "- {date: 2025-05-01, note: What changed}"
    if not isinstance(value, list) or not value:
        raise Invalid(f"expected a list of changes, newest first, each like {example}", describe(value))
    changes = []
    for number, entry in enumerate(value, start=1):
        if (
            not isinstance(entry, dict)
            or not set(entry) <= set(CHANGE_KEYS)
            or "date" not in entry
            or "note" not in entry
        ):
            raise Invalid(f"expected change {number} to have a date and a note (and optionally major: true), "
                          f"like {example}", describe(entry))
        try:
            date, note = read_date(entry["date"]), _summary(entry["note"])
            major = read_bool(entry.get("major", False))
        except Invalid as invalid:
            raise Invalid(f"change {number}: {invalid.expected}", invalid.found) from None
        changes.append(Change(date=date, note=note, major=major))
    for number, (newer, older) in enumerate(itertools.pairwise(changes), start=2):
        if older.date > newer.date:
            raise Invalid("expected changes newest first", f"change {number} ({older.date:%Y-%m-%d}) is newer than "
                          f"change {number - 1} ({newer.date:%Y-%m-%d})")
    return tuple(changes)


def _type(value: Any) -> ContentType:
    try:
        return ContentType(value)
    except ValueError:
        raise Invalid(f"expected one of {', '.join(t.value for t in ContentType)}", describe(value)) from None


FIELDS = (
    Field("title", read_text),
    Field("type", _type),
    Field("summary", _summary),
    Field("date", read_date),
    Field("updated", read_date),
    Field("review_by", read_date),
    Field("image", _image),
    Field("image_alt", read_text),
    boolean_field("draft"),
    Field("tags", list_like("[martyns-law, training]")),
    Field("sectors", list_like("[retail, hospitality]")),
    Field("redirect_from", list_like("[guidance/old-name/]")),
    Field("publish_at", read_moment),
    Field("changes", _changes),
)
FIELD_NAMES = {f.name for f in FIELDS}
# Keys every page needs, and those each published type needs too.
REQUIRED = {"title": "required", "type": "required"}
REQUIRED_PUBLISHED = ("summary", "date")


def _template(value: Any) -> str:
    name = read_text(value)
    if not name.endswith(".html"):
        raise Invalid("expected the name of a theme template like main.html", describe(value))
    return name


def _search(value: Any) -> dict:
    # `boost` is Material's and passes (authors copy it from Material's docs); `_warn_search_boost` says what
    # becomes of it here.
    if not isinstance(value, dict) or not set(value) <= {"exclude", "boost"}:
        raise Invalid("expected search settings like {exclude: true}", describe(value))
    return value


# Pagefind (core/site/search.py) ranks pages by the words they hold; it has no per-page boost, only weights for parts
# of a page's text and site-wide ranking settings, so an author's `boost` would otherwise be lost in silence.
SEARCH_BOOST_IGNORED = ("expected no boost (it has no effect on this site's search, which ranks a page by the words "
                        "it holds): to lift this page in results, put the words readers search for in its title, "
                        "summary and headings")


def _warn_search_boost(search: dict | None, report: Report) -> None:
    if search is not None and "boost" in search:
        report("search.boost", SEARCH_BOOST_IGNORED, describe(search["boost"]), severity="warning")


# Keys that MkDocs, Material or authors use legitimately and that we pass through to them. Their types are
# still checked: MkDocs and Material stop with a traceback on, say, `hide: 5` or `template: 5`.
PASSTHROUGH_FIELDS = (
    Field("template", _template),
    Field("hide", list_like("[navigation, toc]")),
    Field("icon", read_text),
    Field("status", read_text),
    Field("search", _search),
    Field("description", read_text),
    Field("subtitle", read_text),
    boolean_field("comments"),
)
# Every key a page may have: anything else is a warning (a typo like `tittle` would otherwise be lost silently).
KNOWN_KEYS = frozenset(FIELD_NAMES | {f.name for f in PASSTHROUGH_FIELDS})


def is_hidden(src_uri: str) -> bool:
    """A source under a dot-folder or named with a dot (`.drafts/x.md`) is not content, as MkDocs sees it too."""
    return any(part.startswith(".") for part in src_uri.split("/"))


def is_content_source(src_uri: str) -> bool:
    """A page's source: not hidden, and not the urgent notice (docs/notice.md, core/project/notice.py), which is a
    banner on every page rather than a page of its own."""
    return not is_hidden(src_uri) and src_uri != NOTICE_SOURCE


def expected_type_for(src_uri: str) -> ContentType | None:
    """The type a page must have in its folder, or None where any `page` goes (outside typed folders)."""
    folder = src_uri.split("/", 1)[0] if "/" in src_uri else ""
    return TYPE_FOLDERS.get(folder)


def read_item(src_uri: str, path: str, text: str, vocabulary: Vocabulary, problems: Problems,
              docs_file_exists: Callable[[str], bool] | None = None, now: dt.datetime | None = None, *,
              markdown_extensions: Sequence[str] = ()) -> ContentItem | None:
    """Validate one page's source. Adds every problem found; returns the item only when it has no errors.
    `docs_file_exists` answers whether a docs-relative file is there, to check `image:`; `markdown_extensions`
    are the project's (Settings.markdown_extensions), which decide how deep the body may nest."""
    try:
        front = split_front_matter(text, recover=True)
    except FrontMatterError as error:
        problems.error(path, error.expected, error.found, line=error.line)
        return None
    for slip in front.slips:
        problems.error(path, slip.expected, slip.found, line=slip.line)
    return item_from_front_matter(src_uri, path, front, vocabulary, problems, docs_file_exists, now,
                                  markdown_extensions=markdown_extensions)


class PageMemo:
    """What `read_item` found for each page's text, kept by a process that reads the same pages on every save
    (`protectpress serve`), so that one edited page is the only one parsed and validated again.

    A page's item and problems depend only on its text, where it is, the vocabulary and the Markdown
    extensions, which are all in the key; `now` decides only `scheduled`, which is worked out again on every
    read. A page whose validation looked at other files (its `image:`) is read again every time, because
    those files may have changed. One entry per page: an edit replaces the page's entry."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[tuple[Any, ...], ContentItem | None, tuple[Problem, ...]]] = {}

    def read(self, src_uri: str, path: str, text: str, vocabulary: Vocabulary, problems: Problems,
             docs_file_exists: Callable[[str], bool] | None, now: dt.datetime, *,
             markdown_extensions: Sequence[str]) -> ContentItem | None:
        key = (path, text, tuple(vocabulary.tags.items()), tuple(vocabulary.sectors.items()),
               tuple(markdown_extensions))
        kept = self._found.get(src_uri)
        if kept is not None and kept[0] == key:
            item, found = kept[1], kept[2]
        else:
            looked_at_files = False

            def exists(docs_path: str) -> bool:
                nonlocal looked_at_files
                looked_at_files = True
                return docs_file_exists(docs_path) if docs_file_exists is not None else True

            own = Problems()
            item = read_item(src_uri, path, text, vocabulary, own, exists if docs_file_exists else None, now,
                             markdown_extensions=markdown_extensions)
            found = tuple(own.added_since(0))
            if looked_at_files:
                self._found.pop(src_uri, None)
            else:
                self._found[src_uri] = (key, item, found)
        problems.extend(found)
        if item is not None and item.publish_at is not None:
            item = replace(item, scheduled=item.publish_at > now)
        return item


def _required_for(values: dict[str, Any]) -> dict[str, str]:
    """Every page needs a title and type; a published type (news, a card...) needs its dates and summary too."""
    required = dict(REQUIRED)
    kind = values.get("type")
    if kind is not None and kind is not ContentType.PAGE:
        required.update((name, f"required for type {kind.value}") for name in REQUIRED_PUBLISHED)
    return required


def item_from_front_matter(src_uri: str, path: str, front: FrontMatter, vocabulary: Vocabulary,
                           problems: Problems, docs_file_exists: Callable[[str], bool] | None = None,
                           now: dt.datetime | None = None, *,
                           markdown_extensions: Sequence[str] = ()) -> ContentItem | None:
    """`now` decides whether `publish_at` is still ahead: the build's one "now" (core.dates.build_now)."""
    errors_before = len(problems.errors)

    report = reporter(problems, path, front)

    def report_line(line: int, expected: str, found: str | None = None, severity: str = "error") -> None:
        getattr(problems, severity)(path, expected, found, line=line)

    values = read_schema(front, (*FIELDS, *PASSTHROUGH_FIELDS), _required_for, KNOWN_KEYS, report)
    kind = values.get("type")
    _warn_search_boost(values.get("search"), report)

    if kind is not None:
        folder_type = expected_type_for(src_uri)
        is_folder_index = posixpath.basename(src_uri) in ("index.md", "README.md")
        if folder_type is None and kind is not ContentType.PAGE:
            report("type", f"expected type page outside the {', '.join(f + '/' for f in TYPE_FOLDERS)} folders "
                   f"(a {kind.value} belongs in docs/{FOLDER_OF_TYPE[kind]}/)", repr(kind.value))
        elif folder_type is not None and kind is not folder_type and not (is_folder_index and kind is ContentType.PAGE):
            report(
                "type",
                f"expected type {folder_type.value} for a page in docs/{src_uri.split('/')[0]}/",
                repr(kind.value),
            )

    if "changes" in values:
        newest = values["changes"][0].date
        if "updated" in values and values["updated"] != newest:
            report("updated", f"expected updated to be the newest change's date ({newest:%Y-%m-%d}), or no updated: "
                   "the changes list sets it", repr(f"{values['updated']:%Y-%m-%d}"))
        values.setdefault("updated", newest)
        oldest = values["changes"][-1].date
        if "date" in values and oldest < values["date"]:
            report("changes", f"expected changes on or after date ({values['date']:%Y-%m-%d})",
                   repr(f"{oldest:%Y-%m-%d}"))
    if "updated" in values and "date" in values and values["updated"] < values["date"]:
        report(
            "updated",
            f"expected a date on or after date ({values['date']:%Y-%m-%d})",
            repr(f"{values['updated']:%Y-%m-%d}"),
        )
    if "image" in values and docs_file_exists is not None:
        _check_image(values["image"], src_uri, docs_file_exists, report)
    if "image" in values and "image_alt" not in values:
        report("image_alt", "expected alt text describing the image (required when image is set)", "none")
    for group in ("tags", "sectors"):
        values[group] = read_terms(values.get(group, ()), group, getattr(vocabulary, group), report)
    check_body(front, values.get("title"), report_line)

    deep_line = too_deep_line(front.body, markdown_extensions)
    if deep_line is not None:
        problems.error(
            path, TOO_DEEP, "nesting the Markdown renderer cannot read", line=front.body_line + deep_line - 1
        )

    if len(problems.errors) > errors_before or kind is None or front.slips:  # a slip left a key out
        return None
    cls = ITEM_CLASSES[kind]
    return cls(
        src_uri=src_uri,
        path=path,
        title=values["title"],
        summary=values.get("summary", ""),
        date=values.get("date"),
        updated=values.get("updated"),
        review_by=values.get("review_by"),
        tags=values["tags"],
        sectors=values["sectors"],
        image=values.get("image"),
        image_alt=values.get("image_alt"),
        draft=values.get("draft", False),
        body=front.body,
        body_line=front.body_line,
        redirect_from=values.get("redirect_from", ()),
        publish_at=values.get("publish_at"),
        changes=values.get("changes", ()),
        scheduled="publish_at" in values and values["publish_at"] > (now or build_now()),
    )


def _check_image(
    image: str, src_uri: str, docs_file_exists: Callable[[str], bool], report: Callable[..., None]
) -> None:
    """`image:` names a file in docs/: from the docs root with a leading /, or relative to the page."""
    if image.startswith(("http://", "https://")):
        return
    target = image.lstrip("/") if image.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(src_uri), image))
    if not target.startswith("../") and docs_file_exists(target):
        return
    if not image.startswith("/") and docs_file_exists(image):
        report("image", f"expected an image path from the docs folder: start it with /, like /{image}", repr(image))
    else:
        report("image", "expected an image file inside docs/, like /assets/images/photo.jpg (from the docs folder) "
               "or images/photo.jpg (from the page's folder)", f"{image!r} (no such file)")


# A Markdown image with empty alt text, and an HTML <img> (Markdown allows raw HTML) with no alt at all.
_IMAGE_WITHOUT_ALT = re.compile(
    r"!\[\s*\]\(\s*<?([^)\s>]*)|<img\b(?![^>]*\balt\s*=)[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]*)", re.IGNORECASE
)
_FENCE_LINE = re.compile(r"^\s*(```|~~~)")
_OWN_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def check_body(front: FrontMatter, title: str | None, report_line: Callable[..., None]) -> None:
    """What the page's Markdown itself must get right: alt text on every image, and no `# Heading` that would
    quietly show instead of the title (Material shows a page's own first heading in place of `title:`)."""
    in_code, seen_text = False, False
    for offset, line in enumerate(front.body.splitlines()):
        number = front.body_line + offset
        if _FENCE_LINE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        heading = _OWN_HEADING.match(line)
        if heading and not seen_text and title is not None and heading.group(1).strip() != title:
            report_line(number, "expected no '# Heading' line of the page's own: the title from front matter is "
                        "its heading (delete this line, or make it the title:)", repr(line.strip()), severity="warning")
        seen_text = seen_text or bool(line.strip())
        for match in _IMAGE_WITHOUT_ALT.finditer(line):
            source = match.group(1) or match.group(2) or ""
            report_line(number, "expected alt text for every image, like ![What it shows](/assets/images/photo.jpg) "
                        "(or alt=\"\" for a purely decorative HTML image)", f"an image with none: {source!r}")


# ----------------------------------------------------------------------------------------------------------
# The whole content set.


@dataclass
class ContentSet:
    """Every valid page of the site, by source path, with the checks that look across pages."""

    items: dict[str, ContentItem]
    # Pages that exist but failed validation: their own problems are reported, so nothing that links to or
    # features them reports a second, misleading one ("not a page of the site").
    invalid: frozenset[str] = frozenset()

    def exists(self, src_uri: str) -> bool:
        return src_uri in self.items or src_uri in self.invalid
    now: dt.datetime = field(default_factory=build_now)  # what scheduled items were judged against

    def published(self, *, include_drafts: bool = False) -> list[ContentItem]:
        """Items that belong in feeds and listings, newest first (`include_drafts`: scheduled ones too)."""
        chosen = [i for i in self.items.values() if i.is_published_type and (include_drafts or i.is_live)]
        return sorted(chosen, key=lambda i: (i.last_updated, i.src_uri), reverse=True)

    def of_type(self, kind: ContentType, *, include_drafts: bool = False) -> list[ContentItem]:
        return [i for i in self.published(include_drafts=include_drafts) if i.kind is kind]

    def nearest(self, src_uri: str, count: int = 3) -> list[str]:
        """The real pages whose paths look most like `src_uri`: for "did you mean" in messages."""
        return difflib.get_close_matches(src_uri, [*self.items, *self.invalid], n=count, cutoff=0.5)


def check_content_set(content: ContentSet, problems: Problems, *, now: dt.datetime | None = None) -> None:
    """Checks that need every page at once, and advice that never blocks. `now` is the build's one "now" (a
    review falls due on its day, so a build `--at` a moment says what was overdue then)."""
    due = parse_date(now.date()) if now is not None else today()
    seen: dict[tuple[ContentType, str], ContentItem] = {}
    for item in sorted(content.items.values(), key=lambda i: i.src_uri):
        key = (item.kind, item.title.casefold())
        if key in seen and item.kind is not ContentType.PAGE:
            problems.warning(item.path, f"expected a title not used by another {item.kind.value} "
                             f"({seen[key].path} has it too)", repr(item.title), key="title")
        seen.setdefault(key, item)
        if item.review_by and item.review_by < due:
            problems.info(
                item.path,
                "expected a review by the review_by date",
                f"{item.review_by:%Y-%m-%d}, now overdue",
                key="review_by",
            )
        if item.kind is ContentType.ACTION_CARD:
            words = len(item.body.split())
            if words > ACTION_CARD_WORD_LIMIT:
                problems.warning(item.path, f"expected an action card of at most about {ACTION_CARD_WORD_LIMIT} words "
                                 "so that it prints on one A4 page", f"{words} words")
            elif not (size := print_size(item.body)).fits:
                # Few words can still be too many lines: each step and heading takes a line however short it is.
                problems.warning(item.path, "expected an action card short enough to print on one A4 page at 10pt "
                                 "(fewer steps or headings)", f"about {size.lines:.0f} printed lines")


def load_content(docs_dir: Path, project_dir: Path, vocabulary: Vocabulary, problems: Problems,
                 sources: dict[str, str] | None = None, now: dt.datetime | None = None, *,
                 boundary: ProjectBoundary | None = None, theme_dir: Path | None = None,
                 markdown_extensions: Sequence[str] = (), memo: PageMemo | None = None) -> ContentSet:
    """Read and validate every Markdown page under `docs_dir` (or the given `sources`: src_uri -> text).
    Reading the folder itself, files that `boundary` refuses (links out of the project, personal data) are
    errors and are never read. Pages whose `publish_at` is after `now` (default: this run's build_now) are
    scheduled, not live. `theme_dir` (the theme's custom_dir) publishes its files at the same paths as docs/,
    so an `image:` may name one of its files too. `memo` keeps what was found between calls (see PageMemo)."""
    now = now or build_now()
    docs_prefix = relative_path(docs_dir, project_dir)  # once, not per file: each resolve asks the OS

    def shown(src_uri: str) -> str:
        return f"{docs_prefix}/{src_uri}" if docs_prefix else src_uri

    unreadable: set[str] = set()
    if sources is None:
        sources = {}
        boundary = boundary or ProjectBoundary.around(project_dir)
        for src_uri in boundary.files_under(docs_dir, docs_prefix, problems):
            if not src_uri.endswith(".md") or not is_content_source(src_uri):
                continue
            text = read_source(docs_dir / src_uri, shown(src_uri), problems)
            if text is not None:
                sources[src_uri] = text
            else:
                unreadable.add(src_uri)
    items, invalid = {}, set(unreadable)

    def docs_file_exists(docs_path: str) -> bool:
        return (docs_dir / docs_path).is_file() or (theme_dir is not None and (theme_dir / docs_path).is_file())

    for src_uri, text in sources.items():
        read = memo.read if memo is not None else read_item
        item = read(src_uri, shown(src_uri), text, vocabulary, problems, docs_file_exists, now,
                    markdown_extensions=markdown_extensions)
        if item is not None:
            items[src_uri] = item
        else:
            invalid.add(src_uri)
    content = ContentSet(items, frozenset(invalid), now)
    check_content_set(content, problems, now=now)
    return content
