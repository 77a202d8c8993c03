"""The similarity check's algorithm (docs/similarity.md), free of Django: normalisation,
shingles, the document-frequency sketch, MinHash LSH candidates and the exact alignment of
overlapping passages.

* **Normalisation** — NFKC (full width → half width), ASCII lower case, and every
  character that is not a letter or a digit (punctuation, symbols, white space) dropped;
  an offset array maps each kept character back to the original text.
* **Shingles** — every run of ``K`` consecutive normalised characters, as a 64-bit hash
  (a polynomial over the code points, mixed), computed with numpy.
* **Document frequency** — a count-min sketch (two rows) of the documents holding each
  shingle. A shingle held by at least :func:`common_threshold` documents (the form's
  prompts, the notice's wording, common phrases) is *common*: it never counts as an
  overlap, neither in the candidates nor in the passages.
* **Fingerprints** — winnowing: in every window of ``WINDOW`` consecutive shingles the
  smallest hash is a fingerprint, kept with its position. Any run of at least ``WINDOW``
  equal shingles therefore holds a fingerprint at the same place on both sides.
* **Candidates** — a one-permutation MinHash of the non-common fingerprints (``BANDS``
  bins, the minimum of each) in an LSH of one row per band, kept as one sorted numpy
  array of (band, minimum) keys: a look-up finds the documents sharing any of the query's
  minima, so a check never compares against every document. Candidates are ranked by
  shared fingerprints (at least two) and at most ``MAX_CANDIDATES`` are aligned.
* **Evidence** — seed and extend, exact: the shared fingerprints are the seeds; on each
  diagonal, the stretch from ``WINDOW - 1`` shingles before a chain of seeds to
  ``WINDOW - 1`` after it is compared shingle by shingle (the candidate's shingles hashed
  there only, from its stored normalised text). Every maximal run of equal, non-common
  shingles of at least ``MIN_RUN`` shingles is found, exactly as by comparing everything;
  runs merge into passages across small gaps (an edited character, changed punctuation).
  The share of a source is the part of the query's normalised characters its passages
  cover.
* **Compiled kernels** (``kernels.py``, numba) — the hot loops after shingling: the
  winnowing, the commonness (from the sketch's bitmaps), the signature, the LSH look-up,
  one candidate's seeds and the seed and extend; warmed when an index is made or loaded.
"""

from __future__ import annotations

from xinban.integrity.similarity.fingerprints import Fingerprints as Fingerprints
from xinban.integrity.similarity.fingerprints import FrequencySketch as FrequencySketch
from xinban.integrity.similarity.fingerprints import common_threshold as common_threshold
from xinban.integrity.similarity.fingerprints import signature as signature
from xinban.integrity.similarity.fingerprints import winnow as winnow
from xinban.integrity.similarity.index import Query as Query
from xinban.integrity.similarity.index import SimilarityIndex as SimilarityIndex
from xinban.integrity.similarity.params import BAND_BITS as BAND_BITS
from xinban.integrity.similarity.params import BANDS as BANDS
from xinban.integrity.similarity.params import COMMON_SHARE as COMMON_SHARE
from xinban.integrity.similarity.params import FEW_SEEDS as FEW_SEEDS
from xinban.integrity.similarity.params import INDEX_FORMAT as INDEX_FORMAT
from xinban.integrity.similarity.params import MAX_CANDIDATES as MAX_CANDIDATES
from xinban.integrity.similarity.params import MERGE_GAP as MERGE_GAP
from xinban.integrity.similarity.params import MIN_COMMON_DF as MIN_COMMON_DF
from xinban.integrity.similarity.params import MIN_REPORT_CHARS as MIN_REPORT_CHARS
from xinban.integrity.similarity.params import MIN_RUN as MIN_RUN
from xinban.integrity.similarity.params import MIN_SHARED_FINGERPRINTS as MIN_SHARED_FINGERPRINTS
from xinban.integrity.similarity.params import MIN_SHARED_MINIMA as MIN_SHARED_MINIMA
from xinban.integrity.similarity.params import SKETCH_BITS as SKETCH_BITS
from xinban.integrity.similarity.params import WINDOW as WINDOW
from xinban.integrity.similarity.params import K as K
from xinban.integrity.similarity.passages import CheckResult as CheckResult
from xinban.integrity.similarity.passages import Passage as Passage
from xinban.integrity.similarity.passages import Runs as Runs
from xinban.integrity.similarity.passages import SourceMatch as SourceMatch
from xinban.integrity.similarity.passages import passage_texts as passage_texts
from xinban.integrity.similarity.passages import passages_of as passages_of
from xinban.integrity.similarity.text import Normalised as Normalised
from xinban.integrity.similarity.text import Shingled as Shingled
from xinban.integrity.similarity.text import distinct as distinct
from xinban.integrity.similarity.text import normalise as normalise
from xinban.integrity.similarity.text import shingle as shingle
from xinban.integrity.similarity.text import shingle_hashes as shingle_hashes
