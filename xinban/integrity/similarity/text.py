"""Normalising and shingling (docs/similarity.md, "How"): the normalised text with its
offsets into the original, and the 64-bit hashes of its shingles.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

from xinban.integrity.similarity.params import (
    _ASCII_LOWER,
    _KEEP,
    _PRIME,
    K,
)


class Normalised:
    """A normalised text: ``text`` (the kept characters), ``original`` and ``offsets``
    (int64: ``offsets[i]`` is the index in the original of ``text[i]``). A text stored
    normalised (the index's rows) is read without its offsets; they are computed again
    from the original when a passage is shown (:meth:`stored`)."""

    __slots__ = ("_offsets", "original", "text")

    def __init__(self, text: str, offsets: np.ndarray | None, original: str) -> None:
        self.text = text
        self._offsets = offsets
        self.original = original

    @classmethod
    def stored(cls, text: str, original: str) -> Normalised:
        """A stored normalised ``text`` of ``original`` (offsets on demand)."""
        return cls(text, None, original)

    @property
    def offsets(self) -> np.ndarray:
        if self._offsets is None:
            self._offsets = normalise(self.original).offsets
        return self._offsets


_DROP = -1
_EXPAND = -2


def _kept(char: str) -> bool:
    return _KEEP.fullmatch(char) is not None


@cache
def _char_table() -> np.ndarray:
    """For every BMP code point: its NFKC form's code point, lower-cased for ASCII,
    ``_DROP`` when that is not a letter or digit, ``_EXPAND`` when it is several."""
    table = np.empty(0x10000, dtype=np.int64)
    for code in range(0x10000):
        mapped = unicodedata.normalize("NFKC", chr(code)).translate(_ASCII_LOWER)
        if len(mapped) == 1:
            table[code] = ord(mapped) if _kept(mapped) else _DROP
        else:
            table[code] = _EXPAND if any(_kept(c) for c in mapped) else _DROP
    return table


def _expand(char: str) -> list[int]:
    mapped = unicodedata.normalize("NFKC", char).translate(_ASCII_LOWER)
    return [ord(c) for c in mapped if _kept(c)]


def normalise(original: str) -> Normalised:
    """NFKC character by character (full width → half width, "①" → "1"), ASCII lower
    case, letters and digits only; ``offsets`` map back into ``original``."""
    codes = np.frombuffer(original.encode("utf-32-le"), dtype=np.uint32)
    mapped = np.full(len(codes), _EXPAND, dtype=np.int64)
    bmp = codes < 0x10000
    mapped[bmp] = _char_table()[codes[bmp]]
    expand = np.nonzero(mapped == _EXPAND)[0]
    if not len(expand):
        offsets = np.nonzero(mapped >= 0)[0]
        kept = mapped[offsets]
    else:  # a character that becomes several ("㈱" → "(株)") or lies beyond the BMP
        code_parts: list[np.ndarray] = []
        offset_parts: list[np.ndarray] = []
        previous = 0
        for i in expand.tolist():
            segment = np.nonzero(mapped[previous:i] >= 0)[0] + previous
            code_parts += [mapped[segment], np.asarray(_expand(original[i]), dtype=np.int64)]
            offset_parts += [segment, np.full(len(code_parts[-1]), i, dtype=np.int64)]
            previous = i + 1
        segment = np.nonzero(mapped[previous:] >= 0)[0] + previous
        code_parts.append(mapped[segment])
        offset_parts.append(segment)
        kept, offsets = np.concatenate(code_parts), np.concatenate(offset_parts)
    text = kept.astype(np.uint32).tobytes().decode("utf-32-le")
    return Normalised(text, offsets.astype(np.int64), original)


def shingle_hashes(text: str) -> np.ndarray:
    """The 64-bit hash of every ``K``-character shingle of normalised ``text``, in order."""
    n = len(text) - K + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(K):
        h = h * _PRIME + codes[j : j + n]
    return _mix(h)


def _hashes_at(codes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The shingle hashes at ``positions`` only (``codes``: the normalised text's code
    points as uint64), equal to :func:`shingle_hashes` there."""
    h = np.zeros(len(positions), dtype=np.uint64)
    for j in range(K):
        h = h * _PRIME + codes[positions + j]
    return _mix(h)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser spreads the bits (the sketch reads low bits)."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (numpy's own unique hashes them, many times slower
    here than a sort)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


@dataclass(frozen=True)
class Shingled:
    norm: Normalised
    hashes: np.ndarray  # uint64, one per position

    @property
    def length(self) -> int:
        return len(self.norm.text)

    @cached_property
    def codes(self) -> np.ndarray:
        """The normalised characters' code points (uint32), computed once."""
        return np.frombuffer(self.norm.text.encode("utf-32-le"), dtype=np.uint32)


def shingle(text: str | Normalised) -> Shingled:
    """A text's shingles; an already normalised text (as stored with the index's rows)
    skips the normalisation."""
    norm = text if isinstance(text, Normalised) else normalise(text)
    return Shingled(norm, shingle_hashes(norm.text))
