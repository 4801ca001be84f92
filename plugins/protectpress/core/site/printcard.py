"""Printed action cards: the QR code that leads back to the card's live address.

Drawn here with segno, at build time, so a printed card needs no network to show it and nothing is fetched
when it prints. How large the card's text prints is `content/print_size.py`.
"""

from __future__ import annotations

import re

import segno

from ..foundation.buildcache import BuildMemory
from ..foundation.sealedmemory import SealedMemory, code_version
from . import qrmask
from .qrmask import best_mask_code

QR_ERROR = "m"  # medium error correction: the code still scans when a pinned card is creased or scuffed
QR_MASKS = range(8)  # the eight mask patterns the QR standard allows
QR_BORDER = 4  # the quiet zone, in modules, that the standard asks for around a code


# Drawings made by other code (this module, another segno) are never read back.
_DRAWING = f"qr-svg segno-{segno.__version__} {QR_ERROR} {code_version(__file__, qrmask.__file__)}"


def qr_svg(address: str, memory: BuildMemory | None = None, sealed: SealedMemory | None = None) -> str:
    """An inline SVG QR code for `address`: black on white with its quiet zone, sized by CSS through its viewBox.

    Choosing the mask (the pattern that keeps a code free of large blank areas) means scoring the code with
    each of eight: segno's own search is four fifths of the time a code takes, `qrmask.py`'s makes the same
    choice in a fraction of it. `memory` keeps the mask chosen for each
    address from one build to the next, so a rebuild draws each code once. Any mask read back is one of the
    eight the standard allows, and a code with any of them encodes the same address; anything else is ignored.

    `sealed` keeps the whole drawing by address (about 4 ms a code even with its mask known): a drawing could
    lead a printed card's readers anywhere, so it is read back only under the seal of the user's own key
    (core/foundation/sealedmemory.py), never from a file anyone could have planted."""
    key = f"qr-mask segno-{segno.__version__} {QR_ERROR} {address}"
    kept = sealed.get(_DRAWING, address) if sealed is not None else None
    if (isinstance(kept, list) and len(kept) == 2 and type(kept[0]) is int and kept[0] in QR_MASKS
            and isinstance(kept[1], str)):
        mask, drawn = kept
        if memory is not None:
            memory.put(key, mask)  # the facts file stays whole for a build without the key
        return drawn
    mask = memory.get(key) if memory is not None else None
    # segno's own code (with its own choice of mask unless one is known), made in about a fifth of its time
    code = best_mask_code(address, QR_ERROR, mask if type(mask) is int and mask in QR_MASKS else None)
    if memory is not None:
        memory.put(key, code.mask)
    drawn = _svg(code.matrix)
    if sealed is not None:
        sealed.put(_DRAWING, address, [code.mask, drawn])
    return drawn


_DARK_RUN = re.compile(rb"[^\x00]+")


def _svg(matrix: tuple[bytearray, ...] | list[bytearray]) -> str:
    """What segno's `svg_inline(scale=1, border=QR_BORDER, dark="#000", light="#fff", omitsize=True,
    svgclass="pp-qr__code", lineclass=None)` writes for a code's `matrix`, character for character: a white
    square, then one path that draws each row's runs of dark modules as lines, each move relative to where the
    last line ended. segno walks the modules one by one in Python (a quarter of a code's time); here each row's
    runs are found as bytes. tests/test_printcard.py compares the two for codes of every version a card has."""
    size = len(matrix)
    width = size + 2 * QR_BORDER
    moves: list[str] = []
    at_x, at_y = 0, 0.0
    y = QR_BORDER + .5
    for row in matrix:
        for run in _DARK_RUN.finditer(bytes(row)):
            start, end = QR_BORDER + run.start(), QR_BORDER + run.end()
            step_y = y - at_y
            moves.append(f"{'m' if moves else 'M'}{start - at_x} {int(step_y) if int(step_y) == step_y else step_y}"
                         f"h{end - start}")
            at_x, at_y = end, y
        y += 1
    return (f'<svg viewBox="0 0 {width} {width}" class="pp-qr__code"><path fill="#fff" d="M0 0h{width}v{width}'
            f'h-{width}z"/><path stroke="#000" d="{"".join(moves)}"/></svg>')
