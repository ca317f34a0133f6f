"""Scale benchmarks for kamerkg (issue 6). Run ``python -m benchmarks --help``; the method is in
:mod:`benchmarks.harness` (what is measured) and :mod:`benchmarks.corpus` (how corpora are made)."""
