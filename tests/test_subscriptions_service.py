"""The subscriptions service end to end, on each store (SQLite, and a real PostgreSQL): the real `protectpress
subscriptions serve`, a real aiosmtpd relay receiving the confirmation emails, urllib as the reader's browser
and mail program, and the real `subscribers pull | show | forget` and `send` commands.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest

from postgres_server import postgres_server  # noqa: F401  (a fixture)
from protectpress.core.foundation.tokens import CONFIRM_LIFETIME, Keyring
from sending_relay import sending_template  # noqa: F401  (a fixture)
from subscriptions_service import (
    ORGANISATION,
    SECRET,
    Service,
    confirmation_link,
    http,
    running_service,
    sign_up,
)
from support import wait_until

SLUG = "2023-03-security-and-policing"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(request, sending_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"subscriptions-{request.param}")
    if request.param == "postgresql":
        store = request.getfixturevalue("postgres_server").new_database()
    else:
        store = str(folder / "subscriptions.sqlite")
    # Many sign-ups come from this one test client: the per-client limit has its own test.
    with running_service(sending_template, folder, store, "--signups-per-minute", "100000") as running:
        yield running


def beside(service: Service, *args: str):
    """A command comms staff run beside the service: in a real `protectpress` process against the SQLite store,
    and in this process (tests/support.py run_in_process, a second quicker) against PostgreSQL. Each command still
    runs as a real process against a running service once; what the PostgreSQL runs prove is what the command
    finds, says and writes with that store, which is the same in either."""
    in_process = service.store.startswith("postgresql:")
    return (service.cli_in_process if in_process else service.cli)(*args)


def one_email(service: Service, address: str, timeout: float = 20):
    return wait_until(lambda: service.emails_to(address), seconds=timeout, step=0.02,
                      what=f"a confirmation email reaching {address}")[-1]


def test_sign_up_confirm_pull_send_and_unsubscribe(service, sending_template):
    address = "partner@example.org"
    status, page = sign_up(service, address, ("retail", "faith"))
    assert status == 200 and b"Check your email" in page
    message = one_email(service, address)
    assert message["Subject"] == f"Confirm your email address for {ORGANISATION}"
    assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None
    link = confirmation_link(message)
    # The project's email template: its footer names the organisation, and says why this email came.
    text = " ".join(message.get_body(("plain",)).get_content().split())  # the text part wraps its lines
    assert ORGANISATION in text and "someone gave this address on our Subscribe page" in text
    assert "your organisation is a partner" not in text

    # Opening the link (a mail scanner, or the reader) confirms nothing.
    status, _, page = http(link)
    assert status == 200 and b'<button type="submit">Confirm</button>' in page and ORGANISATION.encode() in page
    assert http(link, "HEAD")[0] == 200
    assert service.pull() == []
    # Pressing Confirm does.
    status, _, page = http(link, "POST", b"")
    assert status == 200 and b"You are subscribed" in page
    rows = service.pull()
    assert rows == [{"email": address, "name": "", "organisation": "", "sectors": "retail;faith"}]

    # A bulk send to the pulled list reaches them, with a one-click link that takes them off the list.
    result = beside(service, "send", "--skip-live-check", SLUG, "--to", "pulled.csv", "--smtp", service.relay.url(),
                    "--rate", "0", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    newsletter = [m for m in service.emails_to(address) if "Confirm" not in m["Subject"]]
    assert len(newsletter) == 1
    # Every newsletter carries the reader's own signed "Manage your email" link, in both parts.
    text = newsletter[0].get_body(("plain",)).get_content()
    manage = re.search(r"Manage your email \(your sectors, or unsubscribe\): (http://\S+/manage\?t=m1\.\S+)",
                       text).group(1)
    assert f'href="{manage}">Manage your email</a>' in newsletter[0].get_body(("html",)).get_content()
    status, _, page = http(manage)
    assert status == 200 and b'value="retail" checked' in page and address.encode() in page
    one_click = re.search(r"<(http://[^>]+)>", str(newsletter[0]["List-Unsubscribe"])).group(1)
    page = http(one_click)[2]
    assert f"emails from {ORGANISATION}".encode() in page and b"our emails" not in page  # named, not "our"
    assert http(one_click, "POST", b"List-Unsubscribe=One-Click")[0] == 200
    assert service.pull() == []


def test_the_answer_is_the_same_for_known_and_unknown_addresses_and_one_email_a_day(service):
    first = sign_up(service, "twice@example.org")
    again = sign_up(service, "twice@example.org", ("retail",))
    stranger = sign_up(service, "stranger@example.org")
    assert first == again == stranger and first[0] == 200
    one_email(service, "stranger@example.org")
    time.sleep(0.5)  # the mailer is one thread: anything queued for "twice" has gone by now
    assert len(service.emails_to("twice@example.org")) == 1
    # The one email's link confirms the newer choices.
    assert http(confirmation_link(service.emails_to("twice@example.org")[0]), "POST", b"")[0] == 200
    assert {"email": "twice@example.org", "name": "", "organisation": "", "sectors": "retail"} in service.pull()


def test_forged_expired_reused_and_wrong_kind_links_are_refused(service):
    sign_up(service, "links@example.org")
    link = confirmation_link(one_email(service, "links@example.org"))
    token = link.split("t=")[1]
    keyring = Keyring(SECRET)
    forged = link[:-1] + ("A" if link[-1] != "A" else "B")
    foreign = Keyring("another-secret-" + "x" * 32).sign_confirmation("links@example.org", token)
    unsubscribe_token = keyring.sign("links@example.org", SLUG)
    for wrong in (forged, service.url("confirm", t=foreign), service.url("confirm", t=unsubscribe_token),
                  service.url("confirm")):
        assert http(wrong)[0] == 400
        assert http(wrong, "POST", b"")[0] == 400
    payload = token.split(".")[2]
    import base64
    import json
    signup = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["s"]
    expired = keyring.sign_confirmation("links@example.org", signup,
                                        now=time.time() - CONFIRM_LIFETIME.total_seconds() - 60)
    assert http(service.url("confirm", t=expired), "POST", b"")[0] == 410
    assert all(row["email"] != "links@example.org" for row in service.pull())
    assert http(link, "POST", b"")[0] == 200
    status, _, page = http(link, "POST", b"")  # used once already
    assert status == 410 and b"already been used" in page
    # An unsubscribe token's page is not a confirmation page, and a confirmation token unsubscribes no one.
    assert http(service.url("", t=token), "POST", b"List-Unsubscribe=One-Click")[0] == 400


def test_a_filled_honeypot_gets_the_same_page_and_nothing_happens(service):
    bot = sign_up(service, "bot@example.org", honeypot="https://spam.example")
    person = sign_up(service, "person@example.org")
    assert bot == person
    one_email(service, "person@example.org")
    time.sleep(0.3)
    assert service.emails_to("bot@example.org") == []
    shown = service.cli_in_process("subscribers", "show", "bot@example.org", "--store", service.store)
    assert shown.returncode == 1 and "holds nothing about bot@example.org" in shown.stdout


class _Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_mistakes_come_back_as_govuk_errors_and_nothing_is_recorded(service):
    for address, message in (("", "Enter your email address"),
                             ("not-an-address", "Enter an email address in the correct format, like name@example.com")):
        status, page = sign_up(service, address, ("no-such-sector",))
        text = page.decode()
        assert status == 400
        assert "<title>Error: Sign up for emails from" in text
        summary = text.index('class="pp-error-summary"')
        assert summary < text.index('id="signup-email"')  # the summary comes first
        assert f'<a href="#signup-email">{message}</a>' in text
        assert '<a href="#signup-sectors">Choose sectors from the list</a>' in text
        assert f'id="signup-email-error">Error: {message}</p>' in text
        shape = _Shape()
        shape.feed(text)
        email_input = next(attrs for tag, attrs in shape.tags if tag == "input" and attrs.get("name") == "email")
        assert email_input["aria-invalid"] == "true" and "signup-email-error" in email_input["aria-describedby"]
        assert email_input["value"] == address
        assert "<script" not in text
    assert service.emails_to("not-an-address") == []


def test_the_preferences_page_changes_sectors_and_unsubscribes(service):
    sign_up(service, "prefs@example.org", ("retail",))
    status, _, page = http(confirmation_link(one_email(service, "prefs@example.org")), "POST", b"")
    manage = re.search(rb'href="(http://[^"]+/manage\?t=[^"]+)"', page).group(1).decode()
    status, _, page = http(manage)
    assert status == 200 and b'value="retail" checked' in page and b'value="faith">' in page
    assert http(manage, "POST", b"action=save&sector=faith&sector=transport")[0] == 200
    assert {"email": "prefs@example.org", "name": "", "organisation": "",
            "sectors": "faith;transport"} in service.pull()
    assert http(manage, "POST", b"action=save&sector=nope")[0] == 400
    status, _, page = http(manage, "POST", b"action=unsubscribe")
    assert status == 200 and b"You are unsubscribed" in page
    assert all(row["email"] != "prefs@example.org" for row in service.pull())
    assert http(manage.replace("t=m1.", "t=u1."))[0] == 400  # a token of another kind


def test_200_concurrent_sign_ups_and_confirmations_none_lost_none_twice(service):
    addresses = [f"crowd{i}@example.org" for i in range(200)]
    before = len(service.relay.handler.received)
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda a: sign_up(service, a), addresses))
    assert {status for status, _ in answers} == {200}
    service.wait_for_emails(before + 200)
    time.sleep(0.3)
    counts = service.relay.handler.counts()
    assert all(counts[a] == 1 for a in addresses)
    links = [confirmation_link(service.emails_to(a)[0]) for a in addresses]
    with ThreadPoolExecutor(max_workers=50) as pool:  # each link pressed twice at once: one wins
        statuses = list(pool.map(lambda link: http(link, "POST", b"")[0], links + links))
    assert sorted(statuses) == [200] * 200 + [410] * 200
    pulled = [row["email"] for row in service.pull() if row["email"].startswith("crowd")]
    assert sorted(pulled) == sorted(addresses)


def test_suppression_always_wins_in_the_pull(service):
    sign_up(service, "suppressed@example.org")
    assert http(confirmation_link(one_email(service, "suppressed@example.org")), "POST", b"")[0] == 200
    assert "suppressed@example.org" in [row["email"] for row in service.pull()]
    assert beside(service, "suppress", "Suppressed@Example.org").returncode == 0
    out = service.project / "pulled.csv"
    result = beside(service, "subscribers", "pull", service.base, "--out", str(out))
    assert result.returncode == 0 and "are on newsletters/suppressed.csv and were left out" in result.stdout
    assert "suppressed@example.org" not in out.read_text(encoding="utf-8").lower()
    (service.project / "newsletters" / "suppressed.csv").unlink()  # the other tests' pulls start clean


def test_show_prints_the_consent_record_and_forget_erases_it(service):
    sign_up(service, "record@example.org", ("faith",))
    http(confirmation_link(one_email(service, "record@example.org")), "POST", b"")
    shown = beside(service, "subscribers", "show", "record@example.org", "--store", service.store)
    assert shown.returncode == 0, shown.stderr
    for line in ("status: confirmed", "sectors: faith", "form on the page: https://protectpress.example.org/subscribe/",
                 "consent wording version: 2026-12-06", f"When you sign up, {ORGANISATION} will email you"):
        assert line in shown.stdout
    assert re.search(r"signed up: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", shown.stdout)
    assert re.search(r"confirmed: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", shown.stdout)
    record = shown.stdout.splitlines()[1:]  # the first line names the store, which may be a server's address
    assert not any("127.0.0.1" in line for line in record)  # the sign-up came from there: no IP is kept
    forgotten = beside(service, "subscribers", "forget", "record@example.org", "--store", service.store)
    assert forgotten.returncode == 0 and "1 subscriber record(s)" in forgotten.stdout
    again = service.cli_in_process("subscribers", "show", "record@example.org", "--store", service.store)
    assert again.returncode == 1 and "holds nothing" in again.stdout
    assert all(row["email"] != "record@example.org" for row in service.pull())


def test_the_access_log_has_a_line_per_request_and_no_personal_data(service):
    sign_up(service, "logged@example.org")
    link = confirmation_link(one_email(service, "logged@example.org"))
    http(link)
    time.sleep(0.3)
    log = service.log.read_text().split("Press Ctrl-C to stop.", 1)[1]  # after the line naming the store
    assert re.search(r"POST signup 200 \d+ \d+ms", log)
    assert re.search(r"GET confirm 200 \d+ \d+ms", log)
    assert "@" not in log  # no address anywhere
    assert "t=" not in log and link.split("t=")[1] not in log and "127.0.0.1 -" not in log


def test_one_client_is_limited_while_another_still_gets_its_page_within_a_second(sending_template, tmp_path):
    with running_service(sending_template, tmp_path, str(tmp_path / "limited.sqlite")) as limited:  # 10 a minute
        flood: list[int] = []

        def bot(i: int) -> int:
            return sign_up(limited, f"bomb{i}@example.org", source="127.0.0.3")[0]

        with ThreadPoolExecutor(max_workers=16) as pool:
            running = pool.map(bot, range(1000))
            time.sleep(0.5)  # the flood is under way
            started = time.monotonic()
            status, page = sign_up(limited, "neighbour@example.org", source="127.0.0.4")
            waited = time.monotonic() - started
            flood = list(running)
        assert status == 200 and b"Check your email" in page and waited < 1.0
        assert flood.count(200) == 10 and flood.count(429) == 990
        one_email(limited, "neighbour@example.org")
        time.sleep(0.3)
        bombed = [r for r in limited.relay.handler.received if r.recipients[0].startswith("bomb")]
        assert len(bombed) == 10  # the service sent only what the limit let through
        status, headers, page = http(limited.url("signup"), "POST", b"email=x%40example.org", source="127.0.0.3")
        assert status == 429 and headers["Retry-After"] == "60" and b"Too many sign-ups" in page


def test_behind_a_trusted_proxy_the_limit_counts_each_reader_not_the_proxy(sending_template, tmp_path):
    with running_service(sending_template, tmp_path, str(tmp_path / "proxied.sqlite"), "--signups-per-minute", "2",
                         "--trusted-proxy", "127.0.0.1") as proxied:
        def from_reader(address: str, reader: str) -> int:
            body = f"email={address.replace('@', '%40')}".encode()
            return http(proxied.url("signup"), "POST", body, {"X-Forwarded-For": reader,
                                                              "Content-Type": "application/x-www-form-urlencoded"})[0]

        assert [from_reader(f"r{i}@example.org", "203.0.113.5") for i in range(3)] == [200, 200, 429]
        assert from_reader("other@example.org", "203.0.113.6") == 200  # another reader behind the same proxy


def test_any_wsgi_host_can_serve_the_module_level_subscriptions_application(sending_template, tmp_path,
                                                                             monkeypatch):
    import io
    from wsgiref.util import setup_testing_defaults

    import protectpress.unsubscribe.service as service_module
    from subscriptions_service import ENV, project_for

    project = project_for(sending_template, tmp_path / "project", "https://partners.example.org/subscriptions/")
    for name, value in {**ENV, "PROTECTPRESS_CONFIG": str(project / "mkdocs.yml"),
                        "PROTECTPRESS_UNSUBSCRIBE_STORE": str(tmp_path / "hosted.sqlite")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PROTECTPRESS_SMTP_URL", raising=False)
    monkeypatch.setattr(service_module.application, "app", None)
    body = b"email=hosted%40example.org&sector=retail"
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/subscriptions/signup", "REMOTE_ADDR": "192.0.2.1",
               "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body)}
    setup_testing_defaults(environ)
    statuses: list[str] = []
    page = b"".join(service_module.application(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"] and b"Check your email" in page
    service_module.application.app.mailer.close()  # sends what is queued, then stops
    written = list((project / "outbox" / "confirmations").glob("*.eml"))
    assert [p.name for p in written] == ["hosted@example.org.eml"]
    import email
    import email.policy

    message = email.message_from_bytes(written[0].read_bytes(), policy=email.policy.default)
    assert "https://partners.example.org/subscriptions/confirm?t=c1." in message.get_body(("plain",)).get_content()


def test_serve_refuses_to_start_plainly_without_its_secrets_address_or_store(sending_template, tmp_path):
    import os
    import subprocess

    from subscriptions_service import ENV, project_for
    from support import PROTECTPRESS, free_port, run_protectpress

    project = project_for(sending_template, tmp_path / "project", "https://partners.example.org/subscriptions/")
    serve = ("subscriptions", "serve", "--port", str(free_port()))
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PROTECTPRESS_UNSUBSCRIBE")}
    no_secret = subprocess.run([*PROTECTPRESS, *serve], cwd=project, env=clean, capture_output=True, text=True,
                               timeout=120)
    assert no_secret.returncode == 2 and "PROTECTPRESS_UNSUBSCRIBE_SECRET" in no_secret.stderr
    unreachable = run_protectpress(*serve, "--store", f"postgresql://nobody:s3cret@127.0.0.1:{free_port()}/x",
                                   cwd=project, env=ENV)
    assert unreachable.returncode == 2, unreachable.stderr
    assert "could not open the store postgresql://nobody:***@127.0.0.1:" in unreachable.stderr
    assert "s3cret" not in unreachable.stderr and "Nothing was started" in unreachable.stderr
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "        unsubscribe_url: https://partners.example.org/subscriptions/\n", ""), encoding="utf-8")
    no_address = run_protectpress(*serve, cwd=project, env=ENV)
    assert no_address.returncode == 2 and "sending.unsubscribe_url: expected the address where this service runs" \
        in no_address.stderr
    for result in (no_secret, unreachable, no_address):
        assert "Traceback" not in result.stderr
