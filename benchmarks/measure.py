"""Run one command; print its wall time and peak memory as JSON.

    python benchmarks/measure.py -- bulletins build DIR --out OUT --jobs 1

Run in a process of its own, so ``getrusage(RUSAGE_CHILDREN)`` covers that command's
process tree only. Two peaks are reported:

- ``tree_peak_rss_mb``: the largest sum of RSS over the command and all its descendants,
  sampled every 20 ms with psutil (a pool's workers count together);
- ``max_process_rss_mb``: ``ru_maxrss`` of RUSAGE_CHILDREN, the largest single process of
  the tree (exact, but blind to workers adding up).
"""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
import threading
import time

SAMPLE_S = 0.02


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    try:
        import psutil
        have_psutil = True
    except ImportError:  # then only the largest single process is measured (resource)
        have_psutil = False
    peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        if not have_psutil:
            return
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for p in procs:
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += p.memory_info().rss
            peak = max(peak, total)
            done.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps(dict(
        argv=argv, returncode=proc.returncode, wall_s=wall,
        tree_peak_rss_mb=peak / 2**20 if have_psutil else None,
        max_process_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        cpu_user_s=usage.ru_utime, cpu_sys_s=usage.ru_stime,
        stderr_tail=err.decode("utf-8", "replace")[-2000:],
    )))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
