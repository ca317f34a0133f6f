"""``python -m benchmarks --docs N [N ...] [--json FILE]``: see :mod:`benchmarks.harness`."""

from benchmarks.harness import main

raise SystemExit(main())
