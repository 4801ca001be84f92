"""A real IMAP server for the bounce tests: Debian's Dovecot, unprivileged, on 127.0.0.1 at a free port.

It runs from a throwaway folder with its own configuration (one user in a passwd-file, Maildir storage), on
two ports: plain IMAP (`imap://` is accepted for loopback only) and IMAP over TLS with a self-signed
certificate made for the test (`imaps://` with `--ca-file`). Dovecot's login process refuses to run as root,
so under root (as in CI) the whole server runs as `nobody`. Missing Dovecot skips the tests on a developer's
machine and fails them where PROTECTPRESS_REQUIRE_BROWSER is set (CI), as the browser tests do: `.ci/run`
installs it.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from sending_relay import self_signed_certificate
from support import free_port, wait_until

DOVECOT = Path(os.environ.get("PROTECTPRESS_DOVECOT", "/usr/sbin/dovecot"))
USER, PASSWORD = "bounces", "imap-test-password"


class ImapServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port, self.tls_port = free_port(), free_port()
        self.certificate, key = self_signed_certificate(folder)
        runner = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        (folder / "run").mkdir()
        (folder / "mail").mkdir()
        (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        (folder / "dovecot.conf").write_text(f"""\
base_dir = {folder}/run
state_dir = {folder}/run
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{self.certificate}
ssl_key = <{key}
disable_plaintext_auth = no
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain
auth_failure_delay = 0
default_login_user = {runner.pw_name}
default_internal_user = {runner.pw_name}
default_internal_group = {_group_name(runner.pw_gid)}
first_valid_uid = {runner.pw_uid}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={runner.pw_uid} gid={runner.pw_gid} home={folder}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
  }}
  chroot =
}}
service anvil {{
  chroot =
  # No penalty for failed logins (a wrong password is a test here): it held the next login 4 seconds.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth {{
  chroot =
}}
""")
        if os.geteuid() == 0:
            for path in [folder, *folder.rglob("*")]:
                os.chown(path, runner.pw_uid, runner.pw_gid)
        self.process = subprocess.Popen([str(DOVECOT), "-F", "-c", str(folder / "dovecot.conf")],
                                        user=runner.pw_uid if os.geteuid() == 0 else None,
                                        group=runner.pw_gid if os.geteuid() == 0 else None,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        def greets() -> bool:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                return probe.recv(100).startswith(b"* OK")

        log = self.folder / "dovecot.log"
        wait_until(greets, seconds=30, what="Dovecot greeting on its port", process=self.process,
                   output=lambda: log.read_text() if log.exists() else "no log")

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, folder: str, messages: list[bytes]) -> None:
        client = self.client()
        try:
            client.create(folder)
            for raw in messages:
                status, _ = client.append(folder, None, None, raw)
                assert status == "OK"
        finally:
            client.logout()

    def url(self, folder: str, *, tls: bool = False) -> str:
        if tls:
            return f"imaps://{USER}@127.0.0.1:{self.tls_port}/{folder}"
        return f"imap://{USER}@127.0.0.1:{self.port}/{folder}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _group_name(gid: int) -> str:
    import grp
    return grp.getgrgid(gid).gr_name


@pytest.fixture(scope="module")
def imap_server():
    if not DOVECOT.is_file():
        reason = f"Dovecot not found at {DOVECOT}: install it with `apt-get install dovecot-imapd` to run the IMAP test"
        if os.environ.get("PROTECTPRESS_REQUIRE_BROWSER"):
            pytest.fail(f"{reason} (PROTECTPRESS_REQUIRE_BROWSER is set, so this fails instead of skipping)",
                        pytrace=False)
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="protectpress-imap-"))
    folder.chmod(0o755)
    server = ImapServer(folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)
