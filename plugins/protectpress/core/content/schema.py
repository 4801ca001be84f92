"""The one front-matter schema every page is validated against: its fields and what each accepts, and
`read_item`, which turns one page's source into a typed item or adds every problem it finds.

A file with errors yields no item, so later stages only ever see valid content.
"""

from __future__ import annotations

import datetime as dt
import itertools
import posixpath
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..foundation.dates import iso_day, scheduled_later
from ..foundation.fields import (
    Field,
    Invalid,
    Report,
    boolean_field,
    list_like,
    read_bool,
    read_date,
    read_moment,
    read_schema,
    read_terms,
    read_text,
    reporter,
)
from ..foundation.frontmatter import FrontMatter, front_matter_of
from ..foundation.problems import Problems, describe
from ..foundation.settings import Vocabulary
from ..foundation.site_paths import FOLDER_INDEX, FOLDER_OF_TYPE, TYPE_FOLDERS, ContentType
from ..judge.nesting import TOO_DEEP, too_deep_line
from .items import ITEM_CLASSES, Change, ContentItem, ReadMeta
from .lint import lint_markdown_body

SUMMARY_LIMIT = 300


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
            raise Invalid("expected changes newest first", f"change {number} ({iso_day(older.date)}) is newer than "
                          f"change {number - 1} ({iso_day(newer.date)})")
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
# Every key a page may have is ours or passed through: anything else is a warning (a typo like `tittle` would
# otherwise be lost silently), which offers our fields only.
PASSTHROUGH_NAMES = frozenset(f.name for f in PASSTHROUGH_FIELDS)


def expected_type_for(src_uri: str) -> ContentType | None:
    """The type a page must have in its folder, or None where any `page` goes (outside typed folders)."""
    folder = src_uri.split("/", 1)[0] if "/" in src_uri else ""
    return TYPE_FOLDERS.get(folder)


def read_item(src_uri: str, path: str, text: str, vocabulary: Vocabulary, problems: Problems,
              docs_file_exists: Callable[[str], bool] | None = None, *, now: dt.datetime,
              markdown_extensions: Sequence[str] = ()) -> ContentItem | None:
    """Validate one page's source. Adds every problem found; returns the item only when it has no errors.
    `docs_file_exists` answers whether a docs-relative file is there, to check `image:`; `markdown_extensions`
    are the project's (Settings.markdown_extensions), which decide how deep the body may nest."""
    front = front_matter_of(text, path, problems)
    if front is None:
        return None
    return item_from_front_matter(src_uri, path, front, vocabulary, problems, docs_file_exists, now=now,
                                  markdown_extensions=markdown_extensions)


def _required_for(values: dict[str, Any]) -> dict[str, str]:
    """Every page needs a title and type; a published type (news, a card...) needs its dates and summary too."""
    required = dict(REQUIRED)
    kind = values.get("type")
    if kind is not None and kind is not ContentType.PAGE:
        required.update((name, f"required for type {kind.value}") for name in REQUIRED_PUBLISHED)
    return required


def item_from_front_matter(src_uri: str, path: str, front: FrontMatter, vocabulary: Vocabulary,
                           problems: Problems, docs_file_exists: Callable[[str], bool] | None = None,
                           *, now: dt.datetime,
                           markdown_extensions: Sequence[str] = ()) -> ContentItem | None:
    """`now` decides whether `publish_at` is still ahead: the run's one "now", passed in by every caller."""
    errors_before = len(problems.errors)

    report = reporter(problems, path, front)

    def report_line(line: int, expected: str, found: str | None = None, severity: str = "error") -> None:
        getattr(problems, severity)(path, expected, found, line=line)

    values = read_schema(front, (*FIELDS, *PASSTHROUGH_FIELDS), _required_for, FIELD_NAMES, report,
                         passed_through=PASSTHROUGH_NAMES)
    kind = values.get("type")
    _warn_search_boost(values.get("search"), report)

    if kind is not None:
        folder_type = expected_type_for(src_uri)
        is_folder_index = posixpath.basename(src_uri) in (FOLDER_INDEX, "README.md")
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
            report("updated", f"expected updated to be the newest change's date ({iso_day(newest)}), or no updated: "
                   "the changes list sets it", repr(iso_day(values['updated'])))
        values.setdefault("updated", newest)
        oldest = values["changes"][-1].date
        if "date" in values and oldest < values["date"]:
            report("changes", f"expected changes on or after date ({iso_day(values['date'])})",
                   repr(iso_day(oldest)))
    if "updated" in values and "date" in values and values["updated"] < values["date"]:
        report(
            "updated",
            f"expected a date on or after date ({iso_day(values['date'])})",
            repr(iso_day(values['updated'])),
        )
    if "image" in values and docs_file_exists is not None:
        _check_image(values["image"], src_uri, docs_file_exists, report)
    if "image" in values and "image_alt" not in values:
        report("image_alt", "expected alt text describing the image (required when image is set)", "none",
               line=front.closing_line)
    for group, terms in vocabulary.by_group():
        values[group.key] = read_terms(values.get(group.key, ()), group.key, terms, report)
    lint_markdown_body(front, values.get("title"), report_line)

    deep_line = too_deep_line(front.body, markdown_extensions)
    if deep_line is not None:
        problems.error(
            path, TOO_DEEP, "nesting the Markdown renderer cannot read", line=front.body_line + deep_line - 1
        )

    if len(problems.errors) > errors_before or kind is None or front.slips:  # a slip left a key out
        return None
    cls = ITEM_CLASSES[kind]
    # The body as MkDocs cuts it (page.markdown: the blank lines after the front matter left out), so that
    # page_source.py can give MkDocs this very string: one copy of each page's Markdown held by the build, not
    # two (3.8 KB a page). Line numbers still count from the file's first line.
    body = front.body.lstrip("\n")
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
        body=body,
        body_line=front.body_line + len(front.body) - len(body),
        redirect_from=values.get("redirect_from", ()),
        publish_at=values.get("publish_at"),
        changes=values.get("changes", ()),
        scheduled=scheduled_later(values.get("publish_at"), now),
        read_meta=ReadMeta(front.yaml_text, front.data) if front.safe_loaded else None,
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
