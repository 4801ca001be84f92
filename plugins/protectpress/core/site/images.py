"""The site's shield drawn as PNG, in pure Python (zlib and struct): no network, no browser, no imaging library.

RSS allows only GIF, JPEG and PNG images, phones and many crawlers read no SVG, and link previews want a
1200x630 picture, while the theme's shield is an SVG (overrides/assets/images/favicon.svg, a 24-unit viewBox).
This draws that one path, filled even-odd so that the head and body are holes, with 8 sub-rows per pixel and
exact horizontal coverage. The preview picture carries no text: rendering words would need a font engine
(Pillow and a font file) for a picture whose title the preview prints beside it anyway.
"""

from __future__ import annotations

import functools
import math
import struct
import zlib

Point = tuple[float, float]
Colour = tuple[int, int, int]
NAVY: Colour = (0x1D, 0x35, 0x57)  # the shield's fill in favicon.svg
WHITE: Colour = (0xFF, 0xFF, 0xFF)
# name -> (size in pixels, margin as a fraction of the size, background or None for transparent)
ICONS: dict[str, tuple[int, float, Colour | None]] = {
    "logo.png": (144, 0.04, None),  # RSS <image>: at most 144 pixels wide
    "icon-192.png": (192, 0.04, None),  # the web app manifest's small icon (core/site/offline.py)
    "icon-512.png": (512, 0.04, None),  # JSON Feed icon, and the web app manifest's large one
    "favicon-64.png": (64, 0.0, None),  # JSON Feed favicon, Atom icon
    "favicon-32.png": (32, 0.0, None),  # browsers' tab icon
    "apple-touch-icon.png": (180, 0.12, WHITE),  # phones draw no transparency
}
# Link previews (og:image): the size Facebook, LinkedIn and X's large card all crop least.
PREVIEW_SIZE = (1200, 630)
PREVIEW_SHIELD = 420  # pixels: the shield's square, centred


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 24) -> list[Point]:
    return [(_bezier(p0[0], p1[0], p2[0], p3[0], t), _bezier(p0[1], p1[1], p2[1], p3[1], t))
            for t in (i / steps for i in range(1, steps + 1))]


def _bezier(a: float, b: float, c: float, d: float, t: float) -> float:
    return (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t ** 3 * d


# favicon.svg's path "M12 1 3 5v6c0 5.55 3.84 10.74 9 12 5.16-1.26 9-6.45 9-12V5l-9-4zm0 6a2 2 0 1 1 0 4
# 2 2 0 0 1 0-4zm0 6c2 0 4 1 4 2.5V17H8v-1.5C8 14 10 13 12 13z", in absolute points.
SHIELD = [
    (12.0, 1.0),
    (3.0, 5.0),
    (3.0, 11.0),
    *_cubic((3, 11), (3, 16.55), (6.84, 21.74), (12, 23)),
    *_cubic((12, 23), (17.16, 21.74), (21, 16.55), (21, 11)),
    (21.0, 5.0),
    (12.0, 1.0),
]
HEAD = [(12 + 2 * math.cos(a), 9 + 2 * math.sin(a)) for a in (2 * math.pi * i / 96 for i in range(97))]
BODY = [
    (12.0, 13.0),
    *_cubic((12, 13), (14, 13), (16, 14), (16, 15.5)),
    (16.0, 17.0),
    (8.0, 17.0),
    (8.0, 15.5),
    *_cubic((8, 15.5), (8, 14), (10, 13), (12, 13)),
]


def coverage(size: int, margin: float) -> list[list[float]]:
    """How much of each pixel of a `size` square the shield covers, 0 to 1."""
    scale, offset = size * (1 - 2 * margin) / 24, size * margin
    edges = []
    for polygon in (SHIELD, HEAD, BODY):
        points = [(offset + x * scale, offset + y * scale) for x, y in polygon]
        edges += list(zip(points, points[1:] + points[:1], strict=True))
    sub_rows = 8
    cover = [[0.0] * size for _ in range(size)]
    for row in range(size):
        line = cover[row]
        # Sub-rows that cover a pixel whole, counted by where they start and end (a difference array): only the
        # one or two pixels at each end of a span are covered in part, so the inner ones cost nothing each.
        whole = [0] * (size + 1)
        # Only the edges that reach this row can cross its sub-rows.
        near = [edge for edge in edges if min(edge[0][1], edge[1][1]) < row + 1 and max(edge[0][1], edge[1][1]) >= row]
        for sub in range(sub_rows):
            y = row + (sub + 0.5) / sub_rows
            crossings = sorted(x0 + (y - y0) * (x1 - x0) / (y1 - y0) for (x0, y0), (x1, y1) in near
                               if y0 <= y < y1 or y1 <= y < y0)
            # A vertex grazed exactly can leave an odd crossing over: it bounds nothing, so it is dropped.
            for start, end in zip(crossings[::2], crossings[1::2], strict=False):
                first, last = max(int(start), 0), min(math.ceil(end), size)
                if first >= last:
                    continue
                inner_first = first if start <= first else first + 1  # pixels [inner_first, inner_last) are whole
                inner_last = last if end >= last else last - 1
                if inner_first < inner_last:
                    whole[inner_first] += 1
                    whole[inner_last] -= 1
                for pixel in {first, last - 1} - set(range(inner_first, max(inner_first, inner_last))):
                    line[pixel] += max(0.0, min(end, pixel + 1) - max(start, pixel)) / sub_rows
        running = 0
        for pixel in range(size):
            running += whole[pixel]
            if running:
                line[pixel] += running / sub_rows
    return cover


def icon_png(name: str) -> bytes:
    """The icon `name` (a key of ICONS) as a PNG file."""
    size, margin, background = ICONS[name]
    raw = bytearray()
    for line in coverage(size, margin):
        raw.append(0)  # filter type 0: the row as is
        for amount in (min(max(c, 0.0), 1.0) for c in line):
            if background is None:
                raw += bytes((*NAVY, round(255 * amount)))
            else:
                raw += _blend(NAVY, background, amount)
    return _png(size, size, 6 if background is None else 2, bytes(raw))


@functools.lru_cache(maxsize=1)
def preview_png() -> bytes:
    """The site's link-preview picture: the white shield on navy, 1200x630. Drawn once per process (a build
    under `serve` asks again on every change, and the picture never changes)."""
    width, height = PREVIEW_SIZE
    left, top = (width - PREVIEW_SHIELD) // 2, (height - PREVIEW_SHIELD) // 2
    background_row = bytes(NAVY) * width
    raw = bytearray()
    shield = coverage(PREVIEW_SHIELD, 0.0)
    shades = [_blend(WHITE, NAVY, level / 255) for level in range(256)]  # 256 levels are all a PNG can show
    for row in range(height):
        raw.append(0)
        if not top <= row < top + PREVIEW_SHIELD:
            raw += background_row
            continue
        raw += background_row[: 3 * left]
        raw += b"".join(shades[round(255 * min(max(amount, 0.0), 1.0))] for amount in shield[row - top])
        raw += background_row[3 * (left + PREVIEW_SHIELD):]
    return _png(width, height, 2, bytes(raw))


def _blend(front: Colour, back: Colour, amount: float) -> bytes:
    return bytes(round(f * amount + b * (1 - amount)) for f, b in zip(front, back, strict=True))


def _png(width: int, height: int, colour_type: int, raw: bytes) -> bytes:
    """A PNG of 8-bit RGB (colour type 2) or RGBA (6) rows, each already led by its filter byte."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
