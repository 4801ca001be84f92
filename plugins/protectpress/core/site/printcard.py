"""Printed action cards: the QR code that leads back to the card's live address.

Drawn here with segno, at build time, so a printed card needs no network to show it and nothing is fetched
when it prints. How large the card's text prints is `content/print_size.py`.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
    drawn = _svg(code.rows)
    if sealed is not None:
        sealed.put(_DRAWING, address, [code.mask, drawn])
    return drawn


def _svg(rows: tuple[str, ...]) -> str:
    """What segno's `svg_inline(scale=1, border=QR_BORDER, dark="#000", light="#fff", omitsize=True,
    svgclass="pp-qr__code", lineclass=None)` writes for a code's `rows` ("1" dark), character for character: a
    white square, then one path that draws each row's runs of dark modules as lines, each move relative to where
    the last line ended. segno walks the modules one by one in Python; here the rows are read as one text in
    which each run of dark modules and the light (and row ends, "|") before it is one token, and a token's move
    is worked out once for each size (`_Moves`). tests/test_printcard.py compares the two for codes of every
    version a card has."""
    size = len(rows)
    width = size + 2 * QR_BORDER
    tokens = _TOKEN.findall("|".join(rows))
    path = ""
    if tokens:
        first = tokens[0]
        light = first.rstrip("1")
        rows_before = light.count("|")
        # The first move is absolute, from the top left corner: y is a row's middle, so it has a ".5".
        path = (f"M{QR_BORDER + len(light) - light.rfind('|') - 1} {QR_BORDER + .5 + rows_before}"
                f"h{len(first) - len(light)}" + "".join(map(_moves(size).__getitem__, tokens[1:])))
    return (f'<svg viewBox="0 0 {width} {width}" class="pp-qr__code"><path fill="#fff" d="M0 0h{width}v{width}'
            f'h-{width}z"/><path stroke="#000" d="{path}"/></svg>')


_TOKEN = re.compile(r"[0|]*1+")


class _Moves(dict[str, str]):
    """The path's move for a token (light modules and row ends, then a run of dark ones): to the run's start
    from where the last line ended, in the same row or rows further down, then the line along the run."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def __missing__(self, token: str) -> str:
        light = token.rstrip("1")
        rows_down = light.count("|")
        # Across a row end the last line ended at the row's last module: back by the row, on by what is light.
        across = len(light) if not rows_down else len(light) - 1 - light.rfind("|") + light.find("|") - self.size
        move = self[token] = f"m{across} {rows_down}h{len(token) - len(light)}"
        return move


@lru_cache(maxsize=8)
def _moves(size: int) -> _Moves:
    return _Moves(size)
