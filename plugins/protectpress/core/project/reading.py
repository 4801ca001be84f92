"""A whole protectpress project read at once: settings, content and every problem, for `check` and builds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import markdown

from ..content.changes import newsletter_candidates
from ..content.contentset import ContentSet
from ..content.items import Change, ContentItem
from ..content.loading import load_content
from ..foundation.dates import scheduled_later
from ..foundation.problems import Problems
from ..foundation.settings import Settings, relative_path
from ..judge.boundary import ProjectBoundary
from ..judge.content_policy import check_body
from ..newsletter import render_all
from ..newsletter.model import load_newsletters
from ..newsletter.sender import sender_name_problem
from .notice import Notice, live_notice


@dataclass
class Project:
    settings: Settings
    content: ContentSet
    problems: Problems
    now: dt.datetime  # the one "now" this reading was made at
    notice: Notice | None = None  # the urgent notice, while it is live


def going_live(project: Project) -> list[tuple[dt.datetime, str, str]]:
    """(when, path, title) of each page and newsletter scheduled after the project's "now", soonest first."""
    coming = [(item.publish_at, item.path, item.title) for item in project.content.items.values()
              if item.scheduled and not item.draft and item.publish_at is not None]
    if project.settings.plugin.newsletter.enabled:
        for newsletter in load_newsletters(project.settings, Problems()):
            if not newsletter.draft and scheduled_later(newsletter.publish_at, project.now):
                coming.append((newsletter.publish_at, newsletter.path, newsletter.subject))
    return sorted(coming)


@dataclass(frozen=True)
class Candidates:
    """Each major change made since the last newsletter went to the list (`since`: None when none has, as far as
    the readable send journals tell), and the journals that could not be read (project-relative paths)."""

    since: dt.datetime | None
    changes: list[tuple[ContentItem, Change]]
    unreadable: list[str]


def major_changes_since_last_newsletter(project: Project, problems: Problems) -> Candidates:
    """When the last newsletter went to the list (its send journal says it reached someone: a test send, a
    dry run or the outbox does not count) and each major change made after it. A journal that cannot be read is
    a warning in `problems` and counts as no send."""
    # Only `check` asks this: a build reads the project without loading the send journals' machinery.
    from ..sending.journal import bulk_sent_at
    from ..sending.journal_records import JournalUnreadable
    from ..sending.privacy import sending_paths

    since, unreadable = None, []
    if project.settings.plugin.newsletter.enabled:
        journal_dir = sending_paths(project.settings)[0]
        sent = []
        for newsletter in load_newsletters(project.settings, Problems()):
            try:
                sent.append(bulk_sent_at(journal_dir, newsletter.slug))
            except JournalUnreadable as journal:
                unreadable.append(relative_path(journal.path, project.settings.project_dir))
                problems.warning(unreadable[-1], journal.EXPECTED, journal.found())
        since = max((moment for moment in sent if moment is not None and moment <= project.now), default=None)
    return Candidates(since, newsletter_candidates(project.content, since), unreadable)


def load_project(settings: Settings, problems: Problems | None = None, *, now: dt.datetime) -> Project:
    """Read and validate everything a build would, as at `now` (the run's one "now"), without building: content
    (front matter and active content in bodies), newsletters and their problems."""
    problems = problems if problems is not None else Problems()
    boundary = ProjectBoundary.of(settings)
    content = load_content(settings.docs_dir, settings.project_dir, settings.vocabulary, problems, now=now,
                           boundary=boundary, theme_dir=settings.custom_dir,
                           markdown_extensions=settings.markdown_extensions)
    # After the walk of docs/, as in a build: a notice.md that leads out of the project is then named once.
    notice = live_notice(settings, problems, now)
    check_page_bodies(content, settings, problems)
    if settings.custom_dir is not None:
        # The theme's custom_dir is published too (its assets), so the same rule holds there.
        boundary.files_under(settings.custom_dir, settings.relative(settings.custom_dir), problems)
    if settings.plugin.newsletter.enabled:
        # Every newsletter, drafts included, is validated and rendered through the email rules, as a build does.
        render_all(settings, content, problems)
        sender_name = sender_name_problem(settings)
        if sender_name is not None:
            problems.extend([sender_name])
    return Project(settings=settings, content=content, problems=problems, now=now, notice=notice)


def check_page_bodies(content: ContentSet, settings: Settings, problems: Problems) -> None:
    """`check_body` for every page without a build (`protectpress check`): each body rendered with the project's
    Markdown extensions, as MkDocs renders it, so that check and build judge the same HTML."""
    try:
        renderer = markdown.Markdown(extensions=settings.markdown_extensions, extension_configs=settings.mdx_configs)
    except (ImportError, ValueError, TypeError, AttributeError):
        return  # an extension MkDocs cannot load either: the build names it
    for item in content.items.values():
        renderer.reset()
        check_body(item.path, renderer.convert(item.body), item.body, item.body_line, problems)
