"""Real-world lists sent through a real aiosmtpd relay: a mailing tool's export with first-name greetings and
row accounting, international (SMTPUTF8) addresses, the per-recipient report, and the pre-send live check
against the built site served over HTTPS on 127.0.0.1."""

from __future__ import annotations

import csv
import email
import email.policy
import functools
import http.server
import re
import shutil
import ssl
import stat
import threading
from pathlib import Path

import pytest

from protectpress.core.sending.journal import SendJournal
from sending_relay import (  # noqa: F401
    Relay,
    ScriptedHandler,
    free_port,
    project,
    relay,
    run,
    self_signed_certificate,
    sending_template,
)
from support import REPO, copy_project, run_in_process

SLUG = "2023-03-security-and-policing"


def greet_by_first_name(project: Path, sectors: str = "[retail]") -> None:
    """The example newsletter for retail only, greeting readers by their first name."""
    path = project / "newsletters" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8")
    assert "sectors: [all]" in text and "Dear {{ name }}," in text
    path.write_text(text.replace("sectors: [all]", f"sectors: {sectors}", 1)
                    .replace("Dear {{ name }},", "Dear {{ first_name }},", 1), encoding="utf-8")


def export_from_a_mailing_tool(path: Path) -> None:
    """What a mailing tool's "export contacts" writes: its own column names, a byte-order mark, CRLF."""
    rows = ["Email Address,First Name,Last Name,Company,Sector",
            "ann@example.org,Ann,Smith,Corner Shop,Retail",
            "bob@example.org,,Jones,Jones & Sons,",  # no first name: the fallback greeting
            "zoe@example.org,Zoë <b>&,Brown,,Retail",  # plain text, escaped in the HTML part
            "ANN@example.org,Annie,Smith,,Retail",  # the same person again
            "not-an-address,Nobody,,,Retail",
            "gone@example.org,Gone,,,Retail",  # on the suppression list
            "olive@example.org,Olive,,Pub,Hospitality"]  # a sector this newsletter is not for
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n")


def html_part(message) -> str:
    return message.get_body(("html",)).get_content()


