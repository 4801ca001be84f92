"""What the browser tests measure in a page, kept in one place so every test measures it the same way."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what UK public-sector sites must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

MOBILE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}
DESKTOP_AND_MOBILE = {"desktop": DESKTOP, "mobile": MOBILE}

# The header, footer and navigation: none of it may show on a printed card.
SITE_CHROME = (".md-header", ".md-footer", ".md-sidebar", ".md-tabs", ".pp-emergency--footer")


def open_path(page, site_url: str, path: str):
    """Load a page of the served site and wait until Material's scripts have run."""
    response = page.goto(site_url + path, wait_until="load")
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    return page


@dataclass(frozen=True)
class AxeCore:
    """axe-core's script as text, and served at a fixed cacheable URL (the `axe_source` fixture)."""
    source: str
    url: str


def type_search(page, text: str) -> None:
    """Type `text` into the focused search box key by key, as a reader does, and wait until the results shown are
    those for all of it: on a busy machine the results for its first letters can arrive between keystrokes."""
    page.keyboard.type(text)
    page.locator(f'[data-pp-searched-for="{text}"]').wait_for(state="attached")


def inject_axe(page, axe: AxeCore) -> None:
    """By URL: Chromium keeps the compiled code of a cacheable script fetched by URL for the next page of the
    context, never of an inline one, and parsing axe's 650 KB was a tenth of a second a page. Inline when the URL
    cannot be fetched (a context set offline)."""
    from playwright.sync_api import Error as PlaywrightError  # as conftest.py: only once a browser is there

    try:
        page.add_script_tag(url=axe.url)
    except PlaywrightError:
        page.add_script_tag(content=axe.source)


def run_axe(page, axe: AxeCore, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations for the page as it is now (WCAG 2.x A/AA rules, or the named rules only)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        inject_axe(page, axe)
    options = {"runOnly": {"type": "rule", "values": rules}} if rules else \
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    # Every rule still runs on every element; only the violations are described in full and sent back. The
    # passes' selectors and the whole result crossing to Python were half of axe's time on a page, for nothing.
    options["resultTypes"] = ["violations"]
    return page.evaluate("options => axe.run(document, options).then(result => result.violations)", options)


# The palette follows the reader's system setting, in CSS (overrides/base.html, protectpress.css): no script
# and no toggle, so the page is drawn in the right scheme from the first paint.
PALETTES = ("light", "dark")  # each also the CSS color-scheme it is drawn in


def open_in_palette(new_page, site_url: str, path: str, palette: str, **options):
    """Open `path` in a context whose system setting asks for `palette`, and check the page is drawn in it."""
    page = open_path(new_page(color_scheme=palette, **options), site_url, path)
    scheme = page.evaluate("getComputedStyle(document.body).colorScheme")
    assert scheme == palette, f"{path}: expected the {palette} palette, got color-scheme {scheme}"
    return page


def assert_no_wcag_violations_on_desktop_and_phone(kind, palette: str, new_page, site_url: str, axe_source: AxeCore,
                                                   artifacts: Path) -> None:
    """Axe finds nothing on a page of `kind` in `palette` at desktop size, then on a phone. The screenshots of every
    kind in both palettes and both sizes (tests/artifacts/a11y-<kind>-<palette>[-phone].png) are what a person
    reviews the design from."""
    page = open_in_palette(new_page, site_url, kind.path, palette)
    screenshot(page, artifacts, f"a11y-{kind.slug}-{palette}")
    violations = run_axe(page, axe_source)
    assert not violations, f"{kind.name} page /{kind.path} ({palette}):\n{describe_violations(violations)}"
    page.set_viewport_size(MOBILE)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, artifacts, f"a11y-{kind.slug}-{palette}-phone")
    violations = run_axe(page, axe_source)
    assert not violations, f"{kind.name} page /{kind.path} ({palette}, phone):\n{describe_violations(violations)}"


