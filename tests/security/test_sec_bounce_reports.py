"""Issue 15, item 3: a bounce is written by a server we do not run. What it says (the diagnostic, the names
and IDs it carries) must never reach a header, the suppression list or a terminal unescaped, must not make
`bounces` open a file outside the journal folder, and a broken message is listed, never a traceback.

The hostile reports are the Postfix fixture with its words replaced, fed through the real command after a real
send to aiosmtpd on 127.0.0.1.
"""

from __future__ import annotations

import csv
import mailbox
import re
from pathlib import Path

from protectpress.core.foundation.headertext import header_text_problem
from protectpress.core.sending.bounces import REGISTER_NAME
from sending_relay import project, relay, run, sending_template, write_recipients  # noqa: F401
from support import REPO

SLUG = "2023-03-security-and-policing"
DOMAIN = "protectpress.example.org"
FIXTURE = (REPO / "tests/fixtures/bounces/postfix-hard.eml").read_text(encoding="utf-8")
HOSTILE_WORDS = ("=?utf-8?q?ok=0D=0AReply-To:_evil@attacker.example?= \x1b[2J\x1b[31mEverything is fine\x07 "
                 "\u202egnp.exe \x00 " + "A" * 400)
# Anything a terminal or a mail program would act on: escapes, bells, nulls, line breaks, direction overrides.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _report(address: str, message_id: str, *, words: str = "", tag: str = "") -> bytes:
    text = FIXTURE
    if words:
        text = text.replace("Diagnostic-Code: smtp; 550 5.1.1 <{{recipient}}>: Recipient address rejected:\n"
                            "    User unknown in virtual mailbox table", f"Diagnostic-Code: smtp; 550 5.1.1 {words}")
        assert words in text
    text = (text.replace("{{message_id}}", message_id)
            .replace("{{recipient}}", address).replace("{{report}}", address.split("@")[0] + tag))
    return text.replace("\n", "\r\n").encode("utf-8")


def _send(project, relay, run, people: list[str]) -> dict[str, str]:
    """Each person's Message-ID as aiosmtpd received it: what their bounce returns."""
    write_recipients(project / "recipients.csv", [f"{a},,," for a in people])
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0", "--yes",
                         "--skip-live-check")  # example.org is not served here
    assert code == 0, out + err
    return {r.recipients[0]: r.message["Message-ID"] for r in relay.handler.received}


def test_a_hostile_diagnostic_is_plain_text_everywhere_it_goes(project, relay, run):
    sent = _send(project, relay, run, ["victim@example.com"])
    box = mailbox.mbox(project / "bounces.mbox")
    box.add(_report("victim@example.com", sent["victim@example.com"], words=HOSTILE_WORDS))
    box.close()
    code, out, err = run("bounces", "bounces.mbox")
    assert code == 0, out + err
    assert "Suppressed 1 address, added to" in out
    with (project / "newsletters/suppressed.csv").open(encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    reason = row["reason"]
    assert header_text_problem(reason) is None, reason  # no control character, no encoded word, <= 200 characters
    assert "=?" not in reason and "Everything is fine" in reason and "Reply-To:" in reason  # shown, defused
    code, sends_out, sends_err = run("sends", SLUG)
    assert code == 0
    for shown in (out, err, sends_out, sends_err):
        assert not UNSAFE.search(shown), repr(UNSAFE.search(shown))
        assert "=?utf-8?q?" not in shown


def test_message_ids_that_point_outside_the_journals_match_nothing(project, relay, run):
    _send(project, relay, run, ["someone@example.com"])
    digest = "0123456789abcdef0123456789abcdef"
    box = mailbox.mbox(project / "bounces.mbox")
    for number, message_id in enumerate([
        f"<../../../../tmp/evil.{digest}@x.example>",  # a path out of the journal folder
        f"<{SLUG}.{digest}@{DOMAIN}>",  # our newsletter, but nobody on it has that digest
        f"<{SLUG.upper()}.{digest}@{DOMAIN}>",
        "<" + "a" * 5000 + ">",
    ]):
        box.add(_report("someone@example.com", message_id, tag=f"-{number}"))
    box.close()
    before = sorted(p.name for p in (project / "newsletters/.sends").iterdir())
    code, out, err = run("bounces", "bounces.mbox")
    assert code == 0, out + err
    assert "4 not matched to a newsletter" in out and "Suppressed 0 addresses." in out
    after = sorted(p.name for p in (project / "newsletters/.sends").iterdir())
    assert set(after) - set(before) == {REGISTER_NAME}  # the record of reports read; no journal made
    assert not list((project / "newsletters").glob("**/evil*")) and not list(Path("/tmp").glob("evil.*"))


def test_broken_and_foreign_messages_are_listed_not_a_traceback(project, relay, run):
    sent = _send(project, relay, run, ["someone@example.com"])
    maildir = mailbox.Maildir(project / "Bounces", create=True)
    broken = [
        b"\x00\xff\xfe garbage, not a message at all",
        b"Content-Type: multipart/report; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Status: 5.1.1\r\n",  # a report cut short: a status but nothing returned, so it matches nobody
        b"Content-Type: text/plain; charset=\"x-no-such-charset\"\r\n\r\n550 5.1.1 \xff\xfe\r\n",
        b"Content-Type: multipart/mixed; boundary=a\r\n\r\n"
        + b"--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n" * 2000,  # nested far too deep
        _report("someone@example.com", sent["someone@example.com"], tag="-s",
                words="\udcff".encode("utf-8", "surrogatepass").decode("latin-1")),
    ]
    for raw in broken:
        maildir.add(raw)
    # A file name chosen by whoever can write to the folder: shown, but not as terminal control.
    (project / "Bounces/new/evil\x1b[31mname:2,").write_bytes(b"Subject: hello\r\n\r\nnot a bounce\r\n")
    code, out, err = run("bounces", "Bounces")
    assert code == 0, out + err
    assert "Traceback" not in out + err
    assert "Read 6 messages from Bounces: 1 hard bounce," in out, out
    assert "2 not matched to a newsletter, 3 not readable as bounces." in out
    assert not UNSAFE.search(out + err)
    assert "Bounces: evil [31mname: not a delivery report" in out  # the name is listed, its escape character defused
