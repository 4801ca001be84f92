"""Sending with no relay (the outbox), dry runs, and the personal-data commands: suppress, forget, sends."""

from __future__ import annotations

import email
import email.policy

from protectpress.core.newsletter.message import stable_message_id
from protectpress.core.sending.testsends import TestSendLog
from sending_relay import project, relay, run, sending_template, write_recipients  # noqa: F401

SLUG = "2023-03-security-and-policing"


def parse(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def only_for_retail(project) -> None:
    newsletter = project / "newsletters" / f"{SLUG}.md"
    newsletter.write_text(newsletter.read_text().replace("sectors: [all]", "sectors: [retail]", 1))


def test_outbox_writes_one_eml_per_recipient_and_never_touches_the_journal(project, run):
    only_for_retail(project)
    (project / "newsletters" / "suppressed.csv").write_text(
        "email,reason,added\ngone@example.com,unsubscribed,2023-04-01\n"
    )
    write_recipients(project / "recipients.csv", [
        "shop@example.com,Shop Owner,,Retail", "pub@example.com,Landlord,,Hospitality", "any@example.com,,,",
        "everyone@example.com,,,all", "GONE@example.com,,,", "broken,,,"])
    code, out, err = run("send", SLUG, "--to", "recipients.csv")
    assert code == 0, out + err
    folder = project / "outbox" / SLUG
    files = sorted(p.name for p in folder.glob("*.eml"))
    assert files == ["any@example.com.eml", "everyone@example.com.eml", "shop@example.com.eml"]
    message = parse(folder / "shop@example.com.eml")
    assert message["To"].addresses[0].display_name == "Shop Owner"
    assert message["Message-ID"] == stable_message_id(SLUG, "shop@example.com", "protectpress.example.org")
    assert "Dear Shop Owner," in message.get_body(("plain",)).get_content()
    # Written, not sent: no line says "Sent" above the one that says nothing was sent.
    # One headline, then the line that places every row (the suppressed, other sectors and invalid ones too).
    assert out.splitlines()[:3] == [
        "Wrote 3 messages to the outbox.",
        "6 rows in recipients.csv = 3 written to the outbox + 0 already sent + 1 suppressed + 1 other sectors + "
        "1 invalid + 0 duplicate.",
        f"They are in outbox/{SLUG}/: nothing was sent. Add --smtp to send through a relay."]
    assert "Sent " not in out and " sent +" not in out.replace("already sent +", "")
    assert "recipients.csv:7: expected an email address" in err
    assert "nothing was sent" in out
    # The progress bar says what the run does: it writes files, it does not send (first-time officer's trial).
    assert f"Writing messages to outbox/{SLUG}/ [########################] 3/3 (written 3)" in err
    assert "Sending [" not in err and "(sent " not in err
    assert not (project / "newsletters" / ".sends" / f"{SLUG}.sqlite").exists()
    code, out, err = run("send", SLUG, "--to", "recipients.csv")  # outbox runs keep no journal: same again
    assert code == 0 and out.startswith("Wrote 3 messages to the outbox.\n")


def test_outbox_test_send_and_dry_runs_write_nothing_else(project, run):
    write_recipients(project / "recipients.csv", ["a@example.com,,,"])
    code, out, err = run("send", SLUG, "--test", "editor@example.org", "other@example.org")
    assert code == 0, out + err
    tests = project / "outbox" / SLUG / "tests"
    assert parse(tests / "editor@example.org.eml")["Subject"].startswith("[TEST] ")
    assert (tests / "other@example.org.eml").exists()
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--dry-run")
    assert code == 0 and "would write 1 message to" in out
    assert not list((project / "outbox" / SLUG).glob("*.eml"))


def test_dry_run_against_a_relay_shows_the_confirmation_and_sends_nothing(project, relay, run):
    write_recipients(project / "recipients.csv", ["a@example.com,,,", "b@example.com,,,"])
    # The dry run now fetches the email's links as the real send does (the example's site_url is not deployed):
    # this test is about the confirmation, so it skips that check, as test_sending_lists checks it.
    code, out, _err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--dry-run",
                          "--skip-live-check")
    assert code == 0
    assert "2 to send now" in out and "Last test:   none yet" in out and "Dry run" in out
    assert relay.handler.received == []
    assert not (project / "newsletters" / ".sends").exists()


