"""Run one command and report its wall time, CPU time and peak memory as JSON.

    python -m bench.measure -- COMMAND ARGS…

A process of its own, so that the children's resource usage is exactly the command's.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> int:
    command = sys.argv[sys.argv.index("--") + 1 :]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "returncode": result.returncode,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # KiB on Linux
        "stdout_tail": result.stdout[-500:],
        "stderr_tail": result.stderr[-1500:],
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
