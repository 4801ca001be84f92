"""The urgent notice: one file, `docs/notice.md`, that puts a banner at the top of every page, leads every feed
and can go out as a short email, until it expires or the file is removed.

GOV.UK's emergency banner is the model: high contrast, above the header, never dismissible. The emergency line
(core/foundation/emergency.py) is separate and stays as it is on every page.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.model import NOTICE_SOURCE
from ..feeds.entry import FeedEntry
from ..foundation.config import Settings
from ..foundation.dates import human, human_moment
from ..foundation.frontmatter import (
    Field,
    Invalid,
    read_front_matter,
    read_moment,
    read_schema,
    read_text,
    reporter,
)
from ..foundation.htmltree import parse_html
from ..foundation.problems import Problem, Problems, describe
from ..judge.boundary import ProjectBoundary
from ..newsletter.markdown import parse_markdown
from ..newsletter.model import Newsletter
from ..newsletter.render import RenderedNewsletter, render_letter

NOTICE_KIND = "notice"


class NoticeLevel(str, enum.Enum):
    """How grave the notice is; each has its own high-contrast colours in protectpress.css."""

    CRITICAL = "critical"  # an attack or threat: act now
    WARNING = "warning"  # disruption, a changed threat level
    INFORMATION = "information"  # urgent, but no action needed


@dataclass(frozen=True)
class Notice:
    path: str  # project-relative, for messages
    level: NoticeLevel
    title: str
    body: str  # Markdown
    date: dt.datetime | None  # when it was issued (optional)
    expires: dt.datetime | None
    expires_line: int | None = None  # its line in the file, for "expired" messages
    body_line: int = 1  # the file line on which `body` (the words, blank lines before them left out) starts

    @property
    def slug(self) -> str:
        """Names this wording of the notice: its email's send journal, its feed entry's id. Changing the words
        makes a new notice, sent again; the same notice sent twice resumes the first send."""
        digest = hashlib.sha256(f"{self.level.value}\n{self.title}\n{self.body}".encode()).hexdigest()[:10]
        return f"notice-{digest}"

    def live_at(self, now: dt.datetime) -> bool:
        return self.expires is None or now < self.expires


def _level(value: Any) -> NoticeLevel:
    try:
        return NoticeLevel(value)
    except ValueError:
        raise Invalid(f"expected a level: one of {', '.join(level.value for level in NoticeLevel)}",
                      describe(value)) from None


FIELDS = (Field("level", _level), Field("title", read_text), Field("date", read_moment),
          Field("expires", read_moment))
REQUIRED = {"level": "required for the notice", "title": "required for the notice"}


def read_notice(settings: Settings, problems: Problems) -> Notice | None:
    """The notice in docs/notice.md, validated, or None when there is none or it has errors."""
    file = settings.docs_dir / NOTICE_SOURCE
    if not file.is_file():
        return None
    path = settings.relative(file)
    if _refused(file, path, settings, problems):
        return None
    front = read_front_matter(file, path, problems)
    if front is None:
        return None
    errors_before = len(problems.errors)
    report = reporter(problems, path, front)
    values = read_schema(front, FIELDS, REQUIRED, (field_.name for field_ in FIELDS), report)
    if not front.body.strip():
        problems.error(path, "expected the notice's words below the front matter: what is happening and what "
                       "to do", "none", line=front.body_line)
    if len(problems.errors) > errors_before or front.slips:  # a slip left a key out
        return None
    words = front.body.strip()
    blank_lines_before = front.body[: front.body.index(words)].count("\n")
    return Notice(path=path, level=values["level"], title=values["title"], body=words + "\n",
                  date=values.get("date"), expires=values.get("expires"), expires_line=front.lines.get("expires"),
                  body_line=front.body_line + blank_lines_before)


def _refused(file: Path, path: str, settings: Settings, problems: Problems) -> bool:
    """Whether the project boundary refuses the notice (a link out of the project, or to personal data): it would
    be built into every page and feed and emailed, so it is held to the rule for every published file."""
    boundary = ProjectBoundary.of(settings)
    refusal = boundary.refusal(file, also_inside=boundary.named_outside(settings.docs_dir))
    if refusal is None:
        return False
    problem = Problem(path, refusal.expected, refusal.found)
    if problem not in problems:  # a build's walk of docs/ names the same link before the notice is read
        problems.extend([problem])
    return True


def live_notice(settings: Settings, problems: Problems, now: dt.datetime) -> Notice | None:
    """The notice to show in this build: none once it has expired (check says so)."""
    notice = read_notice(settings, problems)
    if notice is None:
        return None
    if not notice.live_at(now):
        problems.info(notice.path, "expected a notice that has not expired (it is no longer shown; delete the "
                      "file)", f"expired at {human_moment(notice.expires)}" if notice.expires else None,
                      key="expires", line=notice.expires_line)
        return None
    return notice


def notice_html(notice: Notice, settings: Settings) -> str:
    """The notice's words as sanitised HTML, its links absolute: the banner is on pages at every depth."""
    return parse_markdown(notice.body, links=settings.links, from_src="index.md").html


