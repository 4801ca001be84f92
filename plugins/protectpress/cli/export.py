"""`protectpress export NEWSLETTER --out DIR`: the email as files, for a mail program or an email service.

Writes `email.html`, `email.txt` and `message.eml` (multipart/alternative, no recipient, `X-Unsent: 1` so
Outlook opens it as a draft to address and send). An email service that does its own unsubscribing gets its
merge tag where our unsubscribe link goes, with `--unsubscribe-placeholder`; otherwise the link is the
`mailto:` unsubscribe address from mkdocs.yml.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.foundation.site_paths import EMAIL_HTML, EMAIL_TEXT
from .common import Subparsers, add_config_option, fail_config, newsletter_file_or_exit, settings_or_exit

FILES = (EMAIL_HTML, EMAIL_TEXT, "message.eml")


def register(subparsers: Subparsers) -> None:
    from ..core.newsletter.model import DEFAULT_NAME  # named in the help: the one import `export --help` pays for

    parser = subparsers.add_parser(
        "export", help="write a newsletter's email as email.html, email.txt and message.eml",
        description="Render a newsletter (drafts too) and write email.html, email.txt and an unaddressed "
        "message.eml that opens as a draft in Outlook and other mail programs.")
    parser.add_argument("newsletter", metavar="NEWSLETTER", help="the newsletter's file (newsletters/x.md) or slug")
    parser.add_argument("--out", metavar="DIR", required=True, help="folder to write the files into")
    parser.add_argument("--unsubscribe-placeholder", metavar="TEXT",
                        help="an email service's merge tag for its unsubscribe link, e.g. '{{unsubscribe_url}}' "
                        "(default: the mailto: unsubscribe address from mkdocs.yml)")
    parser.add_argument("--name-placeholder", metavar="TEXT",
                        help=f"an email service's merge tag for the reader's name, where the letter says "
                        f"{{{{ name }}}} (default: {DEFAULT_NAME!r})")
    parser.add_argument("--first-name-placeholder", metavar="TEXT",
                        help="an email service's merge tag for the reader's first name, where the letter says "
                        "{{ first_name }}, e.g. '*|FNAME|*' (default: as for the name)")
    add_config_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..core.foundation.config import ConfigError
    from ..core.foundation.dates import build_now
    from ..core.foundation.problems import Problems
    from ..core.foundation.templates import html_text
    from ..core.newsletter.message import build_message
    from ..core.newsletter.model import DEFAULT_NAME
    from ..core.newsletter.render import render_newsletter_file
    from ..core.newsletter.rendered import fill_placeholders, unsubscribe_mailto
    from ..core.sending.compose import SenderIdentity

    settings = settings_or_exit(args)
    try:
        sender = SenderIdentity.from_settings(settings, signing=False)  # an export carries no one-click link
    except ConfigError as error:
        fail_config(error)
    problems = Problems()
    file = newsletter_file_or_exit(settings, args.newsletter)
    rendered = render_newsletter_file(settings, str(file), problems, now=build_now())
    if problems:
        print(problems.report(), file=sys.stderr)
    if rendered is None:
        print(f"{args.newsletter}: not exported; fix the problems above.", file=sys.stderr)
        return 1
    mailto = unsubscribe_mailto(sender.unsubscribe_mailto)
    unsubscribe = args.unsubscribe_placeholder or mailto
    name = args.name_placeholder or DEFAULT_NAME
    # Merge tags go in as written (only quotes escaped, to stay inside href="..."): the service replaces them.
    email_html, email_text = fill_placeholders(
        rendered, name_html=name if args.name_placeholder else html_text(name), name_text=name,
        first_name_html=args.first_name_placeholder, first_name_text=args.first_name_placeholder,
        unsubscribe_html=unsubscribe.replace('"', "&quot;"), unsubscribe_text=unsubscribe)
    message = build_message(subject=rendered.subject, html=email_html, text=email_text,
                            from_address=sender.from_address, from_name=sender.from_name, to=None,
                            reply_to=sender.reply_to, list_unsubscribe=[] if args.unsubscribe_placeholder else [mailto],
                            unsent=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / EMAIL_HTML).write_text(email_html, encoding="utf-8")
    (out / EMAIL_TEXT).write_text(email_text, encoding="utf-8")
    (out / "message.eml").write_bytes(message.as_bytes())
    draft = " (a draft: preview only, never bulk-sent)" if rendered.draft else ""
    print(f"Exported {rendered.source_path}{draft} to {out}/: " + ", ".join(FILES))
    return 0
