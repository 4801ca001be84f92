"""Printed action cards: the QR code that leads back to the card's live address.

Drawn here with segno, at build time, so a printed card needs no network to show it and nothing is fetched
when it prints. How large the card's text prints is `content/print_size.py`.
"""

from __future__ import annotations

import segno

from ..foundation.buildcache import BuildMemory

QR_ERROR = "m"  # medium error correction: the code still scans when a pinned card is creased or scuffed
QR_MASKS = range(8)  # the eight mask patterns the QR standard allows


def qr_svg(address: str, memory: BuildMemory | None = None) -> str:
    """An inline SVG QR code for `address`: black on white with its quiet zone, sized by CSS through its viewBox.

    Choosing the mask (the pattern that keeps a code free of large blank areas) means drawing the code eight
    times and scoring each: four fifths of the time a code takes. `memory` keeps the mask chosen for each
    address from one build to the next, so a rebuild draws each code once. Any mask read back is one of the
    eight the standard allows, and a code with any of them encodes the same address; anything else is ignored."""
    key = f"qr-mask segno-{segno.__version__} {QR_ERROR} {address}"
    mask = memory.get(key) if memory is not None else None
    code = segno.make_qr(address, error=QR_ERROR, mask=mask if type(mask) is int and mask in QR_MASKS else None)
    if memory is not None:
        memory.put(key, code.mask)
    return code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                           svgclass="pp-qr__code", lineclass=None)