def test_suppress_an_address_or_a_file(project, run):
    code, out, err = run("suppress", "Leaver@Example.com")
    assert code == 0 and "Added 1 to newsletters/suppressed.csv (0 already there)" in out
    write_recipients(project / "unsubscribes.csv", ["leaver@example.com,,,", "next@example.com,,,", "nonsense,,,"])
    code, out, err = run("suppress", "unsubscribes.csv")
    assert code == 0 and "Added 1 to newsletters/suppressed.csv (1 already there)" in out
    assert "unsubscribes.csv:4: expected an email address" in err
    suppressed = (project / "newsletters" / "suppressed.csv").read_text()
    assert "Leaver@Example.com" in suppressed and "next@example.com" in suppressed
    code, out, err = run("suppress", "not an address")
    assert code == 2 and "expected an email address" in err


def test_forget_erases_journals_test_records_and_outbox_but_keeps_suppression(project, relay, run):
    person = "Leaving.Partner@example.com"
    write_recipients(project / "recipients.csv", [f"{person},Leaving Partner,,", "stays@example.com,,,"])
    assert run("send", SLUG, "--test", person, "--smtp", relay.url())[0] == 0
    assert run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0",
               "--yes")[0] == 0
    assert run("send", SLUG, "--to", "recipients.csv")[0] == 0  # outbox copies too
    assert run("send", SLUG, "--test", person)[0] == 0
    assert run("suppress", person)[0] == 0
    assert run("sends", SLUG, "--csv")[0] == 0  # the per-recipient report names them too
    code, out, err = run("forget", person.upper())
    assert code == 0, out + err
    assert ("from 1 send record(s), 2 test-send record(s), 0 suppression change(s), 1 row(s) of delivery reports "
            "and 2 outbox file(s)") in out
    assert "suppression list is kept" in out
    sends = project / "newsletters" / ".sends"
    for path in sends.iterdir():
        assert b"leaving.partner" not in path.read_bytes().lower(), path
    assert not list((project / "outbox").rglob("leaving.partner@example.com.eml"))
    assert (project / "outbox" / SLUG / "stays@example.com.eml").exists()
    assert person in (project / "newsletters" / "suppressed.csv").read_text()
    code, out, err = run("sends", SLUG)
    assert "Sent 1," in out and "leaving" not in out.lower()
    assert "stays@example.com" in (sends / f"{SLUG}.report.csv").read_text(encoding="utf-8")  # the rest is kept
    code, out, err = run("forget", "nobody@example.com")
    assert "from 0 send record(s)" in out and "not in the suppression list" in out


def test_sends_without_a_live_send(project, run):
    code, out, _err = run("sends", SLUG)
    assert code == 0 and f"No live send of {SLUG} is recorded" in out


def test_sends_of_a_newsletter_that_does_not_exist_says_so_as_send_does(project, run):
    """A typo is not "never sent": the wording of `send` (find_newsletter_file), the real ones, exit 2."""
    code, out, err = run("sends", "nope")
    assert code == 2 and "No live send" not in out + err
    assert "nope: expected a newsletter file or slug from newsletters/ (" in err
    assert f"{SLUG}" in err and "found no such newsletter" in err


def test_send_of_a_newsletter_that_does_not_exist_exits_2_as_sends_does(project, run):
    """A mistyped name is a mistake on the command line (exit 2) for `send` as for `sends`, told in the same words
    with the real newsletters listed; not "the newsletter has problems to fix" (exit 1), as before."""
    code, out, err = run("send", "nope", "--test", "editor@example.org")
    assert code == 2, out + err
    assert "error: nope: expected a newsletter file or slug from newsletters/ (" in err
    assert f"{SLUG}" in err and "found no such newsletter" in err
    assert "has problems to fix" not in err and "Traceback" not in err
    assert not (project / "outbox").exists() and not (project / "newsletters" / ".sends").exists()
    code, _out, sends_err = run("sends", "nope")
    assert code == 2 and sends_err.splitlines()[0] == err.splitlines()[0]


def test_sends_alone_lists_the_newsletters_with_a_send_record(project, relay, run):
    """Like `git branch`: no usage error, the names, and how to see one (first-time comms officer's trial)."""
    code, out, err = run("sends")
    assert (code, err) == (0, "")
    assert out == ("No newsletter has a send record in newsletters/.sends/ yet: one begins with the first send, "
                   "test or live.\n")
    write_recipients(project / "recipients.csv", ["a@example.com,,,"])
    assert run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0",
               "--yes")[0] == 0
    # A newsletter only ever test-sent (written as a test send records it: the example has one newsletter).
    TestSendLog(project / "newsletters" / ".sends", "2024-01-winter-update").record("hash", ["e@example.org"], "outbox")
    code, out, err = run("sends")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Newsletters with a send record in newsletters/.sends/:",
        f"  {SLUG}",
        "  2024-01-winter-update (test sends only)",
        f"See one with: protectpress sends NEWSLETTER (for example protectpress sends {SLUG})."]
    code, _out, err = run("sends", "--csv")
    assert code == 2 and "expected a newsletter to write the report of" in err


