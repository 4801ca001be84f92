"""A real PostgreSQL for the subscriptions service's tests: Debian's, unprivileged, on 127.0.0.1 at a free port.

`initdb` and the server refuse to run as root, so under root (as in CI) they run as `nobody`, as the bounce
tests run Dovecot; the data lives in a throwaway folder (fsync off: it is thrown away). Missing PostgreSQL
skips the tests on a developer's machine and fails them where PROTECTPRESS_REQUIRE_BROWSER is set (CI):
`.ci/run` installs it (`apt-get install postgresql`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import free_port


def _binaries() -> Path | None:
    given = os.environ.get("PROTECTPRESS_POSTGRES_BIN")
    if given:
        return Path(given)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


class PostgresServer:
    def __init__(self, folder: Path, binaries: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.binaries = binaries
        root = os.geteuid() == 0
        runner = pwd.getpwnam("nobody") if root else pwd.getpwuid(os.geteuid())
        self._as = {"user": runner.pw_uid, "group": runner.pw_gid, "extra_groups": []} if root else {}
        (folder / "data").mkdir(mode=0o700)
        (folder / "run").mkdir()
        if root:
            for path in (folder, folder / "data", folder / "run"):
                os.chown(path, runner.pw_uid, runner.pw_gid)
        env = {**os.environ, "LC_ALL": "C.UTF-8", "HOME": str(folder)}
        self._run("initdb", "-D", str(folder / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync", env=env)
        self._run("pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "postgres.log"), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {folder / 'run'} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start", env=env)
        self._names = itertools.count(1)

    def _run(self, program: str, *args: str, env: dict[str, str]) -> None:
        result = subprocess.run([str(self.binaries / program), *args], capture_output=True, text=True, env=env,
                                cwd=self.folder, timeout=120, **self._as)  # type: ignore[call-overload]
        if result.returncode != 0:
            log = self.folder / "postgres.log"
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}"
                               f"{log.read_text() if log.exists() else ''}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database's address: each test's store starts empty."""
        import psycopg

        name = f"store{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop", env=env)


def require_postgres() -> Path:
    binaries = _binaries()
    if binaries is None or not (binaries / "initdb").is_file():
        reason = ("PostgreSQL not found under /usr/lib/postgresql/*/bin: install it with `apt-get install "
                  "postgresql` to run the PostgreSQL store's tests")
        if os.environ.get("PROTECTPRESS_REQUIRE_BROWSER"):
            pytest.fail(f"{reason} (PROTECTPRESS_REQUIRE_BROWSER is set, so this fails instead of skipping)",
                        pytrace=False)
        pytest.skip(reason)
    return binaries


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    binaries = require_postgres()
    folder = Path(tempfile.mkdtemp(prefix="protectpress-postgres-"))
    folder.chmod(0o755)
    server = PostgresServer(folder, binaries)
    yield server
    server.stop()
    time.sleep(0.1)
    shutil.rmtree(folder, ignore_errors=True)
