"""The one allow-list HTML sanitiser and the one judge of active content, for every channel.

nh3 (ammonia) keeps only the tags, attributes and URL schemes listed here; feeds and emails pass everything
through it. Because nh3 does not say what it removed, the judge walks the tree a browser would build and names
the active content (scripts, frames, forms, event handlers, `javascript:` and `data:` URLs): it is what
content_policy.py applies to every page, newsletter and SVG/HTML/XML file, so that a build stops on what the
sanitiser would have to take out. The judge parses by the HTML standard (Lexbor, through selectolax), as a
browser does: a judge that tokenizes any other way (Python's html.parser did) can be shown a comment, a
raw-text element or foreign content that it ends in one place and the browser in another, and misses the
handler after it. Lexbor follows the standard as browsers ship it today (a <select> keeps the elements inside
it, as Chromium's does since 2025, where html5lib 1.1 drops them) and is fast: the example site's 50 bodies take
about 8 ms, html.parser took 66 ms and html5lib 270 ms.
Front-matter text is plain text: `html_text` (core/foundation/templates.py) makes it safe to print anywhere in HTML.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from xml.parsers import expat

import nh3
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..foundation.textmemo import TextMemo
from .built_page import BuiltPage, read_once

ALLOWED_TAGS = frozenset(
    """a abbr b blockquote br caption cite code col colgroup dd del details div dl dt em figcaption figure
    h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary sup table tbody
    td tfoot th thead tr u ul""".split()
)
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "ol": {"start", "type", "reversed"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Elements whose whole content goes with them, not just the tags.
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})
# Active content: what runs script, loads another document into the page, sends data or sends the reader
# elsewhere. nh3 also drops harmless markup outside the allow-list (a <style>, an inline <svg> drawing, a task
# list's disabled checkbox); that is not active and is not reported, so Markdown extensions that write it
# still build. Script inside an <svg> is found by its own element, handler or address.
# A <template>'s content is outside the tree a browser builds, inert until a script copies it in: it is refused
# rather than judged, so no handler can wait inside one.
_ACTIVE_ELEMENTS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
                              "link", "meta", "foreignobject", "portal", "fencedframe", "template"})
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset",
                             "data", "codebase", "cite"})
_ACTIVE_SCHEMES = ("javascript:", "data:", "vbscript:")
# Script addresses in any other attribute: SVG's <animate>/<set> write an href from `to=`, `values=`, `from=`.
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")
# What makes a standalone document (an SVG or HTML file under docs/) run script when it is opened: the
# <svg> element itself is harmless there, and an image in a data: URL inside an SVG cannot run script.
_ACTIVE_IN_DOCUMENTS = _ACTIVE_ELEMENTS - {"link", "meta"}  # a document's own head; meta refresh is found apart
_DOCUMENT_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:application")


def is_safe_url(url: str) -> bool:
    """Whether a link may be shown to a reader: a relative address or one of the allowed schemes."""
    squeezed = _squeeze(url)
    scheme = squeezed.split(":", 1)[0] if ":" in squeezed.split("/", 1)[0] else ""
    return not scheme or scheme in ALLOWED_URL_SCHEMES


@dataclass(frozen=True)
class ActiveContent:
    """One piece of active content: what it is in plain words, and text to look for to find its line."""

    description: str  # "a <script> element"
    clue: str  # "<script", "onload", "javascript:"
    line: int | None = None  # its line, where the reader knows it (an XML file's)


@dataclass
class Sanitised:
    """Clean HTML and a plain description of each piece of active content that was taken out."""

    html: str
    removed: list[str] = field(default_factory=list)


# A page body is judged when the page is built, again when a feed carries it and when a newsletter features it.
_JUDGED: TextMemo[tuple[ActiveContent, ...]] = TextMemo()


def find_active_content(html: str) -> list[ActiveContent]:
    """Each piece of active content in an HTML fragment (a page or newsletter body), as a browser parses it
    inside the page's <div>: what the sanitiser takes out as dangerous."""
    return list(_JUDGED.get(html, lambda: tuple(_judge_html(html, fragment=True, styles=True))))


def find_active_document_content(data: str | bytes, *, xml: bool = True) -> list[ActiveContent]:
    """Each piece of active content in a file published as it is (an SVG, XML or HTML file under docs/, the
    brand logo): scripts, foreignObject, frames, forms, event handlers, meta refresh, script addresses; in XML
    also a DOCTYPE with an internal subset (its entities can write a <script>), an `xml-stylesheet` instruction
    (its XSLT can write one) and text a browser cannot read as XML. Bytes are decoded as a browser decodes them
    (a byte-order mark first, then the declared charset) and, since a host's Content-Type header can impose it,
    as UTF-8 too. XML is judged twice: as the XML a browser opens, and as HTML (an SVG logo is printed inside
    the page)."""
    found = _judge_xml(data) if xml else []
    for text in decodings(data, xml=xml):
        _merge(found, _judge_html(text, fragment=xml, elements=_ACTIVE_IN_DOCUMENTS, schemes=_DOCUMENT_SCHEMES,
                                  url_attributes=None))
    return found


