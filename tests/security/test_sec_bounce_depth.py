"""A crafted message in the bounce box never takes the email package near Python's recursion limit.

`read_bounce` used to parse 1,500 nested `message/rfc822` parts and catch the RecursionError. That answer was
right but the parse was not safe: while it runs a thousand frames deep, the garbage collector can start, and the
finalizers of whatever else is waiting to be collected then run at that depth and fail ("Exception ignored in",
once failing CI). Now enclosed messages are counted before parsing, as multipart sections already were, so the
parser never goes deep. These tests watch how deep it goes.
"""

from __future__ import annotations

import email.message
import sys
from pathlib import Path

import pytest

from protectpress.core.sending.dsn import MAX_ENCLOSED_MESSAGES, NotABounce, read_bounce

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/bounces"
HEAD = b"From: someone@example.net\r\nSubject: nested\r\n"
SAFE_DEPTH = 250  # frames above the test: a real report needs a few dozen


def _nested(depth: int, header: bytes, newline: bytes = b"\r\n") -> bytes:
    return HEAD.replace(b"\r\n", newline) + (header + newline + newline) * depth + newline + b"hi" + newline


@pytest.fixture
def deepest_part(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many frames deep the email package was when it made its deepest part."""
    deepest = [0]
    base = len(_frames())
    make_part = email.message.Message.__init__

    def counting_init(self: email.message.Message, *args: object, **kwargs: object) -> None:
        make_part(self, *args, **kwargs)
        deepest[0] = max(deepest[0], len(_frames()) - base)

    monkeypatch.setattr(email.message.Message, "__init__", counting_init)
    return deepest


def _frames() -> list[object]:
    frame, frames = sys._getframe(), []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


@pytest.mark.parametrize("raw", [
    _nested(1500, b"Content-Type: message/rfc822"),
    _nested(1500, b"content-type:message/rfc822"),
    _nested(1500, b"Content-Type:\r\n\tmessage/rfc822"),  # the value on a folded line
    _nested(1500, b"Content-Type: message/rfc822", newline=b"\r"),  # lone CRs: the parser splits on them too
    _nested(1500, b"Content-Type: message/rfc822", newline=b"\n"),
    _nested(1500, b"Content-Type: MESSAGE/news"),
], ids=["crlf", "lower-case", "folded", "cr-only", "lf-only", "another-message-type"])
def test_nested_messages_are_refused_before_the_parser_goes_deep(raw: bytes, deepest_part: list[int]) -> None:
    with pytest.raises(NotABounce, match=f"more than {MAX_ENCLOSED_MESSAGES} enclosed messages"):
        read_bounce(raw)
    assert deepest_part[0] < SAFE_DEPTH


def test_nested_multipart_sections_are_refused_before_the_parser_goes_deep(deepest_part: list[int]) -> None:
    raw = HEAD + b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
                          for i in range(1000))
    with pytest.raises(NotABounce, match="more than 32 multipart sections"):
        read_bounce(raw)
    assert deepest_part[0] < SAFE_DEPTH


def test_as_many_enclosed_messages_as_allowed_stay_shallow(deepest_part: list[int]) -> None:
    with pytest.raises(NotABounce, match="no delivery status"):  # parsed, and found to say nothing
        read_bounce(_nested(MAX_ENCLOSED_MESSAGES, b"Content-Type: message/rfc822"))
    assert 0 < deepest_part[0] < SAFE_DEPTH


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.eml")))
def test_real_reports_are_under_both_limits(name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    try:
        read_bounce(raw)
    except NotABounce as reason:
        assert "more than" not in str(reason), name
