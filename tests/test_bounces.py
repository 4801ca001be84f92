"""`protectpress bounces`: real delivery reports (Postfix, Office 365, plain text) about a newsletter really sent
through aiosmtpd, read from an mbox file, a Maildir folder and a real IMAP server (Dovecot), then checked in
the suppression list and in `protectpress sends`."""

from __future__ import annotations

import csv
import mailbox
import re
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from imap_server import PASSWORD, imap_server  # noqa: F401
from protectpress.core.foundation.headertext import header_text_problem
from protectpress.core.newsletter.message import stable_message_id
from protectpress.core.sending.bounces import REGISTER_NAME, BounceHandler
from protectpress.core.sending.journal import SendJournal, journal_path
from protectpress.core.sending.mailboxes import MailboxMessage
from protectpress.core.sending.recipients import Recipient
from protectpress.core.sending.suppression import SuppressionList
from sending_relay import (  # noqa: F401
    Received,
    Relay,
    ScriptedHandler,
    project,
    relay,
    run,
    sending_template,
    write_recipients,
)
from support import REPO, copy_project, run_in_process

SLUG = "2023-03-security-and-policing"
DOMAIN = "protectpress.example.org"
FIXTURES = REPO / "tests" / "fixtures" / "bounces"
SENDS = Path("newsletters/.sends")

# Who bounces how: the report each one's message brings back.
REPORTS = [
    ("postfix-hard.eml", "gone@example.com"),
    ("exchange-online-hard.eml", "left@example.net"),
    ("plain-text-hard.eml", "nobody-here@example.org"),
    ("postfix-soft.eml", "full@example.com"),
    ("postfix-delayed.eml", "slow@example.com"),
    ("out-of-office.eml", "away@example.com"),
]
EVERYONE = [address for _, address in REPORTS] + ["fine@example.com"]


def report(fixture: str, address: str, message_id: str, *, tag: str = "") -> bytes:
    """A fixture filled in for one person: the Message-ID their newsletter was sent with, their address."""
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    text = (text.replace("{{message_id}}", message_id).replace("{{recipient}}", address)
            .replace("{{report}}", f"{address.split('@')[0]}{tag}"))
    return text.replace("\n", "\r\n").encode("utf-8")


def sent_ids(received: list[Received]) -> dict[str, str]:
    """Each person's Message-ID as aiosmtpd really received it: what their bounce will return."""
    return {r.recipients[0]: r.message["Message-ID"] for r in received}


def all_reports(received: list[Received]) -> list[bytes]:
    ids = sent_ids(received)
    reports = [report(fixture, address, ids[address]) for fixture, address in REPORTS]
    # A bounce of a test send (its own random Message-ID): not matched to the newsletter's journal.
    reports.append(report("postfix-hard.eml", "tester@example.org", f"<{'1' * 20}.test@{DOMAIN}>", tag="-test"))
    return reports


@pytest.fixture(scope="module")
def sent_once(sending_template, tmp_path_factory) -> tuple[Path, list[Received]]:
    """The example newsletter really sent to everyone through aiosmtpd, once for the module: the project with
    the journal it left, and the messages the relay received. Each test reads and changes its own copy (`sent`)."""
    sender = copy_project(sending_template, tmp_path_factory.mktemp("bounces-sent") / "project")
    write_recipients(sender / "recipients.csv", [f"{address},,," for address in EVERYONE])
    server = Relay(ScriptedHandler())
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("PROTECTPRESS_SMTP_PASSWORD", raising=False)
            result = run_in_process("send", SLUG, "--to", "recipients.csv", "--smtp", server.url(), "--rate", "0",
                                    "--yes", "--skip-live-check", cwd=sender)  # example.org is not served here
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    received = list(server.handler.received)
    # What the reports return is what was really sent: the fixtures are filled in with these (sent_ids).
    assert set(sent_ids(received)) == set(EVERYONE)
    assert len(set(sent_ids(received).values())) == len(EVERYONE)
    return sender, received


