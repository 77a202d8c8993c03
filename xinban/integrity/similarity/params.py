"""The similarity check's parameters (docs/similarity.md): shingle width, window,
bands, thresholds, and the persisted index's layout version.
"""

from __future__ import annotations

import re

import numpy as np

INDEX_FORMAT = 2  # the persisted index's layout (a file of another is rebuilt)
K = 8  # shingle width, in normalised characters
MIN_RUN = 12  # shingles: an exact run of K + MIN_RUN - 1 = 19 characters at least
WINDOW = MIN_RUN  # winnowing window: every run of MIN_RUN shingles holds a fingerprint
BAND_BITS = 7
BANDS = 1 << BAND_BITS  # one-permutation MinHash bins = LSH bands of one row
MERGE_GAP = 12  # characters between runs merged into one passage
MIN_REPORT_CHARS = 40  # a source is reported from this many overlapping characters
MIN_SHARED_FINGERPRINTS = 2
MIN_SHARED_MINIMA = 2  # LSH candidates: documents sharing this many signature minima
FEW_SEEDS = 16  # candidates with this many seeds or fewer are checked character-wise first
MAX_CANDIDATES = 20
MIN_COMMON_DF = 5  # a shingle in this many documents (or COMMON_SHARE of them) is common
COMMON_SHARE = 0.005
SKETCH_BITS = 22  # 4 Mi counters per row

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(0x100000001B3)
_KEEP = re.compile(r"[^\W_]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
