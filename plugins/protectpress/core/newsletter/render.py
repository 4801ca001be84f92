"""A newsletter rendered into its email: HTML from the Jinja2 + MJML template, the plain-text part from the same
Markdown, both with placeholders for what changes per reader, and checked against the email rules.

The email is rendered once; `rendered.py` fills the reader's name and links into a copy per recipient.
Every mistake goes into the run's `Problems` list; a newsletter with errors renders to None.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup
from mjml import mjml2html

from ..content.changes import updated_line
from ..content.contentset import ContentSet
from ..content.loading import load_content
from ..foundation import emergency
from ..foundation.dates import human
from ..foundation.links import SiteLinks
from ..foundation.nearest import nearest_pages
from ..foundation.problems import Problems
from ..foundation.settings import Settings
from ..foundation.templates import html_text
from ..judge.boundary import ProjectBoundary
from ..judge.content_policy import report_body
from .colours import COLOUR_KEYS, report_colours
from .lines import Clue, SourceLines
from .markdown import ParsedMarkdown, demote_headings, parse_markdown
from .model import (
    LINK_BASE,
    FeaturedPage,
    Newsletter,
    fill_name,
    find_newsletter_file,
    read_newsletter,
    resolve_features,
)
from .rendered import (
    FIRST_NAME_PLACEHOLDER,
    MANAGE_PLACEHOLDER,
    NAME_PLACEHOLDER,
    UNSUBSCRIBE_PLACEHOLDER,
    RenderedNewsletter,
    personalise,
    unsubscribe_mailto,
)
from .rules import EmailExpectations, Violation, check_email
from .text import References, action_link, heading, join_sections, link_line, markdown_text, paragraph
from .web import known_sources, web_src_uri

SOCIAL_ICONS = "assets/images/social/"  # our own origin for any mj-social icons, never Mailjet's
# The email rules that compare the email with a front-matter field: not judged while that field is unreadable
# (it stands in with a placeholder), so the one mistake is named once, at the field.
RULES_ON_FIELD = {"subject": frozenset({"title"}), "preheader": frozenset({"preheader"})}


@dataclass(frozen=True)
class Footer:
    """What the footer says, once, for both parts."""

    organisation: str
    sent_by: str
    footer_text: str
    why_received: str
    contact_address: str
    privacy_url: str
    unsubscribe_url: str
    emergency: dict[str, str]  # core/foundation/emergency.py's template_context, as the site's pp_emergency
    manage_url: str = ""  # MANAGE_PLACEHOLDER when the subscriptions service runs, else ""


def render_newsletter_file(settings: Settings, ref: str, problems: Problems, *, now: dt.datetime,
                      content: ContentSet | None = None,
                      dev_server_url: str | None = None) -> RenderedNewsletter | None:
    """Render one newsletter named by path or slug, as at `now` (the run's one "now": which pages are live).
    Errors go into `problems`; None when there are any."""
    errors_before = len(problems.errors)
    file = find_newsletter_file(settings, ref, problems)
    newsletter = read_newsletter(file, settings, problems, with_errors=True) if file is not None else None
    if newsletter is None:
        return None
    rendered = render_email_outside_build(settings, newsletter, problems, now=now, content=content,
                                          dev_server_url=dev_server_url)
    return rendered if len(problems.errors) == errors_before else None


def render_email_outside_build(settings: Settings, newsletter: Newsletter, problems: Problems, *, now: dt.datetime,
                  content: ContentSet | None = None, dev_server_url: str | None = None,
                  web_src: str | None = None) -> RenderedNewsletter | None:
    """Render a validated letter outside a build: a newsletter, or the urgent notice (core/project/notice.py),
    with the site's pages as at `now` unless `content` is given."""
    if content is None:
        content = _site_content(settings, problems, now)
    colours_ok = report_colours(settings.plugin.newsletter, problems, settings.config_file.name)
    return render_email(settings, newsletter, content, known_sources(settings, content), problems,
                  dev_server_url=dev_server_url, web_src=web_src) if colours_ok else None


def render_email(settings: Settings, newsletter: Newsletter, content: ContentSet, known: set[str], problems: Problems,
                 *, dev_server_url: str | None = None, web_src: str | None = None) -> RenderedNewsletter | None:
    """Render a newsletter (colours already checked). None when it has errors, in its file (`in_error`: then
    its items, body and email rules are judged as far as they can be) or in the email.

    `known` is every page a newsletter may link to (`known_sources`): the same for every issue, so the caller
    works it out once. `web_src` is the page "View in your browser" opens, when not the newsletter's own."""
    errors_before = len(problems.errors)
    links = SiteLinks(dev_server_url, settings.use_directory_urls) if dev_server_url else settings.links
    features = resolve_features(newsletter, content, problems)
    if not newsletter.renderable:
        return None  # its body is already reported as one the renderer cannot read
    privacy_page = settings.plugin.newsletter.privacy_page
    if privacy_page not in known:
        # Every email links its privacy notice; a missing page would go out as a broken link in every inbox.
        problems.error(newsletter.path, "expected the privacy notice the footer links to to be a page of the site "
                       "(set newsletter.privacy_page in mkdocs.yml)", repr(privacy_page), key="footer")
    # As the email has it: a heading "For {{ name }}" reads "For [[pp:name]]" there (same lines).
    filled = fill_name(newsletter.body, NAME_PLACEHOLDER, FIRST_NAME_PLACEHOLDER)
    letter_lines = SourceLines(filled, newsletter.body_line)
    letter = _parse(newsletter, filled, LINK_BASE, None, links, known, problems, letter_lines)
    embeds = {f.page.src_uri: _parse(newsletter, demote_headings(f.page.body), f.page.src_uri, f, links,
                                     known, problems, None) for f in features if f.item.full}
    web_url = links.page_url(web_src or web_src_uri(newsletter.slug))
    footer = _footer(settings, links)
    template = _render_template(settings, newsletter, letter, features, embeds, links, web_url, footer, problems)
    if template is None:
        return None
    html = _mjml(template, settings, newsletter, links, problems)
    if html is None:
        return None
    text = _text(newsletter, letter, features, embeds, links, web_url, footer)
    expect = EmailExpectations(subject=newsletter.subject, preheader=newsletter.preheader, web_url=web_url,
                               privacy_url=footer.privacy_url, organisation=footer.organisation,
                               why_received=footer.why_received, unsubscribe_placeholder=UNSUBSCRIBE_PLACEHOLDER,
                               manage_placeholder=footer.manage_url,
                               site_url=settings.site_url, language=settings.language,
                               dev_server_url=dev_server_url)
    _report_violations(newsletter, letter_lines, features, check_email(html, expect), problems)
    if len(problems.errors) > errors_before or newsletter.in_error:
        return None
    digest = hashlib.sha256("\0".join((newsletter.subject, html, text)).encode("utf-8")).hexdigest()
    return RenderedNewsletter(slug=newsletter.slug, source_path=newsletter.path, subject=newsletter.subject,
                              preheader=newsletter.preheader, date=newsletter.date, sectors=newsletter.sectors,
                              draft=newsletter.draft, html=html, text=text, web_url=web_url, content_hash=digest,
                              features=tuple(features), publish_at=newsletter.publish_at)


def preview(rendered: RenderedNewsletter, settings: Settings) -> tuple[str, str]:
    """The email as a reader with no name on file gets it, unsubscribing by email: the copy the site
    publishes beside the web version, so nobody sees raw placeholders."""
    address = settings.plugin.sending.unsubscribe_address
    return personalise(rendered, name=None, unsubscribe_url=unsubscribe_mailto(address) if address else
                       settings.links.page_url(settings.plugin.newsletter.privacy_page))


def template_path(settings: Settings) -> Path:
    return settings.project_path(settings.plugin.newsletter.template)


def template_exists(settings: Settings, problems: Problems) -> bool:
    path = template_path(settings)
    if not path.is_file():
        problems.error(settings.config_file.name, "expected the email template file to exist",
                       repr(settings.relative(path)), key="plugins.protectpress.newsletter.template")
    return path.is_file()


# ----------------------------------------------------------------------------------------------------------


def _site_content(settings: Settings, problems: Problems, now: dt.datetime) -> ContentSet:
    """The site's pages for a newsletter rendered outside a build; only their errors matter here."""
    scratch = Problems()
    content = load_content(settings.docs_dir, settings.project_dir, settings.vocabulary, scratch, now=now,
                           boundary=ProjectBoundary.of(settings), markdown_extensions=settings.markdown_extensions)
    problems.extend(scratch.errors)
    return content


def _parse(newsletter: Newsletter, text: str, from_src: str, feature: FeaturedPage | None, links: SiteLinks,
           known: set[str], problems: Problems, letter_lines: SourceLines | None) -> ParsedMarkdown:
    """`text` is the letter's body (`letter_lines` its lines), or the body of the `feature`d page (its line count
    unchanged). A problem in the letter names its line; one in a featured page's body, the line of the letter's
    `items:` entry that brings the page in."""
    parsed = parse_markdown(text, links=links, from_src=from_src)
    page = feature.page if feature else None
    where = f" (in the featured page {page.path})" if page else ""
    # A featured page's active content is the page's own mistake: named at its own file and line.
    report_body(page.path if page else newsletter.path, parsed.active, text,
                page.body_line if page else newsletter.body_line, problems)
    def line_of(clue: Clue, occurrence: int = 1) -> int | None:
        if letter_lines is not None:
            return letter_lines.line_of(clue, occurrence)
        return feature.item.line if feature is not None else None

    seen: Counter[str] = Counter()
    for src in parsed.images_without_alt:
        seen[src] += 1
        problems.error(newsletter.path, f"expected alt text for every image, like ![What it shows](image.png){where}",
                       f"an image with none: {src!r}", key="email rule images",
                       line=line_of(Clue(src, "address"), seen[src]))
    for link in parsed.page_links:
        if link.source not in known:
            nearest = nearest_pages(link.source, sorted(known), count=3)
            hint = f" (did you mean {', '.join(nearest)}?)" if nearest else ""
            line = line_of(Clue(link.written, "address"))
            problems.error(newsletter.path, f"expected a link to a page of the site{where}{hint}", repr(link.source),
                           key="body" if line is None else None, line=line)
    return parsed


def _report_violations(newsletter: Newsletter, letter: SourceLines, features: list[FeaturedPage],
                       violations: list[Violation], problems: Problems) -> None:
    """The email rules' findings, each at the line of the newsletter's file that caused it where that can be
    told: a front-matter key's line, the letter's line where the words are written, or the `items:` entry of
    the featured page whose body holds them. A rule about the whole email or its template names no line."""
    embedded = [(SourceLines(f.page.body, f.page.body_line), f.item.line) for f in features if f.item.full]
    seen: Counter[tuple[str, str, Clue]] = Counter()  # the second image without alt text is the second one written
    skipped = {rule for key in newsletter.unreadable for rule in RULES_ON_FIELD.get(key, ())}
    for violation in violations:
        if violation.rule in skipped or violation.front_matter_key in newsletter.unreadable:
            continue
        line = None
        if violation.front_matter_key is not None:
            line = newsletter.lines.get(violation.front_matter_key)
        elif violation.clue is not None:
            occurrence = (violation.rule, violation.expected, violation.clue)
            seen[occurrence] += 1
            line = _written_at(violation.clue, seen[occurrence], letter, embedded)
            if line is None and violation.clue.kind == "link":  # link text written in a way not looked for
                line = _written_at(Clue(violation.clue.text), seen[occurrence], letter, embedded)
        report = problems.warning if violation.warning else problems.error
        report(newsletter.path, violation.expected, violation.found, key=f"email rule {violation.rule}", line=line)


def newsletter_organisation(settings: Settings) -> str:
    """Whose newsletter it is: the footer's sender, and the name the subscriptions service's pages give."""
    return organisation_and_setting(settings)[0]


def organisation_and_setting(settings: Settings) -> tuple[str, str]:
    """Whose newsletter it is and the mkdocs.yml setting that says so. The organisation the site's brand bar names
    unless the newsletter names another, so that a reader who follows an email to the site meets the same name
    (a trial found two); else the site's name."""
    if settings.plugin.newsletter.organisation:
        return settings.plugin.newsletter.organisation, "plugins.protectpress.newsletter.organisation"
    if settings.plugin.brand.organisation:
        return settings.plugin.brand.organisation, "plugins.protectpress.brand.organisation"
    return settings.site_name or "", "site_name"


def _footer(settings: Settings, links: SiteLinks) -> Footer:
    options = settings.plugin.newsletter
    organisation = newsletter_organisation(settings)
    return Footer(
        organisation=organisation, sent_by=f"This email was sent by {organisation}.",
        footer_text=options.footer_text.strip(), why_received=" ".join(options.why_received.split()),
        contact_address=options.contact_address, privacy_url=links.page_url(options.privacy_page),
        unsubscribe_url=UNSUBSCRIBE_PLACEHOLDER,
        emergency=emergency.template_context(),
        manage_url=MANAGE_PLACEHOLDER if settings.plugin.sending.unsubscribe_url else "",
    )


def _feature_context(feature: FeaturedPage, embeds: dict[str, ParsedMarkdown], links: SiteLinks) -> dict:
    page = feature.page
    return {
        "full": feature.item.full, "title": page.title, "kind_label": page.kind.label, "summary": page.summary,
        "url": links.page_url(page.src_uri), "button_text": feature.call_to_action,
        "image_url": links.absolute(page.image, from_src=page.src_uri) if page.image else None,
        "image_alt": page.image_alt or "",
        "body_html": Markup(embeds[page.src_uri].html) if feature.item.full else Markup(""),
        "change": _change_note(feature),
    }


def _change_note(feature: FeaturedPage) -> dict[str, str] | None:
    """What a page featured "as updated" says above its summary: when, and its newest change note."""
    change = feature.page.latest_change if feature.item.as_updated else None
    return {"label": updated_line(change), "note": change.note} if change is not None else None


def _render_template(settings: Settings, newsletter: Newsletter, letter: ParsedMarkdown, features: list[FeaturedPage],
                     embeds: dict[str, ParsedMarkdown], links: SiteLinks, web_url: str, footer: Footer,
                     problems: Problems) -> str | None:
    path = template_path(settings)
    shown = settings.relative(path)
    if not template_exists(settings, problems):
        return None
    options = settings.plugin.newsletter
    brand = {key: getattr(options, key) for key in COLOUR_KEYS}
    brand.update(brand_colour=options.brand_colour, organisation=footer.organisation,
                 logo_url=links.absolute(options.logo) if options.logo else "",
                 logo_alt=options.logo_alt or footer.organisation)
    context = {"language": settings.language, "subject": newsletter.subject, "preheader": newsletter.preheader,
               "date": human(newsletter.date), "web_url": web_url, "brand": brand, "body_html": Markup(letter.html),
               "footer": footer,
               "features": [_feature_context(f, embeds, links) for f in features]}
    try:
        return _email_environment(str(path.parent)).get_template(path.name).render(context)
    except jinja2.TemplateSyntaxError as error:
        problems.error(shown, "expected a template Jinja2 can read", error.message, line=error.lineno)
    except jinja2.TemplateError as error:
        problems.error(shown, "expected a template that renders", str(error), line=_template_line(error, path))
    return None



class _SourceCheckedLoader(jinja2.FileSystemLoader):
    """A template stays compiled while its text is unchanged: a modification time can stay the same across a quick
    edit (the preview, a test), and reading the file again costs far less than compiling it."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, _ = super().get_source(environment, template)

        def uptodate() -> bool:
            try:
                return Path(filename).read_text(encoding=self.encoding) == source
            except OSError:
                return False

        return source, filename, uptodate


@functools.lru_cache(maxsize=4)
def _email_environment(folder: str) -> jinja2.Environment:
    """One environment per templates folder, so that every newsletter of a build (and of the preview's rebuilds)
    renders the email template compiled once, not once per newsletter."""
    return jinja2.Environment(loader=_SourceCheckedLoader(folder), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _written_at(clue: Clue, occurrence: int, letter: SourceLines,
                embedded: list[tuple[SourceLines, int | None]]) -> int | None:
    """The letter's line where the clue is written, else the `items:` line of the featured page that holds it."""
    line = letter.line_of(clue, occurrence)
    if line is None:
        line = next((item_line for body, item_line in embedded if body.line_of(clue)), None)
    return line


def _template_line(error: BaseException, path: Path) -> int | None:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).name == path.name]
    return frames[-1].lineno if frames else None