@pytest.fixture
def sent(project, sent_once):
    """This test's own copy of the project the newsletter was sent from: its list and its journal."""
    sender, _ = sent_once
    shutil.copy2(sender / "recipients.csv", project / "recipients.csv")
    shutil.copytree(sender / SENDS, project / SENDS)  # the journal keeps its 0600, its folder 0700
    return project


@pytest.fixture
def received(sent_once) -> list[Received]:
    """The messages the relay received in that send (sent_ids: what each person's bounce will return)."""
    return sent_once[1]


def suppressed(project: Path) -> dict[str, str]:
    path = project / "newsletters/suppressed.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {row["email"]: row["reason"] for row in csv.DictReader(handle)}


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.close()
    return path


def write_maildir(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for raw in messages:
        box.add(raw)
    return path


def check_first_reading(project: Path, out: str, err: str) -> None:
    assert "Traceback" not in out + err
    assert ("Read 7 messages from" in out and "3 hard bounces, 1 soft bounce, 1 delay warning, 0 delivery reports, "
            "0 already dealt with, 1 not matched to a newsletter, 1 not readable as bounces." in out), out
    assert "Suppressed 3 addresses, added to newsletters/suppressed.csv:" in out
    found = suppressed(project)
    assert set(found) == {"gone@example.com", "left@example.net", "nobody-here@example.org"}
    assert found["gone@example.com"] == ("bounced: 5.1.1 550 5.1.1 <gone@example.com>: Recipient address rejected: "
                                         "User unknown in virtual mailbox table")
    assert found["left@example.net"].startswith("bounced: 5.1.10 550 5.1.10 RESOLVER.ADR.RecipientNotFound")
    assert found["nobody-here@example.org"] == "bounced: 5.1.1 Sorry, no mailbox here by that name. (#5.1.1)"
    assert all(header_text_problem(reason) is None for reason in found.values())
    assert "not readable as bounces" in out and "no delivery status (like 5.1.1) in it" in out  # the auto-reply
    for private in (project / "newsletters/suppressed.csv", project / SENDS / REGISTER_NAME,
                    journal_path(project / SENDS, SLUG)):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600, private


def check_sends_report(run) -> None:
    code, out, err = run("sends", SLUG)
    assert code == 0, out + err
    assert "Bounces: 3 hard, 1 soft, 1 delay warnings, 0 delivery reports" in out
    assert "  gone@example.com (hard, " in out and "): 5.1.1 550 5.1.1 <gone@example.com>" in out
    assert "  full@example.com (soft, " in out and "4.2.2" in out
    assert "slow@example.com" not in out  # a delay warning is counted, not listed


def check_second_reading_changes_nothing(project: Path, run, source: str, env_note: str = "") -> None:
    before = (project / "newsletters/suppressed.csv").read_bytes()
    with sqlite3.connect(journal_path(project / SENDS, SLUG)) as db:
        rows_before = db.execute("SELECT COUNT(*) FROM bounces").fetchone()[0]
    code, out, err = run("bounces", source)
    assert code == 0, out + err + env_note
    assert "0 hard bounces, 0 soft bounces" in out and "6 already dealt with" in out, out
    assert "Suppressed 0 addresses." in out
    assert (project / "newsletters/suppressed.csv").read_bytes() == before
    with sqlite3.connect(journal_path(project / SENDS, SLUG)) as db:
        assert db.execute("SELECT COUNT(*) FROM bounces").fetchone()[0] == rows_before == 5


@pytest.mark.parametrize("shape", ["mbox", "maildir"])
def test_bounces_from_a_local_mailbox_suppress_hard_bounces_once(sent, received, run, shape):
    writer = write_mbox if shape == "mbox" else write_maildir
    source = writer(sent / f"bounces.{shape}", all_reports(received))
    code, out, err = run("bounces", source.name)
    assert code == 0, out + err
    check_first_reading(sent, out, err)
    check_sends_report(run)
    check_second_reading_changes_nothing(sent, run, source.name)


def test_bounces_from_an_imap_folder_read_only(sent, received, run, imap_server, monkeypatch):
    folder = f"Bounces{id(sent) % 10_000}"
    imap_server.append(folder, all_reports(received))
    monkeypatch.setenv("PROTECTPRESS_IMAP_PASSWORD", PASSWORD)
    code, out, err = run("bounces", imap_server.url(folder))
    assert code == 0, out + err
    check_first_reading(sent, out, err)
    assert f"{imap_server.url(folder).replace('imap://', 'imap://', 1)}: message UID" in out  # where each one is
    check_sends_report(run)
    check_second_reading_changes_nothing(sent, run, imap_server.url(folder))
    client = imap_server.client()  # opened read-only: the bounces are still unread in the mail program
    try:
        client.select(folder, readonly=True)
        status, data = client.search(None, "UNSEEN")
        assert status == "OK" and len(data[0].split()) == 7
    finally:
        client.logout()


def test_imap_mistakes_are_one_line_each(sent, run, imap_server, monkeypatch):
    monkeypatch.delenv("PROTECTPRESS_IMAP_PASSWORD", raising=False)
    code, out, err = run("bounces", imap_server.url("INBOX"))
    assert code == 2 and "expected the password in the PROTECTPRESS_IMAP_PASSWORD environment variable" in err
    monkeypatch.setenv("PROTECTPRESS_IMAP_PASSWORD", "wrong")
    code, out, err = run("bounces", imap_server.url("INBOX"))
    assert code == 2 and "the server refused the user name or password" in err, out + err
    monkeypatch.setenv("PROTECTPRESS_IMAP_PASSWORD", PASSWORD)
    code, out, err = run("bounces", imap_server.url("No-Such-Folder"))
    assert code == 2 and "there is no folder 'No-Such-Folder'" in err, out + err
    code, out, err = run("bounces", imap_server.url("Boîte"))
    assert code == 2 and "a folder name in plain ASCII" in err, out + err
    monkeypatch.setenv("PROTECTPRESS_IMAP_PASSWORD", "mot-de-passe-élevé")
    code, out, err = run("bounces", imap_server.url("INBOX"))
    assert code == 2 and "has a character outside plain ASCII" in err, out + err
    code, out, err = run("bounces", "imap://bounces@mail.example.org/INBOX")
    assert code == 2 and "plain imap:// would send the password unencrypted" in err
    assert "Traceback" not in out + err
    assert suppressed(sent) == {}


def test_a_missing_or_wrong_source_is_named(project, run):
    code, _, err = run("bounces", "nowhere.mbox")
    assert code == 2 and "nowhere.mbox: expected an mbox file or a Maildir folder, found nothing there" in err
    (project / "plain-folder").mkdir()
    code, _, err = run("bounces", "plain-folder")
    assert code == 2 and "plain-folder: expected a Maildir folder (with cur/ and new/ inside)" in err


# -- soft bounces in a row, across newsletters --------------------------------------------------------------


def _journal(journal_dir: Path, slug: str, started: str, addresses: list[str]) -> None:
    with SendJournal(journal_path(journal_dir, slug)) as journal:
        journal.begin("hash-" + slug, f"Subject {slug}", "smtp://127.0.0.1:2525")
        journal.plan([Recipient(address=a) for a in addresses])
    with sqlite3.connect(journal_path(journal_dir, slug)) as db:  # first-sent order, without waiting a second
        db.execute("UPDATE campaign SET started = ?", (started,))


def _message_id(journal_dir: Path, slug: str, address: str) -> str:
    """The Message-ID a send recorded in this journal gives `address` (these journals are made without one)."""
    with SendJournal(journal_path(journal_dir, slug)) as journal:
        return stable_message_id(slug, address, DOMAIN, salt=journal.message_id_salt())


def _delivered(journal_dir: Path, address: str, slug: str) -> bytes:
    raw = report("postfix-delayed.eml", address, _message_id(journal_dir, slug, address), tag=f"-ok-{slug}").decode()
    return raw.replace("Action: delayed", "Action: delivered").replace("Status: 4.4.1", "Status: 2.0.0").encode()


def test_soft_bounces_suppress_after_the_limit_in_a_row_and_a_delivery_resets_the_count(tmp_path):
    journal_dir = tmp_path / ".sends"
    slugs = ["2026-01-first", "2026-02-second", "2026-03-third", "2026-04-fourth", "2026-05-fifth"]
    for number, slug in enumerate(slugs, start=1):
        _journal(journal_dir, slug, f"2026-0{number}-01T09:00:00+00:00", ["full@example.com", "flaky@example.com"])
    suppression = SuppressionList(tmp_path / "suppressed.csv", "suppressed.csv")

    def read(*reports: bytes) -> list[tuple[str, str]]:
        with BounceHandler(journal_dir, suppression, soft_bounce_limit=3) as handler:
            for number, raw in enumerate(reports):
                handler.handle(MailboxMessage(where=f"message {number}", raw=raw))
            return handler.summary.suppressed

    def soft(address: str, slug: str) -> bytes:
        return report("postfix-soft.eml", address, _message_id(journal_dir, slug, address), tag=f"-{slug}")

    # Two newsletters soft-bounced: counted, not yet suppressed (read out of order: send order is what counts).
    assert read(soft("full@example.com", slugs[1]), soft("full@example.com", slugs[0]),
                soft("flaky@example.com", slugs[0]), soft("flaky@example.com", slugs[1])) == []
    # flaky's third newsletter was reported delivered: the run of soft bounces is over for them.
    assert read(_delivered(journal_dir, "flaky@example.com", slugs[2])) == []
    assert read(soft("flaky@example.com", slugs[3])) == []
    # full's third newsletter in a row soft-bounces: suppressed, saying why.
    [(address, reason)] = read(soft("full@example.com", slugs[2]))
    assert address == "full@example.com"
    assert reason.startswith("3 soft bounces in a row, the last: 4.2.2 452 4.2.2 <full@example.com>")
    assert "full@example.com" in SuppressionList(tmp_path / "suppressed.csv", "suppressed.csv")
    assert "flaky@example.com" not in SuppressionList(tmp_path / "suppressed.csv", "suppressed.csv")
    # After the delivery: two newsletters soft-bounced (the fifth twice, by two reports) are two in a row, not three.
    assert read(soft("flaky@example.com", slugs[4]),
                report("postfix-soft.eml", "flaky@example.com", _message_id(journal_dir, slugs[4], "flaky@example.com"),
                       tag="-again")) == []
    assert "flaky@example.com" not in SuppressionList(tmp_path / "suppressed.csv", "suppressed.csv")


def test_forget_erases_bounces_too(sent, received, run):
    write_mbox(sent / "bounces.mbox", all_reports(received))
    assert run("bounces", "bounces.mbox")[0] == 0
    code, out, err = run("forget", "full@example.com")
    assert code == 0, out + err
    with SendJournal(journal_path(sent / SENDS, SLUG)) as journal:
        assert journal.bounces("full@example.com") == []
        assert len(journal.bounces()) == 4
    register = (sent / SENDS / REGISTER_NAME).read_bytes()
    assert b"full@example.com" not in register  # the register of reports read holds no addresses


# -- VERP: a return path of its own for each message ---------------------------------------------------------

# Nothing of the message comes back: only the address it was sent to tells whom it is about.
TERSE_REPORT = (FIXTURES / "terse-verp-only.eml").read_text(encoding="utf-8")


def test_verp_gives_each_message_its_own_return_path_and_matches_a_report_that_returns_nothing(project, relay, run):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      sending:\n", "      sending:\n        return_path: bounces+@protectpress.example.org\n", 1))
    write_recipients(project / "recipients.csv", ["terse@example.com,,,", "other@example.com,,,"])
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0", "--yes",
                         "--skip-live-check")  # example.org is not served here
    assert code == 0, out + err
    senders = {r.recipients[0]: r.sender for r in relay.handler.received}
    assert all(re.fullmatch(r"bounces\+[0-9a-f]{20}@protectpress\.example\.org", s) for s in senders.values()), senders
    assert len(set(senders.values())) == 2
    assert all(r.message["Return-Path"] == "<bounces@protectpress.example.org>" for r in relay.handler.received)
    reports = [TERSE_REPORT.format(to=senders["terse@example.com"], tag=1).encode(),
               TERSE_REPORT.format(to="bounces@protectpress.example.org", tag=2).encode()]  # no tag: unmatched
    write_mbox(project / "bounces.mbox", reports)
    code, out, err = run("bounces", "bounces.mbox")
    assert code == 0, out + err
    assert "1 hard bounce," in out and "1 not matched to a newsletter" in out, out
    assert set(suppressed(project)) == {"terse@example.com"}


