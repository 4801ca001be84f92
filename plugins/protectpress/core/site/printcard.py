"""Printed action cards: the QR code that leads back to the card's live address.

Drawn here with segno, at build time, so a printed card needs no network to show it and nothing is fetched
when it prints. How large the card's text prints is `content/print_size.py`.
"""

from __future__ import annotations

import segno

from ..foundation.buildcache import BuildMemory
from ..foundation.sealedmemory import SealedMemory, code_version
from .qrmask import best_mask_code

QR_ERROR = "m"  # medium error correction: the code still scans when a pinned card is creased or scuffed
QR_MASKS = range(8)  # the eight mask patterns the QR standard allows


# Drawings made by other code (this module, another segno) are never read back.
_DRAWING = f"qr-svg segno-{segno.__version__} {QR_ERROR} {code_version(__file__)}"


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
    if type(mask) is int and mask in QR_MASKS:
        code = segno.make_qr(address, error=QR_ERROR, mask=mask)
    else:
        code = best_mask_code(address, QR_ERROR)  # segno's own choice of mask, in about a third of its time
    if memory is not None:
        memory.put(key, code.mask)
    drawn = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                            svgclass="pp-qr__code", lineclass=None)
    if sealed is not None:
        sealed.put(_DRAWING, address, [code.mask, drawn])
    return drawn
