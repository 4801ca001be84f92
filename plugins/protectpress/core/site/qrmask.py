"""The QR mask segno would choose, found with whole-row operations instead of segno's module-by-module loops.

A QR code's mask is the one of eight patterns that scores lowest on the standard's penalties (ISO/IEC
18004:2015, 7.8.3: runs, 2x2 blocks, finder-like patterns, the dark share). segno scores each of the eight in
Python loops over every module: four fifths of the time a code takes, about 1.5 CPU seconds for 150 printed
cards. Here the message is made by segno's own functions up to its error correction (`final_message`: the
same bits, from integer steps instead of segno's coefficient-by-coefficient division), its bits are placed by a
layout worked out once for each size (segno walks the whole matrix for every code, then walks it again to apply
a mask), and the eight candidates are scored as byte strings and integers (regular expressions for the runs,
bit planes for the blocks), following segno 1.6's `mask_scores` rule for rule, ties and all. The format and
version information are written by segno's own functions. `tests/test_printcard.py` checks that the drawing
equals segno's own for addresses of every length a card could have.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import zip_longest
from typing import Any, NamedTuple

from segno import consts, encoder

_SEPARATOR = 0xFF  # between rows: never a module's value, so no run, block or pattern spans two rows
_FINDER_LIKE = bytes((1, 0, 1, 1, 1, 0, 1))  # dark light dark dark dark light dark (N3)


@lru_cache(maxsize=8)
def _layout(size: int) -> tuple[int, int, tuple[int, ...]]:
    """For a symbol `size` modules wide, as integers over its joined rows: where its data modules are, its function
    modules as the matrix holds them while the masks are scored (finder, timing and alignment patterns; the format
    and version areas still 0; nothing where data goes), and each of the eight masks' flips over the data."""
    template = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(template, size, size)
    encoder.add_alignment_patterns(template, size, size)
    data = [[int(template[i][j] > 0x1) for j in range(size)] for i in range(size)]
    fixed = [[0 if data[i][j] else template[i][j] for j in range(size)] for i in range(size)]
    flips = tuple(_as_int([[data[i][j] & int(pattern(i, j)) for j in range(size)] for i in range(size)])
                  for pattern in encoder.get_data_mask_functions(False))
    return _as_int([[0xFF * bit for bit in row] for row in data]), _as_int(fixed), flips


def _as_int(rows: list[list[int]] | tuple[bytearray, ...]) -> int:
    """Rows of module values as one integer over the joined rows, each row followed by a 0 where the separator
    goes (the separator is added by `_SEPARATORS`)."""
    return int.from_bytes(b"".join(bytes(row) + b"\x00" for row in rows), "big")


@lru_cache(maxsize=8)
def _separators(size: int) -> int:
    return int.from_bytes((b"\x00" * size + bytes((_SEPARATOR,))) * size, "big")


def _finder_like_score(joined: bytes, size: int) -> int:
    """segno's N3: 40 for each 1:1:3:1:1 pattern at the symbol's edge or with four light modules before or
    after it, searched as segno searches (after a match the search goes on past it, else from its fourth
    module)."""
    stride = size + 1
    score = 0
    found = joined.find(_FINDER_LIKE)
    while found != -1:
        start = found - (found % stride)  # the row's first module
        at = found - start
        row = joined[start:start + size]
        after = at + 7
        if at in (0, size - 7) or not any(row[max(at - 4, 0):at]) or not any(row[after:min(after + 4, size)]):
            score += 40
            next_from = found + 7
        else:
            next_from = found + 4
        found = joined.find(_FINDER_LIKE, next_from)
    return score