# What could be a handler (after a space, a slash or a quote, as the tokenizer separates attributes) or a script
# address (spelled with a tab, or with character references: the escaped quotes markupsafe writes, &#39; and
# &#34;, are the only ones let by without a parse). As one case-blind pattern,
#     [\s/"']on[a-z]+\s*=|script\s*:|&#(?!3[49];)|&(?:colon|tab|newline);
# it took 1 ms a page (every position tried four ways, each letter compared case-blind). Instead the page's
# UTF-8, lower-cased as bytes (built_page.py), is searched three times, each search starting with plain letters
# it can skip ahead to. Case-blind matching lets by, besides ASCII letters of either case, the long s, the dotted
# and dotless i and the Kelvin sign: the patterns spell out their UTF-8 where the pattern's letters allow them.
# \s in the one pattern is Unicode's white space: the bytes patterns spell out the UTF-8 of each one beyond
# ASCII. tests/security/test_sec_site_built_page*.py compare the first look with the one pattern.
# What \s matches in a str beyond ASCII's white space (and the four ASCII separators \x1c-\x1f that bytes'
# \s leaves out); tests/security/test_sec_site_built_page_utf8.py checks the list against every character.
WIDE_SPACES = "\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
              "\u2028\u2029\u202f\u205f\u3000"
_WIDE_UTF8 = [space.encode("utf-8") for space in WIDE_SPACES if len(space.encode("utf-8")) > 1]
_SPACE = rb"(?:\s|[\x1c-\x1f]|" + b"|".join(map(re.escape, _WIDE_UTF8)) + rb")"
_LETTER = rb"(?:[a-z]|\xc4[\xb0\xb1]|\xc5\xbf|\xe2\x84\xaa)"  # [a-z] case-blind: with İ, ı, ſ and K
_I = rb"(?:i|\xc4[\xb0\xb1])"
# A handler's name follows a separator, looked back at from each "on": an ASCII one, or a wide space (its last
# byte first, a test as quick as the ASCII one's, then the whole).
_WIDE_ENDS = re.escape(bytes(sorted({space[-1] for space in _WIDE_UTF8})))
_HANDLER = re.compile(rb"""on(?:(?<=[\s/"'\x1c-\x1f]on)|(?<=[""" + _WIDE_ENDS + rb"]on)(?:"
                      + b"|".join(b"(?<=" + re.escape(space) + b"on)" for space in _WIDE_UTF8) + rb"))"
                      + _LETTER + rb"+" + _SPACE + rb"*=")
_SCRIPT = re.compile(rb"cr(?:(?<=scr)|(?<=\xc5\xbfcr))" + _I + rb"pt" + _SPACE + rb"*:")
_REFERENCE = re.compile(rb"&(?:#(?!3[49];)|(?:colon|tab|newl" + _I + rb"ne);)")


def _could_hold_handler_or_script_address(html: str, body: str = "", page: BuiltPage | None = None) -> bool:
    """Whether `html` without the first place `body` is in it could hold a handler or a script address (`page`:
    the same page, read already)."""
    lowered = read_once(page, html, body).without_body()
    return bool(_REFERENCE.search(lowered) or _SCRIPT.search(lowered) or _HANDLER.search(lowered))


def find_active_in_built_page(html: str, *, body: str = "", page: BuiltPage | None = None) -> list[ActiveContent]:
    """Event handlers and script addresses anywhere in a whole built page, theme included: what no template or
    plugin may write (the theme's scripts are files or hashed inline scripts; a handler would be a template
    printing something it should have escaped). `body`: the page's own body, judged already with its lines,
    left out (its first place in the page), so what is judged is what the theme wrote around it. Only a page
    where the text could be one is parsed, which is almost none. `page`: `html` and `body` read already, by a
    caller that looks at the page again (built_page.py)."""
    if not _could_hold_handler_or_script_address(html, body, page):
        return []
    return _judge_html(html.replace(body, "", 1) if body else html, fragment=False, elements=frozenset(),
                       schemes=_SCRIPT_SCHEMES, url_attributes=None)


