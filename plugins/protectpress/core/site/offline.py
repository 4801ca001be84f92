"""Action cards offline: the service worker and the web app manifest, made from the built site.

A member of staff who opened the site once can open any action card later with no signal. The worker is
generated at build time: the cards, the home page, the action-card list and the offline page, with every
local asset those pages load, are cached up front under a version made from their contents, so a changed
card changes the worker's bytes and replaces the old copies on the next visit online. Every other page is
fetched from the network first and shown from a saved copy only when offline, under a plain line saying so.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from ..foundation.links import SiteLinks
from ..foundation.linkscan import start_tags

WORKER_NAME = "sw.js"
MANIFEST_NAME = "manifest.webmanifest"
OFFLINE_PAGE = "offline.html"
# Square PNG icons for "add to home screen", in the theme's assets; listed in the manifest when built.
ICONS = (("assets/images/icon-192.png", 192), ("assets/images/icon-512.png", 512))
# Attributes that make a page load a file: what the page needs to look right with no signal.
_LOADING_LINK_RELS = frozenset({"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload"})
_LOADING_TAGS = frozenset({"link", "script", "img", "source"})


@dataclass(frozen=True)
class PrecacheEntry:
    """One file cached up front: its URL path relative to the site root and a hash of its bytes."""

    path: str
    digest: str


@dataclass(frozen=True)
class OfflinePlan:
    """What the worker caches up front, in a stable order, and the version those contents make."""

    entries: tuple[PrecacheEntry, ...]

    @property
    def version(self) -> str:
        whole = hashlib.sha256()
        for entry in self.entries:
            whole.update(f"{entry.path}\0{entry.digest}\n".encode())
        return whole.hexdigest()[:16]

    def worker_script(self) -> str:
        return _WORKER_TEMPLATE.replace("__PP_VERSION__", json.dumps(self.version)).replace(
            "__PP_PRECACHE__", json.dumps([entry.path for entry in self.entries], indent=1)).replace(
            "__PP_OFFLINE_PAGE__", json.dumps(OFFLINE_PAGE))


def plan_offline(site_dir: Path, page_paths: list[str]) -> OfflinePlan:
    """The pages at `page_paths` (URL paths from the site root: "" is the home page) and every local file
    they load, each hashed from the built site. A page that was not built is left out."""
    site_root = site_dir.resolve()  # once: every file is checked to be inside it
    chosen: dict[str, str] = {}
    for page_path in page_paths:
        file = _built_file(site_root, page_path)
        if file is None:
            continue
        data = file.read_bytes()
        chosen[page_path] = _digest(data)
        for asset in local_assets(data.decode("utf-8", "replace"), page_path):
            if asset in chosen:  # the theme's styles and scripts: shared by every card, hashed once
                continue
            asset_file = _built_file(site_root, asset)
            if asset_file is not None:
                chosen[asset] = _digest(asset_file.read_bytes())
    return OfflinePlan(tuple(PrecacheEntry(path, digest) for path, digest in sorted(chosen.items())))


def local_assets(html: str, page_path: str) -> list[str]:
    """The site-root paths of the files a page loads itself (styles, scripts, icons, images), in order.
    Links to other pages and to other sites are not assets."""
    base = "https://site.invalid/" + page_path
    found: dict[str, None] = {}  # a dict keeps the order and answers "seen?" at once
    for reference in _references(html):
        parts = urlsplit(urljoin(base, reference))
        if parts.scheme != "https" or parts.netloc != "site.invalid":
            continue
        path = posixpath.normpath(unquote(parts.path)).lstrip("/")
        if path and path != "." and not path.startswith(".."):
            found.setdefault(path)
    return list(found)


def manifest_text(*, name: str, description: str, theme_colour: str, background_colour: str,
                  icons: list[tuple[str, int]]) -> str:
    """The web app manifest, so the site can be added to a phone's home screen and opens like an app."""
    short_name = name if len(name) <= 12 else " ".join(name.split()[:2])[:12]
    manifest = {
        "name": name,
        "short_name": short_name,
        "description": description,
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "theme_color": theme_colour,
        "background_color": background_colour,
        "icons": [{"src": path, "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
                  for path, size in icons],
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


# A worker for sites that turned offline reading off, and for the preview: a reader's browser keeps a worker
# until a new one replaces it, so this one removes itself and its caches instead of serving old cards forever.
RETIRING_WORKER = """\
// protectpress: offline reading is off for this site. This worker removes itself and its saved copies.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("pp-")) await caches.delete(name);
    }
    await self.registration.unregister();
  })());
});
"""


def _built_file(site_root: Path, address: str) -> Path | None:
    """The built file a web server answers `address` with (SiteLinks.files_for_address), if it is a file
    inside the site: a link out of it is never read into the reader's saved copy. `address` is decoded
    already (local_assets), so it is quoted for the mapping, which decodes it once."""
    for name in SiteLinks.files_for_address(quote(address)):
        try:
            resolved = (site_root / name).resolve()
            resolved.relative_to(site_root)
        except (OSError, ValueError):
            continue
        if resolved.is_file():
            return resolved
    return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _references(html: str) -> list[str]:
    """What a page loads itself, as written: stylesheets, icons and preloads, scripts, images and sources.
    Read with the link check's scanner (core/foundation/linkscan.py): html.parser took a second per 150 cards."""
    found = []
    for tag, values in start_tags(html, _LOADING_TAGS):
        if tag == "link":
            if _LOADING_LINK_RELS & set(values.get("rel", "").lower().split()):
                found.append(values.get("href", ""))
        elif values.get("src"):
            found.append(values["src"])
    return found


# The worker. Paths are relative to the worker's own folder (the site root), so a site under a sub-path works.
_WORKER_TEMPLATE = """\
// protectpress offline worker, generated at build time. Do not edit: the build writes it again.
const VERSION = __PP_VERSION__;
const PRECACHE = __PP_PRECACHE__;
const OFFLINE_PAGE = __PP_OFFLINE_PAGE__;
const CARDS_CACHE = "pp-cards-" + VERSION;
const PAGES_CACHE = "pp-pages";
const PAGES_KEPT = 60;
// With poor signal a request can hang for a minute: after this long, a saved copy is better than nothing.
const NETWORK_WAIT_MS = 6000;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];

const scopeUrl = (path) => new URL(path, self.registration.scope).href;
const precached = new Set(PRECACHE.map(scopeUrl));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CARDS_CACHE);
    // "reload": never take a card from the browser's HTTP cache, which may hold the version before this one.
    await cache.addAll(PRECACHE.map((path) => new Request(scopeUrl(path), {cache: "reload"})));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("pp-cards-") && name !== CARDS_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else {
    event.respondWith(asset(request));
  }
});

function withoutQuery(url) {
  const parsed = new URL(url);
  parsed.search = "";
  parsed.hash = "";
  return parsed.href;
}

async function fromNetwork(request) {
  const timeout = new Promise((resolve, reject) => setTimeout(() => reject(new Error("slow")), NETWORK_WAIT_MS));
  return Promise.race([fetch(request), timeout]);
}

async function page(request) {
  const key = withoutQuery(request.url);
  try {
    const response = await fromNetwork(request);
    if (response.ok && response.type === "basic" && !precached.has(key)) {
      const copy = response.clone();
      const saved = new Headers(copy.headers);
      saved.set("x-pp-saved", new Date().toISOString().slice(0, 10));
      const body = await copy.blob();
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(key, new Response(body, {status: 200, headers: saved}));
      const keys = await cache.keys();
      for (const old of keys.slice(0, Math.max(0, keys.length - PAGES_KEPT))) await cache.delete(old);
    }
    return response;
  } catch (error) {
    const card = await (await caches.open(CARDS_CACHE)).match(key);
    if (card) return card;
    const saved = await (await caches.open(PAGES_CACHE)).match(key);
    if (saved) return markOutOfDate(saved);
    const offline = await (await caches.open(CARDS_CACHE)).match(scopeUrl(OFFLINE_PAGE));
    return offline || Response.error();
  }
}

async function asset(request) {
  const key = withoutQuery(request.url);
  if (precached.has(key)) {
    const cached = await (await caches.open(CARDS_CACHE)).match(key);
    if (cached) return cached;
  }
  try {
    const response = await fromNetwork(request);
    if (response.ok && response.type === "basic") {
      await (await caches.open(PAGES_CACHE)).put(key, response.clone());
    }
    return response;
  } catch (error) {
    return (await caches.match(key)) || Response.error();
  }
}

function humanDate(iso) {
  const match = /^(\\d{4})-(\\d{2})-(\\d{2})/.exec(iso || "");
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) return null;
  return Number(match[3]) + " " + MONTHS[Number(match[2]) - 1] + " " + match[1];
}

// The page's own "last updated" date from its <meta>, else the day the copy was saved. Only digits and month
// names reach the line, so nothing from the page is written back into it as HTML.
async function markOutOfDate(saved) {
  const html = await saved.text();
  const modified = /<meta property="article:modified_time" content="([0-9-]{10})">/.exec(html);
  const when = humanDate(modified ? modified[1] : "") || humanDate(saved.headers.get("x-pp-saved")) || "unknown";
  const line = '<p class="pp-offline-line" role="status">You are offline: this page may be out of date ' +
               "(last updated " + when + ").</p>";
  const marked = html.replace(/<body[^>]*>/, (body) => body + line);
  const headers = new Headers(saved.headers);
  headers.delete("content-length");
  return new Response(marked, {status: 200, headers: headers});
}
"""