def describe_violations(violations: list[dict]) -> str:
    """One line per failing element: rule, impact, where, and what axe says to fix."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"{violation['id']} ({violation['impact']}): {' '.join(map(str, node['target']))}: "
                         f"{summary[:300]}")
    return "\n".join(lines)


def sideways_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it fits the viewport)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


# What a screenshot takes in: the whole page (measured as Playwright measures it for full_page) or the viewport
# where it is scrolled to, and whether a text caret would be drawn in it.
SCREENSHOT_FRAME = """() => {
  const active = document.activeElement;
  const body = document.body, root = document.documentElement;
  return {
    caret: !!active && (active.isContentEditable || ["INPUT", "TEXTAREA"].includes(active.tagName)),
    x: scrollX, y: scrollY,
    width: Math.max(body.scrollWidth, root.scrollWidth, body.offsetWidth, root.offsetWidth, body.clientWidth,
                    root.clientWidth),
    height: Math.max(body.scrollHeight, root.scrollHeight, body.offsetHeight, root.offsetHeight, body.clientHeight,
                     root.clientHeight),
  };
}"""


def screenshot(page, artifacts: Path, name: str, full_page: bool = True) -> Path:
    """The page as drawn, as a PNG for a person to look at. Asked of Chromium directly, with its quicker PNG
    compression (the same pixels, a larger file): Playwright's own screenshot hides the text caret with a style
    sheet over every element, put in and taken out again, and the two style passes and the slower compression
    were half of a full-page shot's time (0.5 s against 0.2 s for a long page). A page with a focused text field,
    where a blinking caret would be drawn, is left to Playwright, which hides it."""
    path = artifacts / f"{name}.png"
    frame = page.evaluate(SCREENSHOT_FRAME)
    if frame["caret"]:
        page.screenshot(path=str(path), full_page=full_page)
        return path
    viewport = page.viewport_size
    if full_page:
        clip = {"x": 0, "y": 0, "width": frame["width"], "height": frame["height"]}
        beyond_viewport = frame["width"] > viewport["width"] or frame["height"] > viewport["height"]
    else:
        clip = {"x": frame["x"], "y": frame["y"], **viewport}
        beyond_viewport = False
    session = page.context.new_cdp_session(page)
    try:
        shot = session.send("Page.captureScreenshot", {"format": "png", "clip": {**clip, "scale": 1},
                                                       "captureBeyondViewport": beyond_viewport,
                                                       "optimizeForSpeed": True})
    finally:
        session.detach()
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


# Where the focused element is, and whether a person could see it: inside the viewport and not covered by
# something else (a sliding drawer panel, say). A hidden form control counts as visible through its label.
FOCUS_STATE = """() => {
  let element = document.activeElement;
  if (!element || element === document.body) return {element: "body", visible: false};
  // Material's palette toggle is a hidden radio button shown through the label that follows it.
  const label = [...(element.labels || []), element.nextElementSibling]
    .find(candidate => candidate && candidate.tagName === "LABEL" && candidate.offsetWidth > 0);
  const shown = (element.offsetWidth === 0 || element.offsetHeight === 0) && label ? label : element;
  const box = shown.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const inViewport = box.width > 0 && box.height > 0 && x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
  const hit = inViewport ? document.elementFromPoint(x, y) : null;
  const style = getComputedStyle(shown);
  return {
    element: `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} ` +
             `${(element.getAttribute("href") || element.getAttribute("aria-label") || "").slice(0, 60)}`,
    visible: !!hit && (hit === shown || shown.contains(hit) || hit.contains(shown)),
    indicator: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
    inContent: !!element.closest(".md-content"),
  };
}"""


def focus_state(page) -> dict:
    return page.evaluate(FOCUS_STATE)


def tabs(first, count: int) -> list:
    """`first` and `count - 1` more pages in its browser context (the same storage and offline worker), to load
    pages side by side: the browser's time goes on loading instead of waiting for this process between loads."""
    return [first, *(first.context.new_page() for _ in range(count - 1))]


def load_side_by_side(pages: list, site_url: str, paths: list[str],
                      state: str = "load") -> Iterator[list[tuple[object, str]]]:
    """Open `paths` of the served site len(pages) at a time, each in a page of its own, and yield each batch as
    (page, path) pairs once every page of it has reached the load `state` ("networkidle": no request for half a
    second, which the pages then wait out together, not one after another)."""
    for start in range(0, len(paths), len(pages)):
        batch = list(zip(pages, paths[start:start + len(pages)], strict=False))
        for page, path in batch:
            response = page.goto(site_url + path, wait_until="commit")
            assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        for page, _ in batch:
            page.wait_for_load_state("load")
            if state != "load":
                page.wait_for_load_state(state)
        yield batch
