"""A feedgen extension for an entry's image: RSS `<enclosure>` and Atom `<link rel="enclosure">`.

feedgen 1.0 loses the `rel`, `type` and `length` of an Atom entry's links (its loop variable is reused for
the new element), so an image given to `FeedEntry.link(rel="enclosure")` would turn into a second
"alternate" link. Its own extension mechanism is the supported way to add elements; lxml still escapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem
from lxml import etree

NAMESPACE = "ppimage"  # the attribute name feedgen gives the extension on each entry: `entry.ppimage`


@dataclass(frozen=True)
class Enclosure:
    url: str
    media_type: str
    length: int  # bytes; 0 when unknown


class EnclosureExtension(BaseExtension):
    """Nothing at feed level; feedgen needs a feed class to register entry extensions."""


class EnclosureEntryExtension(BaseEntryExtension):
    def __init__(self) -> None:
        self.enclosure: Enclosure | None = None

    def set(self, enclosure: Enclosure) -> None:
        self.enclosure = enclosure

    def extend_rss(self, item: etree._Element) -> etree._Element:
        if self.enclosure is not None:
            xml_elem("enclosure", item, url=self.enclosure.url, length=str(self.enclosure.length),
                     type=self.enclosure.media_type)
        return item

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        if self.enclosure is not None:
            link = xml_elem("link", entry, rel="enclosure", href=self.enclosure.url, type=self.enclosure.media_type)
            if self.enclosure.length:
                link.attrib["length"] = str(self.enclosure.length)
        return entry
