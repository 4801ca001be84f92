"""What a newsletter is: one Markdown file in `newsletters/` with front matter, validated like a page.

A newsletter features pages of the site by their docs-relative path. Reading a file never stops at the first
mistake: each problem goes into the run's `Problems` list, and a file with errors yields no `Newsletter` unless
asked for one `with_errors` (check and build: its items, body and email rules are still judged, with a stand-in
for each field that could not be read, so one run lists every problem).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.contentset import ContentSet
from ..content.items import ContentItem
from ..foundation.dates import human_moment, is_live
from ..foundation.fields import (
    Field,
    Invalid,
    boolean_field,
    list_like,
    read_date,
    read_file_schema,
    read_moment,
    read_terms,
    read_text,
    written_as_true_or_false,
)
from ..foundation.headertext import collapse_spaces, header_text_expected, header_text_problem
from ..foundation.problems import Problems, describe
from ..foundation.settings import Settings
from ..foundation.site_paths import HOME_SRC_URI, label_in_sentence
from ..foundation.slugs import slugify
from ..judge.boundary import ProjectBoundary
from ..judge.nesting import TOO_DEEP, too_deep_line
from .markdown import EMAIL_EXTENSIONS


def _one_line(value: Any) -> str:
    """Subject and preheader are single lines in a mail program: runs of spaces (YAML's folding) become one
    space. Both go into headers or the inbox preview, so they follow the header rule, whoever wrote the file."""
    read_text(value)  # words, not a number or a list
    text = collapse_spaces(value)
    problem = header_text_problem(text)
    if problem is not None:
        raise Invalid(header_text_expected(), problem)
    return text


FIELDS = (
    Field("subject", _one_line),
    Field("preheader", _one_line),
    Field("date", read_date),
    Field("sectors", list_like("[retail, hospitality]")),
    boolean_field("draft"),
    Field("publish_at", read_moment),
)
REQUIRED = {key: "required for a newsletter" for key in ("subject", "preheader", "date")}
KNOWN_KEYS = frozenset({*(f.name for f in FIELDS), "items"})
ITEM_KEYS = frozenset({"page", "full", "as_updated"})
# Authors write `{{ name }}` where the reader's whole name goes, `{{ first_name }}` for their first name
# ("Dear {{ first_name }}"); no other merge field exists.
MERGE_FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
NAME_FIELD = "name"
FIRST_NAME_FIELD = "first_name"
MERGE_FIELDS = (NAME_FIELD, FIRST_NAME_FIELD)
DEFAULT_NAME = "Partner"  # whom the letter greets when there is no name: a reader without one, the web version
_NO_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # stands in for a date that could not be read
# Newsletter sources live outside docs/; their relative links resolve from the docs root, like this page's.
LINK_BASE = HOME_SRC_URI


@dataclass(frozen=True)
class FeaturedItem:
    """One site page the newsletter features, as a card or (`full`) with its whole body."""

    page: str  # docs-relative source path, e.g. "guidance/martyns-law.md"
    full: bool
    number: int  # 1-based position in `items`, as messages name it
    line: int | None = None  # the entry's line in the file
    as_updated: bool = False  # featured for its latest change: the card quotes the page's newest change note


@dataclass(frozen=True)
class Newsletter:
    slug: str
    path: str  # project-relative, for messages
    subject: str
    preheader: str
    date: dt.datetime
    sectors: tuple[str, ...]
    draft: bool
    items: tuple[FeaturedItem, ...]
    body: str  # Markdown; `{{ name }}` marks where the reader's name goes
    body_line: int
    publish_at: dt.datetime | None = None  # not on the site, in feeds or sent to the list before this moment
    # Each front-matter key's line (FrontMatter.lines), for problems the rendered email shows with one of them.
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    # A letter read `with_errors`: its file has errors (reported), so it is judged but never published.
    in_error: bool = False
    # Fields that could not be read and stand in with a placeholder: checks that need them are skipped.
    unreadable: frozenset[str] = frozenset()
    renderable: bool = True  # False when the body cannot be rendered at all (nesting too deep)

    def is_live(self, now: dt.datetime) -> bool:
        """Published at `now` (the build's or the send's): neither a draft nor scheduled for later."""
        return is_live(draft=self.draft, publish_at=self.publish_at, now=now)


@dataclass(frozen=True)
class FeaturedPage:
    """A featured item with the page it names, once the content set has confirmed the page exists."""

    item: FeaturedItem
    page: ContentItem

    @property
    def call_to_action(self) -> str:
        """The words of the link to the page, `Read the action card: Run, hide, tell`: one wording for every
        featured page, in full or summed up, so that two cards side by side ask the same thing."""
        return f"Read the {label_in_sentence('types', self.page.kind.label)}: {self.page.title}"


def newsletter_files(settings: Settings) -> list[Path]:
    folder = settings.newsletters_dir
    if not folder.is_dir():
        return []
    return sorted(f for f in folder.glob("*.md") if not f.name.startswith((".", "_")) and f.name.lower() != "readme.md")


def newsletter_slug(file: Path | str) -> str:
    """A newsletter's slug, from its file name: it names the web version, the feed entry and the send record."""
    return slugify(Path(file).stem)


def find_newsletter_file(settings: Settings, ref: str, problems: Problems) -> Path | None:
    """A newsletter named by path (`newsletters/x.md`, relative to here or the project) or by slug (`x`)."""
    candidates = [Path(ref), settings.project_dir / ref] if ref.endswith(".md") or "/" in ref else []
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    for file in newsletter_files(settings):
        if newsletter_slug(file) == newsletter_slug(ref):
            return file
    known = ", ".join(newsletter_slug(f) for f in newsletter_files(settings)) or "none yet"
    problems.error(ref, f"expected a newsletter file or slug from {settings.relative(settings.newsletters_dir)}/ "
                   f"({known})", "no such newsletter")
    return None


def read_newsletter(file: Path, settings: Settings, problems: Problems, *,
                    with_errors: bool = False) -> Newsletter | None:
    """Validate one newsletter file's front matter. Adds every problem; returns None when there are errors, or
    `with_errors` a Newsletter marked `in_error` (None still when there is no front matter to read at all)."""
    path = settings.relative(file)
    refusal = ProjectBoundary.of(settings).refusal(file)
    if refusal is not None:
        problems.error(path, refusal.expected, refusal.found)
        return None
    slug = newsletter_slug(file)
    if not slug:
        # The slug names the web version and the sending journal: an empty one would be shared.
        problems.error(path, "expected a file name with some letters a-z or digits (it becomes the newsletter's "
                       "web address and names its send record), like 2024-05-spring-update.md", repr(file.name))
        return None
    reading = read_file_schema(file, path, problems, FIELDS, REQUIRED, KNOWN_KEYS)
    if reading is None:
        return None
    front, values, report = reading.front, reading.values, reading.report
    sectors = read_terms(values.get("sectors", ()), "sectors", settings.vocabulary.sectors, report)
    items = _items(front.data.get("items"), report, front.lines, front.raw)
    deep_line = too_deep_line(front.body, EMAIL_EXTENSIONS)  # what renders a letter
    if deep_line is not None:
        problems.error(
            path, TOO_DEEP, "nesting the Markdown renderer cannot read", line=front.body_line + deep_line - 1
        )
    unknown: dict[str, int] = {}  # each unknown merge field and where it is first written
    for match in MERGE_FIELD.finditer(front.body):
        if match.group(1) not in MERGE_FIELDS:
            unknown.setdefault(match.group(1), front.body.count("\n", 0, match.start()))
    for name, offset in sorted(unknown.items()):
        problems.error(path, "expected only the merge fields {{ name }} and {{ first_name }} in the letter",
                       repr("{{ " + name + " }}"), line=front.body_line + offset)
    if reading.failed and not with_errors:
        return None
    # A field written but not read (a wrong value), or a required one missing, stands in with a placeholder.
    unreadable = frozenset(f.name for f in FIELDS if f.name not in values
                           and (f.name in front.data or f.name in REQUIRED))
    return Newsletter(slug=slug, path=path, subject=values.get("subject", slug),
                      preheader=values.get("preheader", ""), date=values.get("date", _NO_DATE), sectors=sectors,
                      draft=values.get("draft", False), items=items, body=front.body, body_line=front.body_line,
                      publish_at=values.get("publish_at"), lines=front.lines, in_error=reading.failed,
                      unreadable=unreadable, renderable=deep_line is None)


def load_newsletters(settings: Settings, problems: Problems, *, with_errors: bool = False) -> list[Newsletter]:
    """Every newsletter in the project, newest first, each validated; those with errors are left out, unless
    `with_errors` (then marked `in_error`, to be judged further but never published)."""
    newsletters = [n for f in newsletter_files(settings)
                   if (n := read_newsletter(f, settings, problems, with_errors=with_errors))]
    seen: dict[str, Newsletter] = {}
    for newsletter in newsletters:
        if newsletter.slug in seen:
            problems.error(newsletter.path, f"expected a file name not used by another newsletter "
                           f"({seen[newsletter.slug].path} has the slug {newsletter.slug!r})", repr(newsletter.slug))
        seen.setdefault(newsletter.slug, newsletter)
    return sorted(seen.values(), key=lambda n: (n.date, n.slug), reverse=True)


def resolve_features(newsletter: Newsletter, content: ContentSet, problems: Problems) -> list[FeaturedPage]:
    """The featured pages, each checked against the site: a missing page names the nearest real ones."""
    features = []
    for item in newsletter.items:
        page = content.items.get(item.page)
        key = f"items[{item.number}].page"
        if item.page in content.invalid:
            continue  # the page's own problems are reported where they are; fixing them fixes this too
        if page is None:
            nearest = content.nearest(item.page)
            hint = f" (did you mean {', '.join(nearest)}?)" if nearest else ""
            problems.error(newsletter.path, f"expected a page of the site, as a path inside docs/{hint}",
                           repr(item.page), key=key, line=item.line)
        elif page.draft and not newsletter.draft and not _judged_later(newsletter, "draft"):
            problems.error(newsletter.path, "expected a published page (a draft page is not on the site, so the "
                           "newsletter's link would break)", repr(item.page), key=key, line=item.line)
        elif page.scheduled and page.publish_at is not None and newsletter.is_live(content.now) \
                and not _judged_later(newsletter, "draft", "publish_at"):
            problems.error(newsletter.path, "expected a published page (a page scheduled for "
                           f"{human_moment(page.publish_at)} is not on the site yet, so the newsletter's link would "
                           "break)", repr(item.page), key=key, line=item.line)
        elif item.as_updated and page.latest_change is None:
            problems.error(
                newsletter.path,
                "expected a page with change notes (changes: in its front matter) to feature as updated",
                repr(item.page),
                key=f"items[{item.number}].as_updated",
                line=item.line,
            )
        else:
            features.append(FeaturedPage(item=item, page=page))
    return features


def _judged_later(newsletter: Newsletter, *keys: str) -> bool:
    """Whether a check needs a field that could not be read: it is judged once that field is fixed."""
    return not newsletter.unreadable.isdisjoint(keys)


def fill_name(body: str, name: str, first_name: str | None = None) -> str:
    """The letter with each `{{ name }}` replaced by `name` and each `{{ first_name }}` by `first_name` (by
    `name` when not given); any other field stays as written (an error already)."""
    values = {NAME_FIELD: name, FIRST_NAME_FIELD: name if first_name is None else first_name}
    return MERGE_FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), body)