def banner(notice: Notice, settings: Settings) -> dict[str, str]:
    """What overrides/partials/pp-notice.html shows. `title` is plain text: the template escapes it."""
    return {
        "id": notice.slug,
        "level": notice.level.value,
        "title": notice.title,
        "html": notice_html(notice, settings),
        "expires": human_moment(notice.expires) if notice.expires else "",
    }


def notice_feed_entry(notice: Notice, settings: Settings, now: dt.datetime) -> FeedEntry:
    """The notice as the first entry of every feed. Its id names this wording, so a new notice is new to feed
    readers. Without a `date` it carries the build's time (README asks for a date, so rebuilds keep it)."""
    # The banner on the home page, by its id: the entry's link and its permanent id are the same address.
    banner_url = f"{settings.links.page_url('index.md')}#{notice.slug}"
    issued = notice.date or now
    return FeedEntry(id=banner_url, url=banner_url, title=notice.title,
                     summary=f"Urgent notice, {human(issued)}: {notice.title}", published=issued, updated=issued,
                     content_html=notice_html(notice, settings), page_path="", source_path=notice.path,
                     kind=NOTICE_KIND, sectors=("all",) if "all" in settings.vocabulary.sectors else ())


def render_notice_email(settings: Settings, problems: Problems, now: dt.datetime) -> RenderedNewsletter | None:
    """The live notice as a short email, through the newsletter's own renderer and rules: its words under the
    title, "View in your browser" opening the home page, where the banner is. None, with a problem, when
    there is no live notice to send."""
    file = settings.docs_dir / NOTICE_SOURCE
    if not file.is_file():
        problems.error(settings.relative(file), "expected an urgent notice to send (level, title and expires in "
                       "its front matter, then its words)", "no such file")
        return None
    notice = read_notice(settings, problems)
    if notice is None:
        return None
    if not notice.live_at(now):
        problems.error(notice.path, "expected a notice that has not expired, to send",
                       f"expired at {human_moment(notice.expires)}" if notice.expires else None, key="expires",
                       line=notice.expires_line)
        return None
    # From the HTML, not the Markdown tree: the tree holds Python-Markdown's placeholder characters where the
    # notice has inline HTML (even a <b>), and MJML refuses a preheader with them.
    words = parse_html(parse_markdown(notice.body, links=settings.links, from_src="index.md").html).text()
    first_line = " ".join(words.split())
    letter = Newsletter(slug=notice.slug, path=notice.path, subject=notice.title,
                        preheader=first_line[:110], date=notice.date or now, sectors=(), draft=False, items=(),
                        body=notice.body, body_line=notice.body_line)
    return render_letter(settings, letter, problems, web_src="index.md")
