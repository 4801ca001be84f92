"""The MIME builder: parsed back with the `email` package, and checked in the raw bytes a relay receives."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

import pytest

from protectpress.core.newsletter.message import MessageTemplate, build_message, stable_message_id, with_test_prefix

MAILTO = "mailto:unsubscribe@protectpress.example.org?subject=unsubscribe"
# Long enough that any folding policy would have to wrap it.
HTTPS = (
    "https://protectpress.example.org/unsubscribe?e="
    + "0123456789abcdef" * 4
    + "&newsletter=2023-03-security-and-policing"
)


def make(**overrides):
    values = dict(
        subject="Security and Policing 2023: what it means for your business — “à la carte” £5",
        html="<html><body><p>Dear Siân,</p>" + "<p>" + "word " * 400 + "</p></body></html>",
        text="Dear Siân,\n\nThree things to do this month.\n",
        from_address="newsletter@protectpress.example.org",
        from_name="The ProtectUK Team",
        to=("Siân O'Neill", "sian@example.com"),
        message_id=stable_message_id("2023-03-security-and-policing", "sian@example.com", "protectpress.example.org"),
        date=dt.datetime(2023, 3, 30, 9, 0, tzinfo=dt.UTC),
        reply_to="newsletter@protectpress.example.org",
        return_path="bounces@protectpress.example.org",
        list_unsubscribe=[MAILTO, HTTPS],
        one_click=True,
    )
    values.update(overrides)
    return build_message(**values)


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_list_unsubscribe_is_one_unfolded_line_in_the_bytes_sent():
    raw = make().as_bytes()
    assert f"\r\nList-Unsubscribe: <{MAILTO}>, <{HTTPS}>\r\n".encode() in raw
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    assert b"=?utf-8?" not in raw.split(b"List-Unsubscribe:")[1].split(b"\r\n")[0]
    assert parse(raw)["List-Unsubscribe"] == f"<{MAILTO}>, <{HTTPS}>"


@pytest.mark.parametrize("subject", [
    "Confirm your email address for Protect and Prepare partnership (example)",  # fits a line of its own
    "Winter update: " + "lockdown plans and the retail expo, " * 4 + "and more",
    "https://protectpress.example.org/" + "x" * 90 + " is the one word too long for a line",
])
def test_a_long_plain_subject_folds_at_its_spaces_and_reads_back_as_written(subject):
    raw = make(subject=subject).as_bytes()
    header = raw.split(b"\r\nSubject:", 1)[1].split(b"\r\nDate:")[0]
    assert header.startswith(b" ") and header[1:2] != b"\r"  # the first word beside "Subject:", not below it
    assert parse(raw)["Subject"] == subject  # CPython's own folding read back with a leading space


def test_both_parts_text_first_in_utf8_and_no_line_over_the_smtp_limit():
    raw = make().as_bytes()
    message = parse(raw)
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert all(p["Content-Transfer-Encoding"] == "quoted-printable" for p in parts)
    assert parts[0].get_content().startswith("Dear Siân,")
    assert "word word" in parts[1].get_content()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only, as SMTP wants


def test_non_ascii_subject_and_names_survive_the_round_trip():
    message = parse(make().as_bytes())
    assert message["Subject"] == "Security and Policing 2023: what it means for your business — “à la carte” £5"
    assert message["To"].addresses[0].display_name == "Siân O'Neill"
    assert message["To"].addresses[0].addr_spec == "sian@example.com"
    assert message["From"].addresses[0].display_name == "The ProtectUK Team"
    assert message["Reply-To"] == "newsletter@protectpress.example.org"
    assert message["Return-Path"] == "<bounces@protectpress.example.org>"
    assert message["Date"].datetime == dt.datetime(2023, 3, 30, 9, 0, tzinfo=dt.UTC)


def test_message_id_is_stable_per_newsletter_and_recipient():
    first = stable_message_id("2023-03-security-and-policing", "Sian@Example.com", "protectpress.example.org")
    again = stable_message_id("2023-03-security-and-policing", "sian@example.com ", "protectpress.example.org")
    other_person = stable_message_id("2023-03-security-and-policing", "jo@example.com", "protectpress.example.org")
    other_issue = stable_message_id("2023-04-next", "sian@example.com", "protectpress.example.org")
    assert first == again
    assert len({first, other_person, other_issue}) == 3
    assert re.fullmatch(r"<2023-03-security-and-policing\.[0-9a-f]{32}@protectpress\.example\.org>", first)
    assert "sian" not in first  # a forwarded message does not reveal the list
    assert f"\r\nMessage-ID: {first}\r\n".encode() in make(message_id=first).as_bytes()


def test_unsent_draft_has_no_recipient_and_x_unsent():
    message = parse(make(to=None, unsent=True, list_unsubscribe=[MAILTO], one_click=False).as_bytes())
    assert message["To"] is None
    assert message["X-Unsent"] == "1"
    assert message["List-Unsubscribe-Post"] is None
    assert message["Message-ID"].endswith("@protectpress.example.org>")


def test_one_click_needs_a_web_address_and_bad_uris_are_refused():
    with pytest.raises(ValueError, match="web address"):
        make(list_unsubscribe=[MAILTO], one_click=True)
    with pytest.raises(ValueError, match="ASCII"):
        make(list_unsubscribe=["https://example.org/unsubscribe?e=a b"])
    with pytest.raises(ValueError, match="998"):
        make(list_unsubscribe=["https://example.org/" + "a" * 1000])


def test_test_prefix_is_added_once():
    assert with_test_prefix("Hello") == "[TEST] Hello"
    assert with_test_prefix("[TEST] Hello") == "[TEST] Hello"


def test_extra_headers_are_added():
    assert parse(make(extra_headers={"X-Campaign": "2023-03"}).as_bytes())["X-Campaign"] == "2023-03"


# -- the template a send writes each copy from: byte for byte what build_message writes ------------------------

READERS = [
    ("Siân O'Neill", "sian@example.com"),
    ("", "nameless@example.com"),
    ("Zoë Ærøskøbing-Łukasiewicz, Head of Security (Ünïcode Holdings plc), “quoted”", "zoe@example.com"),
    ('Jo "JJ" Bloggs \\ Sons', "jo@example.com"),
    ("Müller", "müller@bücher.example"),  # an international address: the UTF-8 policy
    ("田中太郎", "tanaka@example.jp"),
    ("A" * 120 + " " + "B" * 70, "long.name@example.com"),
]


@pytest.mark.parametrize("shared", [
    dict(one_click=True, reply_to="newsletter@protectpress.example.org", return_path="bounces@protectpress.example.org",
         list_id="newsletter.protectpress.example.org"),
    dict(one_click=False, from_name="", subject="Plain ASCII subject"),
], ids=["everything", "least"])
def test_a_template_writes_each_copy_byte_for_byte_as_build_message_does(shared):
    values = dict(subject="Security and Policing 2023: what it means for your business — “à la carte” £5",
                  from_address="newsletter@protectpress.example.org", from_name="The ProtectUK Team — Écosse")
    values.update(shared)
    template = MessageTemplate(**values)
    date = dt.datetime(2023, 3, 30, 9, 0, tzinfo=dt.UTC)
    for number, (name, address) in enumerate(READERS):
        html = f"<html><body><p>Dear {name},</p><p>{'word ' * 300}=?x?= --{template.boundary}</p>\r\n</body></html>"
        text = f"Dear {name},\r\n\r\nThree things.\rLast line, no line break"
        reader = dict(to=(name, address), html=html, text=text, date=date,
                      message_id=stable_message_id("2023-03", address, "protectpress.example.org"),
                      list_unsubscribe=[MAILTO, f"{HTTPS}&n={number}"] if values["one_click"] else [MAILTO])
        fast = template.as_bytes(**reader)
        plain = build_message(**values, **reader, boundary=template.boundary).as_bytes()
        assert fast == plain, name
        assert [part.get_content_type() for part in parse(fast).iter_parts()] == ["text/plain", "text/html"]
    # A copy without a Date or Message-ID given is dated now and has an ID of its own, as build_message's is.
    reader = dict(to=READERS[0], html="h", text="t", list_unsubscribe=[MAILTO, HTTPS])
    assert parse(template.as_bytes(**reader))["Message-ID"] != parse(template.as_bytes(**reader))["Message-ID"]