def _penalty(rows: bytes, size: int) -> int:
    """segno's `evaluate_mask` (N1 + N2 + N3 + N4) of a masked matrix given as its joined rows.

    Runs and blocks are counted on each value's bit plane (a byte a module, so one module is 8 bits along and
    one row `8 * (size + 1)`): a run of 5 + i modules holds 1 + i windows of five and scores 3 + i, so N1 is
    the windows plus 2 for each run; N2 is 3 for each 2x2 block of one value."""
    stride = size + 1
    across, down = 8, 8 * stride
    n1 = n2 = 0
    for value in set(rows) - {_SEPARATOR}:
        plane = int.from_bytes(rows.translate(_PLANES[value]), "big")
        for step in (across, down):
            pairs = plane & (plane >> step)
            windows = pairs & (pairs >> 2 * step) & (plane >> 4 * step)
            n1 += windows.bit_count() + 2 * (windows & ~(windows >> step)).bit_count()
        block = plane & (plane >> across)
        n2 += 3 * (block & (block >> down)).bit_count()
    columns = bytes((_SEPARATOR,)).join(rows[j::stride] for j in range(size)) + bytes((_SEPARATOR,))
    n3 = _finder_like_score(rows, size) + _finder_like_score(columns, size)
    dark = sum(rows) - _SEPARATOR * size
    percent = float(dark) / (size ** 2)
    n4 = 10 * int(abs(percent * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def penalty(matrix: tuple[bytearray, ...] | list[bytes]) -> int:
    """The penalty segno's `evaluate_mask` gives a square matrix of module values (0 to 3)."""
    size = len(matrix)
    return _penalty(b"".join(bytes(row) + bytes((_SEPARATOR,)) for row in matrix), size)


_PLANES = {value: bytes(int(byte == value) for byte in range(256)) for value in range(4)}


@lru_cache(maxsize=8)
def _placement(size: int) -> tuple[bytes, tuple[int, ...]]:
    """A symbol `size` modules wide before its data is placed, as joined rows (each followed by the separator):
    the function modules as segno draws them (finder, timing and alignment patterns, the format and version
    areas still 0), 0x2 where data goes; and where each bit of the final message goes, in order, as an index into
    those rows: two-module columns from the right, alternately upwards and downwards, skipping the vertical timing
    pattern (ISO/IEC 18004:2015, 7.7.3), as segno's `add_codewords` places them."""
    matrix = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(matrix, size, size)
    encoder.add_alignment_patterns(matrix, size, size)
    stride = size + 1
    order: list[int] = []
    placed: set[int] = set()
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(size):
            for j in (right, right - 1):
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = size - 1 - vertical if upwards else vertical
                index = i * stride + j
                if matrix[i][j] == 0x2 and index not in placed:
                    placed.add(index)
                    order.append(index)
    return b"".join(bytes(row) + bytes((_SEPARATOR,)) for row in matrix), tuple(order)


def _message(address: str, error: str) -> tuple[int, int, bytes]:
    """The version, error level (raised where the version has room, as segno does) and final message bits of the
    QR code `segno.make_qr(address, error=error)` makes: segno's own steps (`encoder.encode` and
    `_encode`), up to where it places the bits."""
    segments = encoder.prepare_data(address, None, None)
    level = encoder.normalize_errorlevel(error, accept_none=True)
    version = encoder.find_version(segments, level, eci=False, micro=False)
    level = encoder.boost_error_level(version, level, segments, False)
    buffer = encoder.Buffer()
    version_range = encoder.version_range(version)
    for segment in segments:
        encoder.write_segment(buffer, segment, None, version_range, False)
    capacity = _CAPACITY[version][level]
    encoder.write_terminator(buffer, capacity, None, len(buffer))
    encoder.write_padding_bits(buffer, version, len(buffer))
    encoder.write_pad_codewords(buffer, version, capacity, len(buffer))
    return version, level, final_message(version, level, bytes(buffer.toints()))


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
    """A QR code's modules (rows of values, dark when not 0) and the mask it was drawn with."""

    matrix: tuple[bytearray, ...]
    mask: int


def best_mask_code(address: str, error: str, mask: int | None = None) -> QrCode:
    """`segno.make_qr(address, error=error, mask=mask)`'s matrix and mask (the same mask, the same modules), in
    about a third of the time: the message is segno's, its bits are placed by a layout worked out once for each
    size instead of a walk of the matrix, and each mask is applied and scored on whole rows at once."""
    version, level, bits = _message(address, error)
    size = encoder.calc_matrix_size(version)
    empty, order = _placement(size)
    rows = bytearray(empty)
    # The message fits its version (find_version chose it); the modules past it keep 0x2, as in segno's matrix.
    for index, bit in zip(order, bits, strict=False):
        rows[index] = bit
    unmasked = int.from_bytes(rows, "big")
    _, _, flips = _layout(size)
    length = size * (size + 1)
    best, best_score, best_rows = 0, None, b""
    for candidate, flip in enumerate(flips):
        if mask is not None and candidate != mask:
            continue
        masked = (unmasked ^ flip).to_bytes(length, "big")
        score = _penalty(masked, size) if mask is None else 0
        if best_score is None or score < best_score:
            best, best_score, best_rows = candidate, score, masked
    stride = size + 1
    final = tuple(bytearray(best_rows[i * stride:i * stride + size]) for i in range(size))
    encoder.add_format_info(final, version, level, best)
    encoder.add_version_info(final, version)
    return QrCode(final, best)