# MJML hides the preheader in white text; white on the letter's light page is what SpamAssassin scores as
# HTML_FONT_LOW_CONTRAST (0.7 points). It stays hidden (display:none, zero size, opacity 0) in the email's own
# text colour, which the colour check has proved readable on that page.
_MJML_PREVIEW = '<div style="display:none;font-size:1px;color:#ffffff;line-height:1px;'


def _mjml(source: str, settings: Settings, newsletter: Newsletter, links: SiteLinks, problems: Problems) -> str | None:
    try:
        html = mjml2html(source, fonts={}, social_icon_origin=links.absolute(SOCIAL_ICONS), disable_comments=True)
        return html.replace(_MJML_PREVIEW, _MJML_PREVIEW.replace(
            "#ffffff", html_text(settings.plugin.newsletter.text_colour)), 1)
    except (ValueError, RuntimeError) as error:
        problems.error(settings.relative(template_path(settings)), f"expected valid MJML (rendering {newsletter.path})",
                       str(error))
        return None


def _text(newsletter: Newsletter, letter: ParsedMarkdown, features: list[FeaturedPage],
          embeds: dict[str, ParsedMarkdown], links: SiteLinks, web_url: str, footer: Footer) -> str:
    references = References()
    sections = [link_line("View in your browser", web_url), paragraph(footer.organisation),
                heading(newsletter.subject, 1), paragraph(human(newsletter.date)), markdown_text(letter, references)]
    for feature in features:
        url = links.page_url(feature.page.src_uri)
        sections.append(heading(feature.page.title, 2))
        update = _change_note(feature)
        if update is not None:
            sections.append(paragraph(f"{update['label']}: {update['note']}"))
        if feature.item.full:
            sections.append(markdown_text(embeds[feature.page.src_uri], references))
        elif feature.page.summary:
            sections.append(paragraph(feature.page.summary))
        sections.append(action_link(feature.call_to_action, url))
    emergency_line = footer.emergency["text"]
    sections += ["-" * 20, paragraph(emergency_line),
                 paragraph(f"{footer.sent_by} {footer.footer_text}".strip()), paragraph(footer.why_received)]
    if footer.contact_address:
        sections.append(link_line("Contact us", footer.contact_address))
    sections.append(link_line("Privacy notice", footer.privacy_url))
    if footer.manage_url:
        sections.append(link_line("Manage your email (your sectors, or unsubscribe)", footer.manage_url))
    sections.append(f"To stop getting these emails, unsubscribe with this link:\n{footer.unsubscribe_url}")
    return join_sections(*sections)