def _items(value: Any, error: Callable[..., None], lines: dict[str, int],
           raw: Mapping[str, str]) -> tuple[FeaturedItem, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        error("items", "expected a list of pages, each written '- page: guidance/example.md'", describe(value))
        return ()
    items = []
    for number, entry in enumerate(value, start=1):
        if isinstance(entry, str):  # `- guidance/example.md` is a natural shorthand
            entry = {"page": entry}
        if not isinstance(entry, dict):
            error(f"items[{number}]", "expected 'page: <path inside docs/>' and optionally 'full: true' or "
                  "'as_updated: true'",
                  describe(entry))
            continue
        for key in entry:
            if key not in ITEM_KEYS:
                error(f"items[{number}]", "expected only the keys page, full and as_updated", repr(key))
        page, full, as_updated = entry.get("page"), entry.get("full", False), entry.get("as_updated", False)
        if not isinstance(page, str) or not page.strip():
            error(f"items[{number}].page", "expected a page path inside docs/, like guidance/example.md",
                  describe(page))
            continue
        # `yes`, `on` and `True` are true to YAML but refused, as on a page's `draft:` (the handbook says so).
        wrong = False
        for flag, flag_value in (("full", full), ("as_updated", as_updated)):
            written = raw.get(f"items[{number}].{flag}")
            if not isinstance(flag_value, bool):
                error(f"items[{number}].{flag}", "expected true or false", describe(flag_value))
                wrong = True
            elif not written_as_true_or_false(written):
                error(f"items[{number}].{flag}", "expected true or false", repr(written))
                wrong = True
        if wrong:
            continue
        items.append(FeaturedItem(page=page.strip().lstrip("/"), full=full, number=number, as_updated=as_updated,
                                  line=lines.get(f"items[{number}]")))
    return tuple(items)
