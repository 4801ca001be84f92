"""Issue 11, item 1: nothing a recipients CSV, a newsletter or mkdocs.yml says becomes a header or a body.

Each test drives the real command on hostile input and reads what came out as a mail program would: the
messages an aiosmtpd relay on 127.0.0.1 received, or `message.eml`, parsed by Python's email package.
"""

from __future__ import annotations

import base64
import csv
import email
import email.policy
import json
from pathlib import Path

import pytest

from sending_relay import project, relay, run, sending_template  # noqa: F401
from support import FIXTURES, copy_project

SLUG = "2023-03-security-and-policing"
REPLY_TO = "newsletter@protectpress.example.org"
EVIL = "evil.example"
# Each one has tried to add a Reply-To, a Bcc, a Subject or a body of its own, or to hide what it is.
HOSTILE_NAMES = {
    "encoded-q@example.com": "=?utf-8?q?Partner=0D=0AReply-To:_x@evil.example=0D=0ASubject:_Urgent=0D=0A=0D=0APay?=",
    "encoded-b@example.com": "=?utf-8?b?" + base64.b64encode(b"Partner\r\nBcc: x@evil.example").decode() + "?=",
    "nel@example.com": "Partner\x85Reply-To: x@evil.example",
    "separator@example.com": "Partner\u2028Reply-To: x@evil.example",
    "escape@example.com": "Partner\x1b]8;;https://evil.example\x07",
    "override@example.com": "Partner \u202eelpmaxe.live",
    "crlf@example.com": "Partner\r\nReply-To: x@evil.example\r\n\r\nPay now",  # last: it spans four lines
}
# Awkward but honest: quoted, escaped and kept as written.
FRIENDLY_NAMES = {
    "sian@example.com": "Siân O'Neill & Co",
    "jo@example.com": 'Jo "JJ" Smith, <boss@example.com> (Head); \\ =?',
}


def write_csv(path: Path, rows: dict[str, str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "organisation", "sectors"])
        writer.writerows([address, name, "", ""] for address, name in rows.items())


def test_a_hostile_recipient_name_never_becomes_a_header_or_a_body(project, relay, run):
    write_csv(project / "recipients.csv", {**HOSTILE_NAMES, **FRIENDLY_NAMES})
    code, out, err = run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(),
                         "--rate", "0", "--yes")
    assert code == 0, out + err  # every deliverable recipient has it: the bad rows are skipped, not fatal
    received = {message.recipients[0]: message for message in relay.handler.received}
    assert set(received) == set(FRIENDLY_NAMES)
    for address, arrived in received.items():
        assert EVIL.encode() not in arrived.data
        message = arrived.message
        for header in ("From", "To", "Subject", "Reply-To", "Message-ID", "List-Unsubscribe", "Bcc"):
            assert len(message.get_all(header) or []) == (0 if header == "Bcc" else 1), header
        assert message["Reply-To"] == REPLY_TO
        [to] = message["To"].addresses
        assert (to.display_name, to.addr_spec) == (FRIENDLY_NAMES[address], address)
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    for line in range(2, 2 + len(HOSTILE_NAMES)):
        assert f"recipients.csv:{line}: " in err and "(this line is skipped)" in err
    assert "Traceback" not in out + err


# -- the newsletter's own text: subject and preheader ---------------------------------------------------------

HOSTILE_TEXT = {
    "encoded": '"=?utf-8?q?Winter=0D=0ABcc:_x@evil.example=0D=0A=0D=0APay_now?="',
    "crlf": '"Winter\\r\\nBcc: x@evil.example"',
    "nel": '"Winter\\NBcc: x@evil.example"',
    "separator": '"Winter\\LBcc: x@evil.example"',
    "escape": '"Winter \\e[2J cleared"',
}
GOOD = {"subject": '"A subject"', "preheader": '"A preheader long enough for the inbox preview of this letter"'}
AWKWARD_SUBJECT = 'The "4 Cs" & <you> — ünïcode: is 2+2=? yes'