def test_a_damaged_journal_is_reported_plainly(project, run):
    sends = project / "newsletters" / ".sends"
    sends.mkdir(parents=True)
    (sends / f"{SLUG}.sqlite").write_bytes(b"this is not a database" * 100)
    code, out, err = run("sends", SLUG)
    assert code == 1
    # The file is named, with what was expected and found, and staff are told to keep it: it may be the only
    # record of who was sent the newsletter.
    assert err.startswith(f"protectpress: newsletters/.sends/{SLUG}.sqlite: expected a send record "), err
    assert "found a file SQLite cannot read as one (file is not a database)" in err and "Keep the file" in err
    assert "Traceback" not in out + err


def test_a_test_dry_run_names_who_would_get_it(project, run):
    code, out, _err = run("send", SLUG, "--test", "editor@example.org", "--dry-run")
    assert code == 0 and "would send a [TEST] copy to editor@example.org" in out
    assert not (project / "outbox").exists()


def test_sends_piped_into_head_ends_quietly_with_status_0(project):
    """`protectpress sends SLUG | head` is a read-only report: the pipe closing early is not a failure."""
    import subprocess

    from protectpress.core.sending.journal import SendJournal, State
    from protectpress.core.sending.recipients import Recipient
    from support import PROTECTPRESS

    with SendJournal(project / "newsletters" / ".sends" / f"{SLUG}.sqlite") as journal:
        journal.begin("hash", "Subject", "smtp://relay")
        people = [Recipient(address=f"person{i}@example.org") for i in range(1500)]
        journal.plan(people)
        for person in people:
            journal.mark(person.address, State.FAILED_PERMANENT, "550 5.1.1 no such mailbox " + "x" * 90)
    process = subprocess.Popen([*PROTECTPRESS, "sends", SLUG], cwd=project, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout.readline()  # `head -1`: one line, then the pipe closes
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert err == b""  # no "Broken pipe. Nothing more was sent" on a read-only report


def test_a_test_send_with_the_list_fills_the_merge_fields_as_for_a_person_on_it(project, run):
    write_recipients(project / "recipients.csv", ["shop@example.com,Shop Owner,,Retail", "pub@example.com,Landlord,,"])
    tests = project / "outbox" / SLUG / "tests"
    # With only --test, nobody's name is known: the greeting is the one for a reader with no name.
    code, out, err = run("send", SLUG, "--test", "editor@example.org")
    assert code == 0, out + err
    assert "Dear Partner," in parse(tests / "editor@example.org.eml").get_body(("plain",)).get_content()
    # With the list, as its first person will read it; --as-row 2 as the second.
    for extra, name, address in (((), "Shop Owner", "shop@example.com"), (("--as-row", "2"), "Landlord",
                                                                         "pub@example.com")):
        code, out, err = run("send", SLUG, "--test", "editor@example.org", "--to", "recipients.csv", *extra)
        assert code == 0, out + err
        row = extra[1] if extra else "1"
        assert f"Merge fields filled as for {name} ({address}), person {row} in recipients.csv." in out
        message = parse(tests / "editor@example.org.eml")
        assert f"Dear {name}," in message.get_body(("plain",)).get_content()
        assert f"Dear {name}," in message.get_body(("html",)).get_content()
        assert message["To"].addresses[0].addr_spec == "editor@example.org"  # the tester, never the partner
        assert message["Subject"].startswith("[TEST] ")
    # Only test copies were written: nobody on the list got one.
    assert not list((project / "outbox" / SLUG).glob("*.eml"))
    code, out, err = run("send", SLUG, "--test", "editor@example.org", "--to", "recipients.csv", "--as-row", "3")
    assert code == 1
    assert "recipients.csv: expected at least 3 people in the list, to fill the test copy's merge fields from " \
           "(--as-row), found 2" in err and "Nothing was sent." in err
    code, out, err = run("send", SLUG, "--test", "editor@example.org", "--as-row", "2")
    assert code == 2 and "--as-row: expected a person's number in the list (1: the first), with --test and --to" in err
