"""The one digest texts are keyed by (core/foundation/textmemo.py): SHA-256 of the text's UTF-8, which OpenSSL works
out with the processor's SHA instructions, where BLAKE2b (what it was) has none and took about twice as long on the
pages a build hashes."""

from __future__ import annotations

import hashlib

from protectpress.core.foundation.textmemo import TextMemo, text_digest


def test_a_text_s_digest_is_the_sha256_of_its_utf8():
    for text in ("", "Report anything suspicious.", "Café — “quoted” 🚨", "<p>" + "x" * 100_000 + "</p>"):
        assert text_digest(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_text_with_a_lone_surrogate_has_a_digest_of_its_own():
    lone = "before \ud800 after"
    assert text_digest(lone) == hashlib.sha256(lone.encode("utf-8", "surrogatepass")).hexdigest()
    assert text_digest(lone) != text_digest("before \ufffd after")


def test_a_memo_makes_a_result_once_per_text():
    made: list[str] = []
    memo: TextMemo[int] = TextMemo()
    for text in ("a", "b", "a", "a"):
        memo.get(text, lambda text=text: made.append(text) or len(made))
    assert made == ["a", "b"]
