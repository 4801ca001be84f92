"""The QR mask segno would choose, found with whole-symbol integer operations instead of segno's module-by-module
loops.

A QR code's mask is the one of eight patterns that scores lowest on the standard's penalties (ISO/IEC
18004:2015, 7.8.3: runs, 2x2 blocks, finder-like patterns, the dark share). segno scores each of the eight in
Python loops over every module: four fifths of the time a code takes, about 1.5 CPU seconds for 150 printed
cards. Here the message is made by segno's own functions up to its error correction (`final_message`: the
same bits, from integer steps instead of segno's coefficient-by-coefficient division), its bits are placed by a
layout worked out once for each size (segno walks the whole matrix for every code, then walks it again to apply
a mask), and the symbol is one integer with a bit a module (`_Layout`), on which each mask is one XOR and each
penalty a few shifts, ANDs and bit counts, following segno 1.6's `mask_scores` rule for rule, ties and all. The
format and version information are where segno's own functions write them. `tests/test_printcard.py` checks
that the drawing equals segno's own for addresses of every length a card could have.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import zip_longest
from operator import itemgetter
from typing import Any, NamedTuple

from segno import consts, encoder

_GAP = 4  # light modules after each row and light rows above and below: the reach of N3's light areas


class _Layout(NamedTuple):
    """A symbol `size` modules wide as bits of one integer: module (i, j) is bit `(i + _GAP) * width + j`, each
    row followed by `_GAP` bits that are no module, with `_GAP` such rows above and below. Whole-symbol integer
    operations then look at every module's neighbours at once, and no run, block or pattern spans two rows."""

    size: int
    width: int  # bits from one row to the next
    modules: int  # a bit on every module
    outside: int  # a bit on everything that is no module (read as light by N3, as segno's row ends are)
    gather: Any  # picks the unmasked symbol's bits, highest first, from the message bits + b"\x00\x01"
    flips: tuple[int, ...]  # each of the eight masks' flips over the data modules
    data_modules: int


def _position(size: int, i: int, j: int) -> int:
    return (i + _GAP) * (size + _GAP) + j


@lru_cache(maxsize=8)
def _layout(size: int) -> _Layout:
    """The function modules as segno draws them (finder, timing and alignment patterns, the format and version
    areas still 0) and where each bit of the final message goes, in order: two-module columns from the right,
    alternately upwards and downwards, skipping the vertical timing pattern (ISO/IEC 18004:2015, 7.7.3), as
    segno's `add_codewords` places them."""
    matrix = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(matrix, size, size)
    encoder.add_alignment_patterns(matrix, size, size)
    order: dict[tuple[int, int], int] = {}
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(size):
            for j in (right, right - 1):
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = size - 1 - vertical if upwards else vertical
                if matrix[i][j] == 0x2 and (i, j) not in order:
                    order[i, j] = len(order)
    width = size + _GAP
    total = (size + 2 * _GAP) * width
    light, dark = len(order), len(order) + 1  # the two bytes after the message bits
    source = [light] * total
    modules = 0
    for i in range(size):
        for j in range(size):
            at = _position(size, i, j)
            source[at] = order[i, j] if (i, j) in order else dark if matrix[i][j] else light
            modules |= 1 << at
    flips = tuple(sum(1 << _position(size, i, j) for (i, j) in order if pattern(i, j))
                  for pattern in encoder.get_data_mask_functions(False))
    return _Layout(size, width, modules, ((1 << total) - 1) ^ modules, itemgetter(*reversed(source)), flips,
                   len(order))


def _runs_and_blocks(plane: int, width: int) -> int:
    """N1 + N2 of one value's modules: a run of 5 + i modules holds 1 + i windows of five and scores 3 + i, so N1
    is the windows plus 2 for each run (counted at its last window); N2 is 3 for each 2x2 block."""
    score = 0
    for step in (1, width):
        pairs = plane & (plane >> step)
        windows = pairs & (pairs >> 2 * step) & (plane >> 4 * step)
        score += windows.bit_count() + 2 * (windows & ~(windows >> step)).bit_count()
    block = plane & (plane >> 1)
    return score + 3 * (block & (block >> width)).bit_count()


