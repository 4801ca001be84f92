"""Issue 11, item 5: a bad recipient row never stops a send, and never stops the next run either.

Every row is checked before anything is sent; bad ones are listed by line in the dry run and in the
confirmation, skipped, and the rest of the list gets the newsletter from a real aiosmtpd relay.
"""

from __future__ import annotations

import re

from sending_relay import project, relay, run, sending_template  # noqa: F401

SLUG = "2023-03-security-and-policing"
GOOD = ["first@example.com", "middle@example.com", "after-quote@example.com", "last@example.com"]


def hostile_list() -> tuple[str, list[int]]:
    """A recipients file with good rows around each kind of bad one, and the lines of the bad ones."""
    rows = [
        ("email,name,organisation,sectors", False),
        ("first@example.com,First,,", False),
        ('crlf@example.com,"Partner\r\nReply-To: x@evil.example",,', True),  # lines 3-4; line 4 read again: bad too
        ("huge@example.com," + "x" * 140_000 + ",,", True),  # over the csv module's field limit
        ("long@example.com," + "y" * 5_000 + ",,", True),  # a name no header can fold
        ("middle@example.com,Middle,,", False),
        ("not-an-address,Nobody,,", True),
        ("=?utf-8?q?a=0D=0ABcc:_x=40evil.example?=@example.com,Encoded,,", True),
        ('open@example.com,"Never closed,,', True),  # its quote would otherwise swallow every line after it
        ("after-quote@example.com,After,,", False),
        ("last@example.com,Last,,", False),
    ]
    text = "\r\n".join(row for row, _ in rows) + "\r\n"
    bad, line = [], 1
    for row, is_bad in rows:
        if is_bad:
            bad.append(line)
        line += row.count("\r\n") + 1
    return text, bad


def test_bad_rows_are_listed_by_line_skipped_and_the_rest_is_sent_again_and_again(project, relay, run):
    text, bad_lines = hostile_list()
    (project / "recipients.csv").write_bytes(text.encode("utf-8"))
    send = ("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0")

    code, out, err = run(*send, "--dry-run")
    assert code == 0, out + err
    assert "Traceback" not in out + err
    counted = re.search(r"(\d+) rows in recipients\.csv = 4 to send \+ .* \+ (\d+) invalid \+ ", out)
    listed = re.search(r"; invalid rows skipped: lines ([\d, ]+), named in the warnings above", out)
    assert counted and listed, out
    shown = [int(n) for n in listed.group(1).split(", ")]
    assert set(bad_lines) <= set(shown) and int(counted.group(2)) == len(shown)
    assert "4 to send now" in out
    for line in bad_lines:
        assert f"recipients.csv:{line}: " in err and "(this line is skipped)" in err
    assert relay.handler.received == []

    code, out, err = run(*send, "--yes")
    assert code == 0, out + err
    assert sorted(m.recipients[0] for m in relay.handler.received) == sorted(GOOD)

    code, out, err = run(*send, "--yes")  # the rerun reads the same rows and crashes on none of them
    assert code == 0, out + err
    assert "Nobody is left to send to." in out
    assert len(relay.handler.received) == len(GOOD)


def test_suppressing_from_a_csv_takes_every_address_whatever_its_name(project, run):
    """A name that could never go into a header must not keep its person on the list."""
    text, _ = hostile_list()
    (project / "leavers.csv").write_bytes(text.encode("utf-8"))
    code, out, err = run("suppress", "leavers.csv")
    assert code == 0, out + err
    assert "Traceback" not in out + err
    suppressed = (project / "newsletters" / "suppressed.csv").read_text(encoding="utf-8")
    for address in ["crlf@example.com", "long@example.com", *GOOD]:
        assert f"\n{address}," in suppressed, address
    for address, line in [("huge@example.com", 5), ("open@example.com", 10)]:  # lines csv cannot read: listed
        assert address not in suppressed
        assert f"leavers.csv:{line}: expected a line of comma-separated values (this line is skipped)" in err