def text_part(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_mailing_tool_export_greets_by_first_name_and_accounts_for_every_row(project, relay, run):
    greet_by_first_name(project)
    export_from_a_mailing_tool(project / "contacts.csv")
    suppressed = "email,reason,added\ngone@example.org,unsubscribed,2026-01-01\n"
    (project / "newsletters" / "suppressed.csv").write_text(suppressed, encoding="utf-8")
    command = ("send", "--skip-live-check", SLUG, "--to", "contacts.csv", "--smtp", relay.url(), "--rate", "0", "--yes")
    code, out, err = run(*command)
    assert code == 0, out + err
    received = {r.recipients[0]: r.message for r in relay.handler.received}
    assert sorted(received) == ["ann@example.org", "bob@example.org", "zoe@example.org"]
    assert "Dear Ann," in text_part(received["ann@example.org"])
    assert "Dear Ann," in html_part(received["ann@example.org"])
    assert "Dear Partner," in text_part(received["bob@example.org"])  # no first name on the list
    assert str(received["bob@example.org"]["To"]) == "Jones <bob@example.org>"  # first and last name, as given
    assert str(received["ann@example.org"]["To"]) == "Ann Smith <ann@example.org>"
    assert "Dear Zoë &lt;b&gt;&amp;," in html_part(received["zoe@example.org"])
    assert "<b>&" not in html_part(received["zoe@example.org"])
    assert "Dear Zoë <b>&," in text_part(received["zoe@example.org"])
    assert ("7 rows in contacts.csv = 3 sent + 0 already sent + 1 suppressed + 1 other sectors + 1 invalid + "
            "1 duplicate.") in out
    # Sending again finds everyone accounted for, now as already sent.
    code, out, err = run(*command)
    assert code == 0, out + err
    assert ("7 rows in contacts.csv = 0 sent + 3 already sent + 1 suppressed + 1 other sectors + 1 invalid + "
            "1 duplicate.") in out
    assert len(relay.handler.received) == 3


def test_two_address_columns_stop_the_send_naming_the_file_and_line(project, relay, run):
    (project / "contacts.csv").write_text("Email,E-mail Address,Name\nann@example.org,ann@example.com,Ann\n",
                                          encoding="utf-8")
    code, _out, err = run("send", "--skip-live-check", SLUG, "--to", "contacts.csv", "--smtp", relay.url(), "--yes")
    assert code == 1
    assert ("error: contacts.csv:1: expected one 'email' column, so that it is clear which to use (rename or delete "
            "the others), found 2: 'Email', 'E-mail Address'") in err
    assert not relay.handler.received


INTERNATIONAL = "jörg@exämple.org"


def test_an_international_address_goes_through_a_relay_that_offers_smtputf8(project, run):
    utf8_relay = Relay(ScriptedHandler())  # offers SMTPUTF8
    try:
        (project / "recipients.csv").write_text(f"email,name\n{INTERNATIONAL},Jörg Müller\nann@example.org,Ann\n",
                                                encoding="utf-8")
        code, out, err = run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", utf8_relay.url(),
                             "--rate", "0", "--yes")
    finally:
        utf8_relay.stop()
    assert code == 0, out + err
    received = {r.recipients[0]: r for r in utf8_relay.handler.received}
    assert sorted(received) == ["ann@example.org", INTERNATIONAL]
    # Headers in UTF-8 (RFC 6532): read as text, since the email package reads raw header bytes as ASCII.
    message = email.message_from_string(received[INTERNATIONAL].data.decode("utf-8"), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == INTERNATIONAL
    assert message["To"].addresses[0].display_name == "Jörg Müller"
    assert "Dear Jörg Müller," in text_part(message)


def test_an_international_address_is_refused_with_its_reason_when_the_relay_lacks_smtputf8(project, run):
    relay = Relay(ScriptedHandler(), smtputf8=False)
    try:
        rows = [f"email,name\n{INTERNATIONAL},Jörg\n"] + [f"p{i}@example.org,P{i}\n" for i in range(5)]
        (project / "recipients.csv").write_text("".join(rows), encoding="utf-8")
        code, out, err = run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(),
                             "--rate", "0", "--yes")
    finally:
        relay.stop()
    assert code == 1, out + err  # not everyone has it
    assert sorted(r.recipients[0] for r in relay.handler.received) == [f"p{i}@example.org" for i in range(5)]
    assert ("6 rows in recipients.csv = 5 sent + 0 already sent + 0 suppressed + 0 other sectors + 0 invalid + "
            "0 duplicate + 1 failed.") in out
    code, out, err = run("sends", SLUG)
    assert (f"  {INTERNATIONAL} (failed-permanent, 1 try): not sent: the address has characters beyond ASCII, and the "
            "relay does not offer SMTPUTF8 (RFC 6531)") in out

