"""The pre-send live check against a real HTTP server on 127.0.0.1: HEAD then GET, redirects, what is skipped."""

from __future__ import annotations

import http.server
import threading
from typing import ClassVar

import pytest

from protectpress.core.sending.livecheck import MAX_REDIRECTS, addresses_to_check, check_live


class _Site(http.server.BaseHTTPRequestHandler):
    """`/page` answers 200; `/no-head` refuses HEAD with 405 and answers GET; `/hop/N` redirects N more times."""

    methods: ClassVar[list[tuple[str, str]]] = []  # every request, in order, for the test to read

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_GET(self) -> None:
        self._answer("GET")

    def _answer(self, method: str) -> None:
        self.methods.append((method, self.path))
        if self.path == "/no-head" and method == "HEAD":
            self.send_response(405)
        elif self.path.startswith("/hop/") and int(self.path.rsplit("/", 1)[1]) > 0:
            self.send_response(302)
            self.send_header("Location", f"/hop/{int(self.path.rsplit('/', 1)[1]) - 1}")
        elif self.path in ("/page", "/no-head", "/image.png", "/hop/0"):
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_each_link_and_image_is_fetched_once_and_judged_on_its_final_answer(site):
    _Site.methods.clear()
    html = (f'<a href="{site}/page#part">a</a><a href="{site}/page">again</a><img src="{site}/image.png" alt="">'
            f'<a href="{site}/no-head">b</a><a href="{site}/missing">c</a><a href="{site}/hop/2">d</a>'
            f'<a href="{site}/hop/{MAX_REDIRECTS + 1}">e</a><a href="mailto:x@example.org">f</a>'
            '<a href="[[pp:unsubscribe]]">unsubscribe</a><a href="tel:+441234">g</a>')
    answers = {answer.url.removeprefix(site): answer for answer in check_live(html, workers=3)}
    assert sorted(answers) == sorted(["/page", "/image.png", "/no-head", "/missing", "/hop/2",
                                      f"/hop/{MAX_REDIRECTS + 1}"])
    assert answers["/image.png"].kind == "image" and answers["/image.png"].live
    assert answers["/page"].live and ("HEAD", "/page") in _Site.methods and ("GET", "/page") not in _Site.methods
    assert answers["/no-head"].live and ("GET", "/no-head") in _Site.methods  # HEAD refused: GET instead
    assert (answers["/missing"].status, answers["/missing"].found) == (404, "404 Not Found")
    assert answers["/hop/2"].live and ("HEAD", "/hop/0") in _Site.methods  # redirects keep the method
    too_many = answers[f"/hop/{MAX_REDIRECTS + 1}"]
    assert not too_many.live and too_many.status == 302 and f"more than {MAX_REDIRECTS} redirects" in too_many.found


def test_no_answer_is_named_for_comms_staff():
    [answer] = check_live('<a href="http://127.0.0.1:9/closed">x</a>', timeout=2)
    assert answer.status is None and answer.found == "no answer: the connection was refused"


def test_only_web_addresses_are_checked():
    assert addresses_to_check('<a href="https://example.org/a#b">x</a><a href="#top">y</a>'
                              '<a href="mailto:a@example.org">z</a><a href="[[pp:unsubscribe]]">u</a>') == [
        ("https://example.org/a", "link")]
