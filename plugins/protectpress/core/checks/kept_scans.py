"""The links and ids found in each built file, kept for the next build (issue 29).

Scanning what a build wrote for links (every page's body, the feeds' XML and JSON, the emails) is work a rebuild
did again on the very same bytes: at 1,000 pages about a second of CPU, most of it parsing the feeds. A scan is a
pure function of the text, so it is kept by the text's digest, with the kind of scan and this code's version: a
file whose bytes changed is scanned afresh, and a scan made by other code is never read back.

Only the scanning is kept, never a verdict: the check (`linkcheck`) runs on every build over what was found,
against the files and ids this build wrote, so a link to a page removed since is reported as a first build
reports it. A planted scan could still hide a link from the check (a broken one, or one outside the site), so
each is kept sealed with the user's key (`SealedMemory`) and used only when its seal is right; anything else is
scanned as on a first build. `protectpress serve` keeps none on disk (an inactive memory).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..foundation import linkscan
from ..foundation.linkscan import IMAGE, LINK, FoundLink, ScannedHtml, found_link
from ..foundation.sealedmemory import SealedMemory, code_version
from ..foundation.textmemo import text_digest

FILE_NAME = "links.sealed.json"
_KIND = "link-scan " + code_version(__file__, linkscan.__file__)
_LIMIT = 50_000  # distinct texts remembered in one process (a build of 3,000 pages has about 3,100)


class KeptScans:
    """Scans by (kind of scan, digest of the text), read from and put into a sealed memory; within one build
    each distinct text is scanned once whichever file or page holds it."""

    def __init__(self, memory: SealedMemory | None = None) -> None:
        self.memory = memory if memory is not None else SealedMemory(None, None)
        self._seen: dict[str, Any] = {}  # this build's: "scan\0digest" (the memory's key too) -> result
        self.reused = 0  # scans read back from the memory in this build (for tests and profiles)

    def html(self, text: str, scan: Callable[[str], ScannedHtml] = linkscan.scan_page) -> ScannedHtml:
        """The links and ids of an HTML page or fragment."""
        return self._get("html", text, lambda: scan(text), _html_value, _html_from)

    def links(self, scan: Callable[[str], list[FoundLink]], text: str) -> list[FoundLink]:
        """The links a scan of a whole file (`scan_xml_feed`, `scan_json_feed`, `scan_text`) finds in `text`;
        a ValueError (a broken file) is raised every time, never kept."""
        found = self._get(scan.__name__, text, lambda: scan(text), _links_value, _links_from)
        return list(found)

    def save(self) -> None:
        self.memory.save()

    def _get(self, name: str, text: str, scan: Callable[[], Any], to_value: Callable[[Any], Any],
             from_value: Callable[[Any], Any]) -> Any:
        key = f"{name}\0{text_digest(text)}"
        if key in self._seen:
            return self._seen[key]  # already read back or put in the memory by this build
        result = None
        kept = self.memory.get(_KIND, key)
        if kept is not None:
            result = from_value(kept)
            if result is not None:
                self.reused += 1
        if result is None:
            result = scan()
            if self.memory.active:
                self.memory.put(_KIND, key, to_value(result))
        if len(self._seen) >= _LIMIT:  # the preview's quick rebuilds scan each saved page again without end
            self._seen.clear()
        self._seen[key] = result
        return result


# Kept as plain JSON values, encoded once by the sealed memory: it holds none of them (it writes each as it is put
# and reads one when asked), so there is nothing here for the garbage collector to walk between builds' steps.
def _links_value(links: tuple[FoundLink, ...] | list[FoundLink]) -> list[list[str | None]]:
    return [[link.target, link.kind, link.base, link.entry] for link in links]


def _html_value(scanned: ScannedHtml) -> dict[str, Any]:
    return {"links": _links_value(scanned.links), "ids": sorted(scanned.ids)}


def _links_from(value: Any) -> tuple[FoundLink, ...] | None:
    """The links of a kept value; None when it is not one this code wrote (then the text is scanned)."""
    if not isinstance(value, list):
        return None
    found = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 4 and isinstance(item[0], str) and item[1] in (LINK, IMAGE)
                and all(part is None or isinstance(part, str) for part in item[2:])):
            return None
        found.append(found_link(item[0], item[1], item[2], item[3]))  # shared as a scan shares them
    return tuple(found)


def _html_from(value: Any) -> ScannedHtml | None:
    if not (isinstance(value, dict) and isinstance(value.get("ids"), list)
            and all(isinstance(i, str) for i in value["ids"])):
        return None
    links = _links_from(value.get("links"))
    return ScannedHtml(links, frozenset(value["ids"])) if links is not None else None