def test_sends_csv_writes_every_recipient_privately_and_formula_safe(project, relay, run):
    (project / "recipients.csv").write_text("email,name\nann@example.org,=HYPERLINK(\"x\")\nbob@example.org,Bob\n",
                                            encoding="utf-8")
    relay.handler.rcpt_replies["bob@example.org"] = "550 5.1.1 no such mailbox"
    run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0", "--yes")
    code, out, err = run("sends", SLUG, "--csv")
    assert code == 0, out + err
    report = project / "newsletters" / ".sends" / f"{SLUG}.report.csv"
    assert f"Wrote 2 recipients to newsletters/.sends/{SLUG}.report.csv" in out
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "email,name,state,attempts,reply,updated,bounce,bounce_report,bounced"
    assert lines[1].startswith("ann@example.org,\"'=HYPERLINK(\"\"x\"\")\",sent,1,250 ")
    assert lines[1].endswith(",,,")  # no bounce read for Ann
    assert lines[2].startswith("bob@example.org,Bob,failed-permanent,1,550 5.1.1 no such mailbox,")

    # Ann's relay said "250 queued", then her mailbox bounced: the report says so beside the 250.
    with SendJournal(project / "newsletters" / ".sends" / f"{SLUG}.sqlite") as journal:
        journal.record_bounce("report-1", "ann@example.org", "delayed", "4.4.1", "still trying")
        journal.record_bounce("report-2", "Ann@Example.org", "hard", "5.1.1", "user unknown")
        journal.record_bounce("report-3", "ann@example.org", "delayed", "4.4.1", "a late delay warning")
    assert run("sends", SLUG, "--csv")[0] == 0
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert (rows[0]["state"], rows[0]["bounce"], rows[0]["bounce_report"]) == ("sent", "hard", "5.1.1 user unknown")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d.*", rows[0]["bounced"]) and rows[1]["bounce"] == ""
    code, out, err = run("sends", SLUG, "--csv", "elsewhere.csv")
    assert "Wrote 2 recipients to elsewhere.csv" in out and (project / "elsewhere.csv").exists()


# -- the pre-send live check --------------------------------------------------------------------------------

LIVE_SLUG = "2023-04-live-check"
MISSING_PAGE = "guidance/project-servator"
LIVE_NEWSLETTER = """---
subject: "Two pages to read this month"
preheader: "Martyn's Law and Project Servator, in brief"
date: 2023-04-03
sectors: [all]
items:
  - page: guidance/martyns-law.md
  - page: guidance/project-servator.md
---

Dear {{ first_name }},

Two pages to read this month.
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The example project with one more newsletter, built, and served over HTTPS on 127.0.0.1 at its site_url,
    except for one featured page (as when a newsletter goes out before the site is deployed)."""
    root = tmp_path_factory.mktemp("live")
    project = copy_project(REPO, root / "project")
    (project / "newsletters" / f"{LIVE_SLUG}.md").write_text(LIVE_NEWSLETTER, encoding="utf-8")
    cert, key = self_signed_certificate(root)
    port = free_port()
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_url: https://protectpress.example.org/",
                                                                 f"site_url: https://127.0.0.1:{port}/", 1),
                      encoding="utf-8")
    built = run_in_process("build", cwd=project)
    assert built.returncode == 0, built.stderr
    site = project / "site"
    shutil.rmtree(site / MISSING_PAGE)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(site)))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield project, port, cert
    server.shutdown()
    server.server_close()


def test_the_send_stops_naming_the_page_not_deployed_and_sends_when_told_to_skip(deployed, tmp_path):
    template, port, cert = deployed
    project = copy_project(template, tmp_path / "project")
    (project / "recipients.csv").write_text("email,first name\nann@example.org,Ann\n", encoding="utf-8")
    sink = Relay(ScriptedHandler())
    # The site's certificate is our own: trusted through OpenSSL's usual variable, as an organisation's would be.
    env = {"SSL_CERT_FILE": str(cert), "PROTECTPRESS_SMTP_PASSWORD": ""}
    try:
        command = ("send", LIVE_SLUG, "--to", "recipients.csv", "--smtp", sink.url(), "--rate", "0", "--yes")
        stopped = run_in_process(*command, cwd=project, env=env)
        assert stopped.returncode == 1, stopped.stdout + stopped.stderr
        assert "Not sending: 1 link or image in the email did not answer 200 OK:" in stopped.stderr
        missing = f"https://127.0.0.1:{port}/{MISSING_PAGE}/"
        assert f"  {missing} (link): 404 File not found" in stopped.stderr
        # Only the page that is missing is named: the other pages, the web version and the footer's answered.
        assert stopped.stderr.count(f"https://127.0.0.1:{port}/") == 1
        assert not sink.handler.received
        record = run_in_process("sends", LIVE_SLUG, cwd=project).stdout
        assert "Run 1:" not in record  # no run began
        assert "Sent 0" not in record and "\nNot sent yet: " in record, record

        sent = run_in_process(*command, "--skip-live-check", cwd=project, env=env)
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert [r.recipients for r in sink.handler.received] == [["ann@example.org"]]
        report = run_in_process("sends", LIVE_SLUG, cwd=project)
        assert "; live check skipped (--skip-live-check)." in report.stdout
        assert "Run 2:" not in report.stdout
    finally:
        sink.stop()


