"""The urgent notice is held to the project boundary like every published file and every newsletter.

docs/notice.md becomes a banner on every page, the first entry of every feed and an email: a notice.md that is a
link out of the project, or to personal data, must be refused by name by `check`, `build`, `send notice` and
`sends notice`, and its words must reach no page and no relay.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sending_relay import project, relay, run, sending_template  # noqa: F401
from support import NOTICE, NoticeSite, at

SECRET = "OUTSIDE-NOTICE-5c2e"
INSIDE = ("expected a file or folder inside the project (a link that leads out of the project folder is never "
          "published), found ")
PRIVATE = ("expected no personal data among published files (recipient lists, suppressed.csv, send records "
           "and the outbox are never published, whatever links to them), found ")


@pytest.fixture
def live(monkeypatch) -> None:
    """Every run is made while the notice would be live."""
    for name, value in at(NoticeSite.live_at).items():
        monkeypatch.setenv(name, value)


def link_notice(project: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(NOTICE.replace("Avoid the area", f"{SECRET} Avoid the area"), encoding="utf-8")
    (project / "docs" / "notice.md").symlink_to(target)


def test_a_notice_linked_from_outside_is_refused_by_check_build_and_send(project, relay, run, live, tmp_path):
    outside = tmp_path / "elsewhere" / "notice.md"
    link_notice(project, outside)
    refused = f"error: docs/notice.md: {INSIDE}a link to {outside}"

    code, out, err = run("check")
    assert code == 1, out + err
    assert out.splitlines().count(refused) == 1  # named once, though both the docs/ walk and the notice see it

    code, out, err = run("build")
    assert code == 1, out + err
    assert err.splitlines().count(refused) == 1
    assert "fault in protectpress" not in err
    built = [f for f in project.rglob("*.html") if "docs" not in f.relative_to(project).parts]
    assert all(SECRET not in f.read_text(encoding="utf-8", errors="replace") for f in built)

    code, out, err = run("send", "notice", "--test", "editor@example.org", "--smtp", relay.url())
    assert code == 1, out + err
    assert refused in err.splitlines() and "nothing was sent" in err
    assert relay.handler.received == []
    assert not (project / "outbox").exists()

    code, out, err = run("sends", "notice")
    assert code == 1 and refused in err.splitlines()


def test_a_notice_linked_to_a_sending_journal_is_refused_as_personal_data(project, relay, run, live):
    journal_copy = project / "newsletters" / ".sends" / "notice.md"
    link_notice(project, journal_copy)
    code, out, err = run("send", "notice", "--test", "editor@example.org", "--smtp", relay.url())
    assert code == 1, out + err
    assert (f"error: docs/notice.md: {PRIVATE}a link to newsletters/.sends/notice.md, personal data from the "
            "send records or the outbox") in err.splitlines()
    assert relay.handler.received == []