def _finder_like(dark: int, light: int, light_around: int, step: int) -> int:
    """segno's N3 along rows (`step` 1) or columns (`step` the row width): 40 for each 1:1:3:1:1 pattern with four
    light modules (or the symbol's edge) before or after it, searched as segno searches each line: after a match
    that scores, the search goes on past it, else from its fourth module. Two matches in a line can only be 4 or
    6 modules apart, so a match is passed over exactly when one 4 or 6 before it was looked at and scored:
    worked out for all matches at once, repeated until nothing changes (the first match of each chain is always
    looked at, so each round settles one more link)."""
    found = (dark & (light >> step) & (dark >> 2 * step) & (dark >> 3 * step) & (dark >> 4 * step)
             & (light >> 5 * step) & (dark >> 6 * step))
    if not found:
        return 0
    four = light_around & (light_around >> step) & (light_around >> 2 * step) & (light_around >> 3 * step)
    scores = found & ((four << 4 * step) | (four >> 7 * step))
    looked_at, before = found, 0
    while looked_at != before:
        before = looked_at
        passing = looked_at & scores
        looked_at = found & ~((passing << 4 * step) | (passing << 6 * step))
    return 40 * (looked_at & scores).bit_count()


def _penalty(planes: dict[int, int], value_sum: int, layout: _Layout) -> int:
    """segno's `evaluate_mask` (N1 + N2 + N3 + N4) of a matrix given as a bit plane for each value in it (0 light,
    1 dark; an unset module 2 or 3, which segno scores as values of their own) and the sum of its values."""
    width = layout.width
    n1_n2 = sum(_runs_and_blocks(plane, width) for plane in planes.values())
    dark, light = planes.get(1, 0), planes.get(0, 0)
    light_around = light | layout.outside
    n3 = _finder_like(dark, light, light_around, 1) + _finder_like(dark, light, light_around, width)
    percent = float(value_sum) / (layout.size ** 2)
    n4 = 10 * int(abs(percent * 100 - 50) / 5)
    return n1_n2 + n3 + n4


def penalty(matrix: tuple[bytearray, ...] | list[bytes]) -> int:
    """The penalty segno's `evaluate_mask` gives a square matrix of module values (0 to 3)."""
    size = len(matrix)
    layout = _layout(size)
    planes: dict[int, int] = {}
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            planes[value] = planes.get(value, 0) | 1 << _position(size, i, j)
    return _penalty(planes, sum(map(sum, matrix)), layout)