def test_the_dry_run_runs_the_live_check_and_names_the_page_not_deployed(deployed, tmp_path):
    """A 404 shows in the dry run, as the handbook says, not only on the real send."""
    template, port, cert = deployed
    project = copy_project(template, tmp_path / "project")
    (project / "recipients.csv").write_text("email\nann@example.org\n", encoding="utf-8")
    sink = Relay(ScriptedHandler())
    try:
        dry = run_in_process("send", LIVE_SLUG, "--to", "recipients.csv", "--smtp", sink.url(), "--dry-run",
                               cwd=project, env={"SSL_CERT_FILE": str(cert)})
    finally:
        sink.stop()
    assert dry.returncode == 1, dry.stdout + dry.stderr
    assert "Checking that every link and image in the email is live..." in dry.stdout
    assert ("Dry run: the real send would stop here: 1 link or image in the email did not answer 200 OK:"
            in dry.stderr)
    assert f"  https://127.0.0.1:{port}/{MISSING_PAGE}/ (link): 404 File not found" in dry.stderr
    assert not sink.handler.received
    assert not (project / "newsletters" / ".sends" / f"{LIVE_SLUG}.sqlite").exists()  # a dry run records nothing


def test_ca_file_lets_the_live_check_trust_a_staging_site_signed_by_a_private_authority(deployed, tmp_path):
    template, port, cert = deployed
    project = copy_project(template, tmp_path / "project")
    (project / "recipients.csv").write_text("email\nann@example.org\n", encoding="utf-8")
    sink = Relay(ScriptedHandler())
    command = ("send", LIVE_SLUG, "--to", "recipients.csv", "--smtp", sink.url(), "--dry-run")
    try:
        untrusted = run_in_process(*command, cwd=project)
        trusted = run_in_process(*command, "--ca-file", str(cert), cwd=project)
    finally:
        sink.stop()
    site = f"https://127.0.0.1:{port}/"
    # Without it every page of the staging site fails on its certificate...
    assert "the secure connection failed" in untrusted.stderr and untrusted.stderr.count(site) > 1
    # ...with it, the one page really missing is the only one named.
    assert trusted.returncode == 1, trusted.stdout + trusted.stderr
    assert "secure connection failed" not in trusted.stderr
    assert trusted.stderr.count(site) == 1 and f"{site}{MISSING_PAGE}/ (link): 404 File not found" in trusted.stderr


def test_a_deployed_site_passes_the_live_check_and_the_journal_says_so(deployed, tmp_path):
    template, _port, cert = deployed
    project = copy_project(template, tmp_path / "project")
    newsletter = project / "newsletters" / f"{LIVE_SLUG}.md"
    newsletter.write_text(LIVE_NEWSLETTER.replace("  - page: guidance/project-servator.md\n", ""), encoding="utf-8")
    (project / "recipients.csv").write_text("email\nann@example.org\n", encoding="utf-8")
    sink = Relay(ScriptedHandler())
    try:
        sent = run_in_process("send", LIVE_SLUG, "--to", "recipients.csv", "--smtp", sink.url(), "--rate", "0",
                                "--yes", cwd=project, env={"SSL_CERT_FILE": str(cert)})
    finally:
        sink.stop()
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert "Checking that every link and image in the email is live..." in sent.stdout
    report = run_in_process("sends", LIVE_SLUG, cwd=project)
    assert "; live check passed: " in report.stdout and " links and images answered 200." in report.stdout
