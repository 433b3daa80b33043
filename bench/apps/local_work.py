"""Purely local work for the layer-overhead bench, the Python twin of local-work.mjs: each round writes, stats,
lists and reads back 200 small files in a temp directory and hashes and JSON-encodes some data. Prints
{"bestRoundMs": ..., "bestRoundCpuMs": ...}, the fastest of ROUNDS rounds in wall-clock and in CPU time.   python3 local_work.py [ROUNDS]"""

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
directory = tempfile.mkdtemp(prefix="dpl-local-work-")
payload = json.dumps([{"id": i, "name": f"item-{i}", "tags": ["a", "b"]} for i in range(200)])


def one_round():
    checksum = 0
    for i in range(200):
        with open(os.path.join(directory, f"f{i}.json"), "w") as out:
            out.write(payload)
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        checksum += os.stat(path).st_size
        with open(path) as source:
            data = json.load(source)
        checksum += hashlib.sha256(json.dumps(data).encode()).digest()[0]
    return checksum


try:
    one_round()
    best = best_cpu = float("inf")
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        one_round()
        best = min(best, (time.perf_counter() - start) * 1000)
        best_cpu = min(best_cpu, (time.process_time() - start_cpu) * 1000)
    print(json.dumps({"bestRoundMs": best, "bestRoundCpuMs": best_cpu}), flush=True)
finally:
    shutil.rmtree(directory, ignore_errors=True)