def _message(address: str, error: str) -> tuple[int, int, bytes]:
    """The version, error level (raised where the version has room, as segno does) and final message bits of the
    QR code `segno.make_qr(address, error=error)` makes: segno's own steps (`encoder.encode` and
    `_encode`), up to where it places the bits. Two are done at C speed instead of a bit at a time: a byte-mode
    segment's bits (segno's `make_segment` appends each byte's bits in a generator, two thirds of a message's
    time) and the reading of the bits as codewords (segno's `toints`)."""
    data, length, encoding = encoder.data_to_bytes(address, None)
    if encoder.find_mode(data) == consts.MODE_BYTE:
        segment = encoder._Segment(bytearray(b"".join(_BITS[byte] for byte in data)), length, consts.MODE_BYTE,
                                   encoding)
    else:
        segment = encoder.make_segment(address, None, None)
    segments = encoder.Segments()
    segments.add_segment(segment)
    level = encoder.normalize_errorlevel(error, accept_none=True)
    version = encoder.find_version(segments, level, eci=False, micro=False)
    level = encoder.boost_error_level(version, level, segments, False)
    buffer = encoder.Buffer()
    version_range = encoder.version_range(version)
    for each in segments:
        encoder.write_segment(buffer, each, None, version_range, False)
    capacity = _CAPACITY[version][level]
    encoder.write_terminator(buffer, capacity, None, len(buffer))
    encoder.write_padding_bits(buffer, version, len(buffer))  # always to a whole codeword
    encoder.write_pad_codewords(buffer, version, capacity, len(buffer))
    bits = bytes(buffer.getbits())
    codewords = int(bits.translate(_DIGITS), 2).to_bytes(len(bits) // 8, "big")
    return version, level, final_message(version, level, codewords)


_DIGITS = bytes.maketrans(b"\x00\x01", b"01")  # bits (a byte each) as the digits of a binary number


def final_message(version: int, level: int, codewords: bytes) -> bytes:
    """The bits (a byte each, 0 or 1) segno's `make_final_message` makes of a QR code's data codewords: the data
    blocks interleaved, then their error correction blocks interleaved, then the remainder bits (ISO/IEC
    18004:2015, 7.5 and 7.6). segno divides by the generator polynomial one coefficient at a time in Python (two
    thirds of the time a message takes); here each data codeword is one shift and one XOR of the remainder, as an
    integer, with the generator multiplied by that codeword, worked out once for each block length."""
    data_blocks: list[bytes] = []
    error_blocks: list[bytes] = []
    at = 0
    for ec_info in _ECC[version][level]:
        num_error_words = ec_info.num_total - ec_info.num_data
        products = _generator_products(num_error_words)
        top, mask = 8 * (num_error_words - 1), (1 << 8 * num_error_words) - 1
        for _ in range(ec_info.num_blocks):
            block = codewords[at:at + ec_info.num_data]
            at += ec_info.num_data
            remainder = 0
            for codeword in block:
                remainder = ((remainder << 8) & mask) ^ products[codeword ^ (remainder >> top)]
            data_blocks.append(block)
            error_blocks.append(remainder.to_bytes(num_error_words, "big"))
    interleaved = bytes(codeword for blocks in (data_blocks, error_blocks)
                        for column in zip_longest(*blocks) for codeword in column if codeword is not None)
    return b"".join(_BITS[codeword] for codeword in interleaved) + bytes(_REMAINDER_BITS.get(version, 0))


@lru_cache(maxsize=32)  # a block has one of about thirty lengths of error correction
def _generator_products(num_error_words: int) -> tuple[int, ...]:
    """The generator polynomial for `num_error_words` times each codeword value, as integers (GF(256), segno's
    tables): what one step of the division XORs into the remainder."""
    generator, log, exp = consts.GEN_POLY[num_error_words], consts.GALIOS_LOG, consts.GALIOS_EXP
    return (0, *(int.from_bytes(bytes(exp[log[value] + term] for term in generator), "big")
                 for value in range(1, 256)))


_BITS = tuple(bytes((value >> shift) & 1 for shift in range(7, -1, -1)) for value in range(256))
# Versions whose modules for data and error correction are not a whole number of codewords (segno's table).
_REMAINDER_BITS = {**dict.fromkeys((2, 3, 4, 5, 6), 7),
                   **dict.fromkeys((14, 15, 16, 17, 18, 19, 20, 28, 29, 30, 31, 32, 33, 34), 3),
                   **dict.fromkeys((21, 22, 23, 24, 25, 26, 27), 4)}
_ECC: Any = consts.ECC  # by version, then error level: the blocks' sizes


_CAPACITY: Any = consts.SYMBOL_CAPACITY  # by version, then error level


class QrCode(NamedTuple):
    """A QR code's rows of modules ("1" dark, "0" light) and the mask it was drawn with."""

    rows: tuple[str, ...]
    mask: int


@lru_cache(maxsize=64)
def _information(size: int, version: int, level: int, mask: int) -> tuple[int, int]:
    """Where segno's `add_format_info` and `add_version_info` write (as bits of the layout), and which of those
    they make dark."""
    unset = 0x5
    matrix = tuple(bytearray([unset] * size) for _ in range(size))
    encoder.add_format_info(matrix, version, level, mask)
    encoder.add_version_info(matrix, version)
    written = dark = 0
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value != unset:
                written |= 1 << _position(size, i, j)
                dark |= (value & 1) << _position(size, i, j)
    return written, dark


def best_mask_code(address: str, error: str, mask: int | None = None) -> QrCode:
    """`segno.make_qr(address, error=error, mask=mask)`'s modules and mask (the same mask, the same modules), in
    a fraction of the time: the message is segno's, its bits are placed by a layout worked out once for each
    size instead of a walk of the matrix, and each mask is applied and scored on the whole symbol at once."""
    version, level, bits = _message(address, error)
    layout = _layout(encoder.calc_matrix_size(version))
    if len(bits) != layout.data_modules:  # the standard's remainder bits make every version's message fill it
        raise ValueError(f"a QR message of {len(bits)} bits for {layout.data_modules} data modules")
    unmasked = int(bytes(layout.gather(bits + b"\x00\x01")).translate(_DIGITS), 2)
    best, best_score, best_modules = 0, None, 0
    for candidate, flip in enumerate(layout.flips):
        if mask is not None and candidate != mask:
            continue
        dark = unmasked ^ flip
        score = (_penalty({1: dark, 0: dark ^ layout.modules}, dark.bit_count(), layout)
                 if mask is None else 0)
        if best_score is None or score < best_score:
            best, best_score, best_modules = candidate, score, dark
    written, dark = _information(layout.size, version, level, best)
    final = (best_modules & ~written) | dark
    size, width = layout.size, layout.width
    total = (size + 2 * _GAP) * width
    bits_in_order = format(final, f"0{total}b")[::-1]
    rows = tuple(bits_in_order[at:at + size] for at in range(_GAP * width, (size + _GAP) * width, width))
    return QrCode(rows, best)
