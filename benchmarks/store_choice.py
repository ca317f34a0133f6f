"""Why the embedded store is pyoxigraph: load time and the latency of every ready-made query, pyoxigraph
against rdflib's memory store with its own SPARQL engine, on a built dist/ (medians of 5 runs; rows compared).

Usage: python benchmarks/store_choice.py [DIST]
"""

import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from kamerkg.config import settings
from kamerkg.queries import load_queries

dist = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
qs = load_queries(settings().queries_dir)
t = time.perf_counter()
st = ox.Store()
st.bulk_load(path=str(dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS)
tl_ox = time.perf_counter() - t
t = time.perf_counter()
ds = Dataset(default_union=True)
ds.parse(dist / "kamerkg.nq", format="nquads")
tl_rd = time.perf_counter() - t
res = {}
for name, q in qs.items():
    a = []
    b = []
    for _ in range(5):
        t = time.perf_counter()
        n1 = len(list(st.query(q.text, use_default_graph_as_union=True)))
        a.append(time.perf_counter() - t)
        t = time.perf_counter()
        n2 = len(list(ds.query(q.text)))
        b.append(time.perf_counter() - t)
    res[name] = (statistics.median(a) * 1000, statistics.median(b) * 1000, n1, n2)
for k, v in res.items():
    print(f"{k:28s} ox {v[0]:7.2f} ms  rdflib {v[1]:8.2f} ms  rows {v[2]}/{v[3]}")
print(
    "load ms",
    tl_ox * 1000,
    tl_rd * 1000,
    "sum ox",
    sum(v[0] for v in res.values()),
    "sum rdflib",
    sum(v[1] for v in res.values()),
)
