"""Runs pyflakes over a folder in this interpreter and prints wall time and peak RSS (for bench/check-tree.ts)."""
import io
import json
import resource
import sys
import time
from contextlib import redirect_stdout

started = time.perf_counter()
from pyflakes.api import checkRecursive  # noqa: E402
from pyflakes.reporter import Reporter  # noqa: E402

sink = io.StringIO()
with redirect_stdout(sink):
    warnings = checkRecursive([sys.argv[1]], Reporter(sink, sink))
print(json.dumps({"ms": (time.perf_counter() - started) * 1000, "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "warnings": warnings}))