def newsletter(key: str, value: str) -> str:
    values = {**GOOD, key: value}
    return (f"---\nsubject: {values['subject']}\npreheader: {values['preheader']}\ndate: 2024-03-01\ndraft: true\n"
            "---\n\nDear {{ name }},\n\nA short letter.\n")


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> Path:
    """The newsletter fixture with one hostile newsletter per key and value, and one awkward honest one."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("letters") / "project")
    for key in ("subject", "preheader"):
        for kind, value in HOSTILE_TEXT.items():
            (project / "newsletters" / f"{key}-{kind}.md").write_text(newsletter(key, value), encoding="utf-8")
    (project / "newsletters" / "awkward.md").write_text(newsletter("subject", json.dumps(AWKWARD_SUBJECT)),
                                                         encoding="utf-8")
    return project


def test_check_names_each_hostile_subject_and_preheader_by_file_key_and_line(letters, run, monkeypatch):
    monkeypatch.chdir(letters)
    code, out, err = run("check", "--format", "json")
    assert code == 1, out + err
    problems = json.loads(out)["problems"]
    named = {(p["path"], p["key"], p["line"]) for p in problems
             if p["severity"] == "error" and p["expected"].startswith("plain text on one line")}
    line = {"subject": 2, "preheader": 3}
    assert named == {(f"newsletters/{key}-{kind}.md", key, line[key])
                     for key in ("subject", "preheader") for kind in HOSTILE_TEXT}
    assert not [p for p in problems if p["path"] == "newsletters/awkward.md" and p["severity"] == "error"]


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXT))
def test_export_refuses_a_hostile_subject_and_writes_no_message(letters, run, monkeypatch, tmp_path, kind):
    monkeypatch.chdir(letters)
    code, out, err = run("export", f"subject-{kind}", "--out", str(tmp_path / "out"))
    assert code == 1, out + err
    assert f"newsletters/subject-{kind}.md:2: subject: expected plain text on one line" in err
    assert not (tmp_path / "out" / "message.eml").exists()


def test_export_keeps_an_awkward_honest_subject_exactly(letters, run, monkeypatch, tmp_path):
    monkeypatch.chdir(letters)
    code, out, err = run("export", "awkward", "--out", str(tmp_path))
    assert code == 0, out + err
    message = email.message_from_bytes((tmp_path / "message.eml").read_bytes(), policy=email.policy.default)
    assert message["Subject"] == AWKWARD_SUBJECT
    assert [name for name, _ in message.items()].count("Subject") == 1


# -- mkdocs.yml: every sending setting that reaches a header --------------------------------------------------

HOSTILE_SETTINGS = {
    "from_name": "'=?utf-8?q?News=0D=0ABcc:_x@evil.example?='",
    "reply_to": "'=?utf-8?q?a=0D=0ABcc=3A_x=40evil.example?=@example.org'",
    "return_path": "'=?utf-8?q?b=0D=0ABcc=3A_x=40evil.example?=@example.org'",
    "unsubscribe_mailto": "'=?utf-8?q?c=0D=0ABcc=3A_x=40evil.example?=@example.org'",
    "unsubscribe_url": "'https://protectpress.example.org/u/=?utf-8?q?=0D=0ABcc:_x@evil.example?='",
    "list_id": "'news.example.org=?utf-8?q?=0D=0ABcc:_x@evil.example?='",
}


@pytest.mark.parametrize("key", sorted(HOSTILE_SETTINGS))
def test_a_hostile_sending_setting_stops_the_send_naming_the_setting(project, relay, run, key):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.strip().startswith(f"{key}:"))
    config.write_text(text.replace("      sending:\n", f"      sending:\n        {key}: {HOSTILE_SETTINGS[key]}\n", 1),
                      encoding="utf-8")
    code, out, err = run("send", SLUG, "--test", "editor@example.org", "--smtp", relay.url())
    assert code == 2, out + err
    assert f"plugins.protectpress.sending.{key}: expected" in err
    assert relay.handler.received == []
    if key == "from_name":  # the one setting that is text, not an address: `check` reports it too
        code, out, err = run("check", "--format", "json")
        assert code == 1
        assert any(p["key"] == "plugins.protectpress.sending.from_name" and p["path"] == "mkdocs.yml"
                   for p in json.loads(out)["problems"])


# -- the one function every header value goes through ---------------------------------------------------------

HEADER_ARGUMENTS = {
    "from_name": lambda value: {"from_name": value},
    "from_address": lambda value: {"from_address": f"{value}@example.org"},
    "to name": lambda value: {"to": (value, "reader@example.org")},
    "to address": lambda value: {"to": ("Reader", f"{value}@example.org")},
    "subject": lambda value: {"subject": value},
    "message_id": lambda value: {"message_id": f"<{value}@example.org>"},
    "reply_to": lambda value: {"reply_to": f"{value}@example.org"},
    "return_path": lambda value: {"return_path": f"{value}@example.org"},
    "list_unsubscribe": lambda value: {"list_unsubscribe": [f"https://example.org/u?{value}"]},
    "list_id": lambda value: {"list_id": f"news.{value}.example.org"},
    "extra header": lambda value: {"extra_headers": {"X-Campaign": value}},
}
HOSTILE_VALUES = ["=?utf-8?q?a=0D=0ABcc=3A_x=40evil.example?=", "a\r\nBcc: x@evil.example", "a\x00b", "a\x7fb",
                  "a\x85b", "a\u2028b", "a\u2029b", "a\u202eb"]


@pytest.mark.parametrize("header", sorted(HEADER_ARGUMENTS))
def test_build_message_refuses_hostile_text_in_every_header(header):
    from protectpress.core.foundation.headertext import HeaderTextError
    from protectpress.core.newsletter.message import build_message

    for value in HOSTILE_VALUES:
        arguments = {"subject": "S", "html": "<p>h</p>", "text": "t", "from_address": "news@example.org",
                     **HEADER_ARGUMENTS[header](value)}
        with pytest.raises(HeaderTextError):
            build_message(**arguments).as_bytes()


@pytest.mark.parametrize("header", sorted(set(HEADER_ARGUMENTS) - {"extra header"}))
def test_a_send_s_message_template_refuses_hostile_text_in_every_header(header):
    """A send writes each copy from a `MessageTemplate`: the same refusals, whether the value is shared by every
    copy (written once) or the reader's own."""
    from protectpress.core.foundation.headertext import HeaderTextError
    from protectpress.core.newsletter.message import MessageTemplate

    for value in HOSTILE_VALUES:
        arguments = {"subject": "S", "from_address": "news@example.org", "to": ("Reader", "reader@example.org"),
                     "list_unsubscribe": ["https://example.org/u"], **HEADER_ARGUMENTS[header](value)}
        shared = {key: arguments.pop(key) for key in list(arguments) if key not in ("to", "message_id",
                                                                                     "list_unsubscribe")}
        with pytest.raises(HeaderTextError):
            MessageTemplate(**shared).as_bytes(html="<p>h</p>", text="t", **arguments)