def test_bounces_over_imaps_trust_only_the_given_certificate_authority(sent, received, run, imap_server,
                                                                      monkeypatch):
    folder = f"Secure{id(sent) % 10_000}"
    imap_server.append(folder, all_reports(received)[:1])
    monkeypatch.setenv("PROTECTPRESS_IMAP_PASSWORD", PASSWORD)
    code, out, err = run("bounces", imap_server.url(folder, tls=True))
    assert code == 2 and "the secure connection failed" in err and "add --ca-file" in err, out + err
    assert suppressed(sent) == {}
    code, out, err = run("bounces", imap_server.url(folder, tls=True), "--ca-file", str(imap_server.certificate))
    assert code == 0, out + err
    assert "Read 1 message from imaps://" in out and set(suppressed(sent)) == {"gone@example.com"}


# -- journals begun before Message-IDs were salted ------------------------------------------------------------


def test_a_journal_keeps_its_message_id_secret_and_one_begun_unsalted_keeps_its_old_ids(tmp_path):
    journal_dir = tmp_path / ".sends"
    _journal(journal_dir, "2026-01-salted", "2026-01-01T09:00:00+00:00", ["gone@example.com"])
    _journal(journal_dir, "2026-02-older", "2026-02-01T09:00:00+00:00", ["gone@example.com", "left@example.net"])
    first = _message_id(journal_dir, "2026-01-salted", "gone@example.com")
    assert first == _message_id(journal_dir, "2026-01-salted", "gone@example.com")  # the same on every reopening
    assert first != stable_message_id("2026-01-salted", "gone@example.com", DOMAIN)
    with SendJournal(journal_path(journal_dir, "2026-01-salted")) as salted, \
            SendJournal(journal_path(journal_dir, "2026-02-older")) as older:
        assert re.fullmatch("[0-9a-f]{32}", salted.message_id_salt())
        assert salted.message_id_salt() != older.message_id_salt()  # each newsletter its own
    with sqlite3.connect(journal_path(journal_dir, "2026-02-older")) as db:  # as a version before the secret left it
        db.execute("DELETE FROM message_id_salt")
    unsalted = stable_message_id("2026-02-older", "gone@example.com", DOMAIN)
    assert _message_id(journal_dir, "2026-02-older", "gone@example.com") == unsalted  # a resumed send reuses them
    suppression = SuppressionList(tmp_path / "suppressed.csv", "suppressed.csv")
    with BounceHandler(journal_dir, suppression, soft_bounce_limit=3) as handler:
        for number, raw in enumerate([report("postfix-hard.eml", "gone@example.com", unsalted, tag="-old"),
                                      report("postfix-hard.eml", "gone@example.com",
                                             stable_message_id("2026-01-salted", "gone@example.com", DOMAIN),
                                             tag="-guessed")]):
            handler.handle(MailboxMessage(where=f"message {number}", raw=raw))
        assert [address for address, _ in handler.summary.suppressed] == ["gone@example.com"]
        assert handler.summary.unmatched == ["message 1"]  # the salted journal's ID cannot be worked out
    with SendJournal(journal_path(journal_dir, "2026-02-older")) as older:
        assert [b.address for b in older.bounces()] == ["gone@example.com"]