def sanitise_html(html: str, *, lead: Sequence[str] = ()) -> Sanitised:
    """Keep only allow-listed markup of `lead` then `html`, joined. `removed` names each script, frame, handler
    or dangerous URL dropped. Each lead part is a whole fragment that closes what it opens (a feed's lines above
    a page body), judged on its own so that the body is judged as the page check judged it (and found in
    `find_active_content`'s memory); the sanitiser cleans the whole, joined text either way."""
    removed = [found.description for part in (*lead, html) for found in find_active_content(part)]
    clean = nh3.clean(
        "".join((*lead, html)),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    return Sanitised(html=clean, removed=removed)


def _judge_html(html: str, *, fragment: bool, elements: frozenset[str] = _ACTIVE_ELEMENTS,
                schemes: tuple[str, ...] = _ACTIVE_SCHEMES, url_attributes: frozenset[str] | None = _URL_ATTRIBUTES,
                styles: bool = False) -> list[ActiveContent]:
    """The active content in the tree a browser builds from `html`, by the HTML standard's parsing rules
    (Lexbor, through selectolax): comments, raw-text and escapable raw-text elements, foreign content (SVG,
    MathML) and misnested markup end where a browser ends them, not where a simpler tokenizer does.
    `<noscript>` is raw text to a browser that runs script and markup to one that does not (which still
    follows a meta refresh or sends a form), so a text holding one is judged both ways. So is a CDATA section:
    the standard reads one in any SVG or MathML element as text, but Chromium 150 reads one inside an integration
    point (an SVG <desc> or <title>, a MathML <mi> or <mtext>) as a comment that ends at its first `>`, and runs
    the markup after it (Chromium 156 does not); judged also as that comment, no browser's reading is missed."""
    found: list[ActiveContent] = []
    texts = (html, html.replace(_CDATA_OPEN, _BOGUS_COMMENT_OPEN)) if _CDATA_OPEN in html else (html,)
    for text in texts:
        for scripting in (True, False) if "noscript" in text.lower() else (True,):
            parsed = LexborHTMLParser(text, is_fragment=fragment, fragment_tag="div", scripting=scripting)
            start = parsed.root
            if start is None:
                continue
            # A fragment's root is its first node, and traverse() goes on through the nodes after it.
            _merge(found, _judge_nodes(start.traverse(include_text=False), elements, schemes, url_attributes,
                                       styles))
    return found


# The tokenizer opens a CDATA section only on these exact characters (case counts). `<?` opens a comment that
# ends at the first `>` wherever it is written: what Chromium 150 makes of a CDATA opening in an integration point.
_CDATA_OPEN = "<![CDATA["
_BOGUS_COMMENT_OPEN = "<?[CDATA["


def _judge_nodes(nodes: Iterable[LexborNode], elements: frozenset[str], schemes: tuple[str, ...],
                 url_attributes: frozenset[str] | None, styles: bool) -> list[ActiveContent]:
    """`url_attributes=None` looks for the schemes in every attribute (SVG animations set `href` from `to=`).
    With `styles`, a <style> element or a `style=` attribute is refused too: the site's Content-Security-Policy
    allows only the theme's stylesheets (a body's CSS could fetch from a third party or hide the page), except
    the column alignment Python-Markdown's tables write."""
    found: list[ActiveContent] = []
    for node in nodes:
        name = node.tag  # made anew on each reading: read once
        if name is None or name[:1] in "-#_":  # a comment
            continue
        tag = name.lower()
        attrs = node.attributes
        # Most of a body's elements (p, li, span, td...) have no attribute and are not named in `elements`:
        # `_judge_element` would find nothing on them, and calling it for each was a third of the judge's time.
        if attrs or tag in elements:  # (a <meta> is found only by its attributes: http-equiv=refresh)
            _judge_element(tag, None, attrs, elements, schemes, url_attributes, found, None)
        if styles:
            if tag == "style":
                found.append(ActiveContent(f"a <style> element ({_STYLES_FROM_THEME})", "<style"))
            if "style" in attrs and not (tag in ("td", "th") and _TABLE_ALIGNMENT.fullmatch(attrs["style"] or "")):
                found.append(ActiveContent(f"a style= attribute on <{tag}> ({_STYLES_FROM_THEME})", "style"))
    return found


_STYLES_FROM_THEME = "the site's styles come only from its theme"
_TABLE_ALIGNMENT = re.compile(r"text-align: (left|right|center);")


def _judge_element(tag: str, clue: str | None, attrs: Mapping[str, str | None], elements: frozenset[str],
                   schemes: tuple[str, ...], url_attributes: frozenset[str] | None, found: list[ActiveContent],
                   line: int | None) -> None:
    """`clue` is the element's start as written, when that is not `<tag>` (an XML file's own spelling)."""
    if tag in elements:
        found.append(ActiveContent(f"{_article(tag)} <{tag}> element", clue or f"<{tag}", line))
    elif tag == "meta" and any(n.lower() == "http-equiv" and (v or "").strip().lower() == "refresh"
                               for n, v in attrs.items()):
        found.append(ActiveContent("a <meta> refresh that sends the reader elsewhere", "<meta", line))
    for name, value in attrs.items():
        name = name.lower()
        if name.rsplit(":", 1)[-1].startswith("on"):
            found.append(ActiveContent(f"an event handler {name}= on <{tag}>", name, line))
        # Every scheme ends in ":", and squeezing only takes characters out: a value with no ":" has none.
        elif value and ":" in value and _has_scheme(
                value, schemes if url_attributes is None or name in url_attributes else _SCRIPT_SCHEMES):
            scheme = next(s for s in _SCRIPT_SCHEMES + schemes if _has_scheme(value, (s,))).split(":", 1)[0]
            found.append(ActiveContent(f"a {scheme}: URL in {name}= on <{tag}>", f"{scheme}:", line))


def _has_scheme(value: str, schemes: tuple[str, ...]) -> bool:
    """Whether `value`, or one of its `;`-separated parts (an SVG animation's `values=`), starts with one of
    `schemes`."""
    squeezed = _squeeze(value)
    return squeezed.startswith(schemes) or any(part.startswith(schemes) for part in squeezed.split(";")[1:])


class _StopXml(Exception):
    """Raised inside expat's handlers to stop reading a file already known to be refused."""


_XLINK = "http://www.w3.org/1999/xlink"


def _judge_xml(data: str | bytes) -> list[ActiveContent]:
    """The active content in a file a browser opens as XML (SVG, XHTML, XML): every element, whatever its
    prefix (`<svg:script>` runs as `<script>` does), with expat reading the encoding from the byte-order mark or
    the XML declaration. No entity is ever expanded: a DOCTYPE with an internal subset stops the reading."""
    parser = expat.ParserCreate("utf-8" if isinstance(data, str) else None, namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    found: list[ActiveContent] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        named = {("xlink:" + a.rsplit(" ", 1)[-1]) if a.startswith(_XLINK + " ") else a.rsplit(" ", 1)[-1]: v
                 for a, v in attrs.items()}
        _judge_element(local.lower(), f"<{local}", named, _ACTIVE_IN_DOCUMENTS, _DOCUMENT_SCHEMES, None, found,
                       parser.CurrentLineNumber)

    def doctype(name: str, system_id: str | None, public_id: str | None, has_internal_subset: int) -> None:
        if has_internal_subset:
            found.append(ActiveContent("a DOCTYPE with an internal subset, whose entities can write a <script>",
                                       "<!DOCTYPE", parser.CurrentLineNumber))
            raise _StopXml

    def instruction(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            found.append(ActiveContent("an xml-stylesheet instruction, whose XSLT can write a <script>",
                                       "<?xml-stylesheet", parser.CurrentLineNumber))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _StopXml:
        pass
    except expat.ExpatError as error:
        found.append(ActiveContent(f"text a browser cannot read as XML ({expat.errors.messages[error.code]}), so "
                                   "what it runs cannot be judged", "", error.lineno))
    return found


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"))
_XML_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_HTML_DECLARED = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def decodings(data: str | bytes, *, xml: bool) -> list[str]:
    """The texts a browser may read from a file: decoded by its byte-order mark, else by the charset it declares
    (the XML declaration, or a `<meta>` in the first 1,024 bytes of HTML), else as UTF-8; and as UTF-8 too when
    that differs, since a host's Content-Type header can say so (the byte-order mark still wins)."""
    if isinstance(data, str):
        return [data]
    bom = next((codec for mark, codec in _BOMS if data.startswith(mark)), None)
    if bom is not None:
        return [data.decode(bom, errors="replace")]
    declared = (_XML_DECLARED if xml else _HTML_DECLARED).search(data[:1024])
    codec = "utf-8"
    if declared is not None:
        with contextlib.suppress(LookupError):  # a label no browser knows: it falls back too
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
    if codec.startswith("utf-16") and not xml:
        codec = "utf-8"  # the HTML standard reads a <meta> declaring UTF-16 as UTF-8 (the bytes got this far)
    texts = [data.decode(codec, errors="replace")]
    if codec != "utf-8":
        texts.append(data.decode("utf-8", errors="replace"))
    return texts


def _merge(found: list[ActiveContent], more: list[ActiveContent]) -> None:
    """Add to `found` what `more` holds beyond it, counting repeats (the same <script> seen by two parsers is
    one <script>; a second one is a second)."""
    if not more:
        return  # nearly every parse of a body: counting what was found would be all the work
    have = Counter((f.description, f.clue.lower()) for f in found)
    for item in more:
        key = (item.description, item.clue.lower())
        if have[key]:
            have[key] -= 1
        else:
            found.append(item)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


# Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"): U+0000 to U+0020.
_IGNORED_IN_SCHEMES = dict.fromkeys(range(0x21))


def _squeeze(url: str) -> str:
    return url.translate(_IGNORED_IN_SCHEMES).lower()
