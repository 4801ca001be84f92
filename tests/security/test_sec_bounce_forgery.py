"""Issue 15, item 3: a bounce report can be written by anyone. Knowing a partner's address and a newsletter's
slug (both easy to learn) must not be enough to forge a hard bounce that gets them suppressed: our Message-IDs
and VERP tags carry the journal's secret, so the ones worked out without it (the unsalted digest of slug and
address that protectpress used to send) match nothing.

A real send to aiosmtpd on 127.0.0.1, then forged and genuine reports fed through the real `bounces` command.
"""

from __future__ import annotations

import csv
import mailbox
from pathlib import Path

from protectpress.core.newsletter.message import stable_message_id
from sending_relay import project, relay, run, sending_template, write_recipients  # noqa: F401
from support import REPO

SLUG = "2023-03-security-and-policing"
DOMAIN = "protectpress.example.org"
VICTIM = "partner@example.com"
FIXTURE = (REPO / "tests/fixtures/bounces/postfix-hard.eml").read_text(encoding="utf-8")
# Nothing of the message comes back: only the VERP address it was sent to says whom it is about.
TERSE_REPORT = (REPO / "tests/fixtures/bounces/terse-verp-only.eml").read_text(encoding="utf-8")


def _hard_bounce(message_id: str, tag: str) -> bytes:
    text = (FIXTURE.replace("{{message_id}}", message_id).replace("{{recipient}}", VICTIM)
            .replace("{{report}}", f"forgery{tag}"))
    return text.replace("\n", "\r\n").encode("utf-8")


def _send(project: Path, relay, run) -> None:
    write_recipients(project / "recipients.csv", [f"{VICTIM},,,", "other@example.com,,,"])
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0", "--yes",
                         "--skip-live-check")  # example.org is not served here
    assert code == 0, out + err


def _read_bounces(project: Path, run, reports: list[bytes]) -> str:
    path = project / f"bounces-{len(list(project.glob('bounces-*.mbox')))}.mbox"
    box = mailbox.mbox(path)
    for raw in reports:
        box.add(raw)
    box.close()
    code, out, err = run("bounces", path.name)
    assert code == 0, out + err
    return out


def _suppressed(project: Path) -> set[str]:
    path = project / "newsletters/suppressed.csv"
    if not path.exists():
        return set()
    with path.open(encoding="utf-8") as handle:
        return {row["email"] for row in csv.DictReader(handle)}


def test_a_bounce_forged_from_the_address_and_slug_suppresses_nobody(project, relay, run):
    _send(project, relay, run)
    guessed = stable_message_id(SLUG, VICTIM, DOMAIN)  # all an outsider can work out
    out = _read_bounces(project, run, [_hard_bounce(guessed, "-guessed"),
                                       _hard_bounce(guessed.replace(DOMAIN, "mx.example.com"), "-other-domain")])
    assert "0 hard bounces" in out and "2 not matched to a newsletter" in out and "Suppressed 0 addresses." in out, out
    assert _suppressed(project) == set()
    # The real Message-ID (only the journal and the partner's own mail know it) still matches.
    [real] = [r.message["Message-ID"] for r in relay.handler.received if r.recipients == [VICTIM]]
    assert real != guessed
    out = _read_bounces(project, run, [_hard_bounce(real, "-real")])
    assert "1 hard bounce," in out, out
    assert _suppressed(project) == {VICTIM}


def test_a_bounce_forged_to_a_guessed_verp_address_suppresses_nobody(project, relay, run):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      sending:\n", "      sending:\n        return_path: bounces+@protectpress.example.org\n", 1))
    _send(project, relay, run)
    guessed_tag = stable_message_id(SLUG, VICTIM, DOMAIN).split(".", 1)[1][:20]
    forged = TERSE_REPORT.format(to=f"bounces+{guessed_tag}@{DOMAIN}", tag="guessed").encode()
    out = _read_bounces(project, run, [forged])
    assert "0 hard bounces" in out and "1 not matched to a newsletter" in out, out
    assert _suppressed(project) == set()
    [real] = [r.sender for r in relay.handler.received if r.recipients == [VICTIM]]
    assert real != f"bounces+{guessed_tag}@{DOMAIN}"
    out = _read_bounces(project, run, [TERSE_REPORT.format(to=real, tag="real").encode()])
    assert "1 hard bounce," in out, out
    assert _suppressed(project) == {VICTIM}
