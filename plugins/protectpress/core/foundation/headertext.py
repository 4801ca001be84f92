"""Text that goes into an email header (a name, a subject, a sender) is plain text on one line.

Python's email package decodes RFC 2047 encoded words in any header value it is given as a string. Python
3.11.7 and 3.12.1 then write what they decode to as it is: a recipient called
`=?utf-8?q?Partner=0D=0AReply-To:_x@evil.example?=` got a real `Reply-To` header and could replace the body.
3.13.0 encodes it again (after CVE-2024-6923), so the name still shows a line break and a foreign address. We
lean on neither: every value is checked here before the email package sees it, and input is checked with the
same rule where it is read, so comms staff learn about a hostile value from `check` or a dry run, with its
file, line and key.
"""

from __future__ import annotations

import re

# One name, subject or sender: long enough for any real one, short enough to fold under SMTP's 998-character
# line limit even with no spaces and every character quoted.
MAX_HEADER_TEXT = 200

# Any `=?` followed later by `?=`: everything the email package could decode as an encoded word, and more.
_ENCODED_WORD = re.compile(r"=\?.*\?=", re.DOTALL)
# Unicode's control characters (category Cc: C0, DEL, C1), its line and paragraph separators (Zl, Zp),
# surrogates (Cs, unwritable as UTF-8), and the bidirectional overrides and isolates that make a name or
# subject display as something else than it is. A character class, not unicodedata per character: every
# row of a recipients list and every header of every message passes here.
_UNSAFE_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


class HeaderTextError(ValueError):
    """A value that must not reach a header; raised only when input validation was skipped (a bug)."""


def header_text_expected(limit: int = MAX_HEADER_TEXT) -> str:
    """The `expected ...` half of a problem about a header value, for comms staff."""
    return (f"expected plain text on one line, at most {limit} characters: no line breaks or other control "
            "characters, and nothing written like an encoded word (=?...?=)")


def header_text_problem(value: str, limit: int = MAX_HEADER_TEXT) -> str | None:
    """What makes `value` unfit for a header, as the `found ...` half of a problem; None when it is fit."""
    unsafe = _UNSAFE_CHARACTER.search(value)
    if unsafe:
        return f"the control character U+{ord(unsafe.group()):04X}"
    encoded = _ENCODED_WORD.search(value)
    if encoded:
        return f"an encoded word ({encoded.group()[:40]!r})"
    if len(value) > limit:
        return f"{len(value):,} characters"
    return None


def header_text(value: str, what: str, limit: int = MAX_HEADER_TEXT) -> str:
    """`value` unchanged if it is plain header text; otherwise HeaderTextError naming `what`.

    Every header value the project writes goes through this, whatever validated it before.
    """
    problem = header_text_problem(value, limit)
    if problem is not None:
        raise HeaderTextError(f"{what}: {header_text_expected(limit)}, found {problem}")
    return value


def plain_text(value: str, limit: int = MAX_HEADER_TEXT) -> str:
    """A far server's words (an SMTP reply, a bounce's diagnostic, an HTTP reason phrase) made safe to keep, print
    on a comms officer's terminal and write into a header or a spreadsheet: one line, every control or direction
    character a space (so no terminal escape sequence survives), no encoded words (`=?` loses its meaning as
    `= ?`), at most `limit` characters."""
    flat = collapse_spaces(_UNSAFE_CHARACTER.sub(" ", value)).replace("=?", "= ?")
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def collapse_spaces(value: str) -> str:
    """A YAML value folded over several lines, or with doubled spaces, as one line of single spaces.

    Every kind of space, tab and line feed (what YAML's folding leaves) is collapsed, as `str.split` would;
    the other control characters it would also take as spaces stay, for `header_text_problem` to report.
    """
    return _SPACES.sub(" ", value).strip()


_SPACES = re.compile(r"[^\S\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+")
