"""A dry run through a relay signs in to it as the real send will (EHLO, STARTTLS, AUTH), then says QUIT having
sent nothing: a wrong host, port, user name or password shows in the dry run, not at the real send.

The first-time comms officer's trial found the dry run never touching the relay, so a wrong password was only
found when the newsletter was already going out."""

from __future__ import annotations

import ssl

import pytest

from sending_relay import (  # noqa: F401
    Relay,
    ScriptedHandler,
    free_port,
    project,
    run,
    self_signed_certificate,
    sending_template,
    write_recipients,
)

SLUG = "2023-03-security-and-policing"
PASSWORD = "dry-run-Pa55word-never-shown"
CHECK = "Check the relay's host name and port in --smtp"


@pytest.fixture
def signed_in_relay(tmp_path):
    """A relay that wants STARTTLS and a user name and password, as a real one does: (relay, its certificate)."""
    certificate, key = self_signed_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    server = Relay(ScriptedHandler(), username="comms", password=PASSWORD, tls_context=context)
    yield server, certificate
    server.stop()


def dry_run(run, url: str, *extra: str):
    return run("send", SLUG, "--to", "recipients.csv", "--smtp", url, "--dry-run", "--skip-live-check", *extra)


@pytest.mark.parametrize("yes", [(), ("--yes",)], ids=["asked", "--yes"])
def test_the_dry_run_signs_in_to_the_relay_and_sends_nothing(project, run, monkeypatch, signed_in_relay, yes):
    server, certificate = signed_in_relay
    write_recipients(project / "recipients.csv", ["a@example.com,,,", "b@example.com,,,"])
    monkeypatch.setenv("PROTECTPRESS_SMTP_PASSWORD", PASSWORD)
    code, out, err = dry_run(run, server.url("comms"), "--ca-file", str(certificate), *yes)
    assert code == 0, out + err
    assert (f"Relay smtp://comms@127.0.0.1:{server.port} answered: connected over STARTTLS, signed in as comms, "
            "then hung up without sending.") in out
    assert "Dry run: nothing was sent or recorded." in out
    assert server.handler.connections  # it did reach the relay (one greeting, a second after STARTTLS)...
    assert server.handler.received == []  # ...and gave it nothing to send
    assert not (project / "newsletters" / ".sends").exists()
    assert PASSWORD not in out + err


def test_a_wrong_password_shows_in_the_dry_run_plainly(project, run, monkeypatch, signed_in_relay):
    server, certificate = signed_in_relay
    write_recipients(project / "recipients.csv", ["a@example.com,,,"])
    monkeypatch.setenv("PROTECTPRESS_SMTP_PASSWORD", PASSWORD + "-wrong")
    code, out, err = dry_run(run, server.url("comms"), "--ca-file", str(certificate))
    assert code == 2, out + err
    assert (f"Dry run: the real send would stop here: smtp://comms@127.0.0.1:{server.port}: the relay refused the "
            "user name or password (535 ") in err
    assert CHECK in err and "the password in PROTECTPRESS_SMTP_PASSWORD" in err
    assert "answered" not in out and "Traceback" not in out + err
    assert server.handler.received == []
    assert PASSWORD not in out + err


def test_a_relay_out_of_reach_shows_in_the_dry_run_of_a_list_and_of_a_test(project, run):
    write_recipients(project / "recipients.csv", ["a@example.com,,,"])
    closed = f"smtp://127.0.0.1:{free_port()}"
    code, out, err = dry_run(run, closed)
    assert code == 2, out + err
    assert (f"Dry run: the real send would stop here: {closed}: could not connect to the relay: the relay refused "
            "the connection (is the host and port right?)." in err)
    assert CHECK in err
    code, out, err = run("send", SLUG, "--test", "editor@example.org", "--smtp", closed, "--dry-run")
    assert code == 2 and "Dry run: would send a [TEST] copy to editor@example.org" in out
    assert f"{closed}: could not connect to the relay" in err and CHECK in err
    assert not (project / "outbox").exists() and not (project / "newsletters" / ".sends").exists()


def test_a_test_dry_run_through_a_relay_says_it_answered(project, run):
    server = Relay(ScriptedHandler())
    try:
        code, out, err = run("send", SLUG, "--test", "editor@example.org", "--smtp", server.url(), "--dry-run")
    finally:
        server.stop()
    assert code == 0, out + err
    assert (f"Relay smtp://127.0.0.1:{server.port} answered: connected unencrypted (it is on this computer), "
            "no sign-in (no user name in --smtp), then hung up without sending.") in out
    assert server.handler.connections == 1 and server.handler.received == []


def test_a_real_send_signs_in_before_it_asks_to_go_ahead(project, run, monkeypatch, signed_in_relay):
    """The comms officer's trial: a real send asked "Send to 2 people now?" before it had touched the relay, so
    a wrong password showed only after they had said yes. It signs in first, as the dry run does."""
    server, certificate = signed_in_relay
    write_recipients(project / "recipients.csv", ["a@example.com,,,", "b@example.com,,,"])
    real_send = ("send", SLUG, "--to", "recipients.csv", "--smtp", server.url("comms"), "--ca-file", str(certificate),
                 "--skip-live-check")
    monkeypatch.setenv("PROTECTPRESS_SMTP_PASSWORD", PASSWORD + "-wrong")
    code, out, err = run(*real_send)
    assert code == 2, out + err
    assert (f"Not sending: smtp://comms@127.0.0.1:{server.port}: the relay refused the user name or password "
            "(535 ") in err
    assert CHECK in err and "the password in PROTECTPRESS_SMTP_PASSWORD" in err
    assert "About to send a newsletter:" not in err and "no terminal to confirm on" not in err  # never asked
    assert server.handler.received == [] and "Traceback" not in out + err
    assert PASSWORD not in out + err
    monkeypatch.setenv("PROTECTPRESS_SMTP_PASSWORD", PASSWORD)
    connections = server.handler.connections
    code, out, err = run(*real_send)
    assert code == 2, out + err  # signed in, then asked: with no terminal to answer on, nothing is sent
    assert (f"Relay smtp://comms@127.0.0.1:{server.port} answered: connected over STARTTLS, signed in as comms."
            in out)
    assert "About to send a newsletter:" in err and "no terminal to confirm on" in err
    assert server.handler.connections > connections and server.handler.received == []
