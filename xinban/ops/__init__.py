"""Operations at the top of the house (docs/architecture.md, "Layers"): the demo data,
the benchmarks, backup and restore. They may import every area; no area imports them
except through the per-area extension modules (``demo.py``, ``bench.py``)."""
