"""Chapter 02: CPU-bound work one at a time, on threads, on processes.

The sum of squares of 0..n, cut into chunks. Under the GIL one thread at a
time runs Python code, so threads take as long as one; each process has an
interpreter (and a GIL) of its own. Prints one JSON line for the course.
"""
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

MODULUS = 1_000_000_007


def chunk(bounds):
    low, high = bounds
    return sum(k * k % MODULUS for k in range(low, high)) % MODULUS


def chunks(n, count):
    per = -(-n // count)  # rounded up, as the Rust side cuts them
    return [(min(per * i, n), min(per * (i + 1), n)) for i in range(count)]


def main():
    params = json.loads(sys.argv[1])
    parts, workers = chunks(params["n"], params["chunks"]), params["workers"]

    def sequential():
        return sum(map(chunk, parts))

    def threads():
        with ThreadPoolExecutor(workers) as pool:
            return sum(pool.map(chunk, parts))

    def processes():  # starting the pool is part of the cost
        with ProcessPoolExecutor(workers) as pool:
            return sum(pool.map(chunk, parts))

    best, answers = {}, set()
    for _ in range(params["rounds"]):
        for name, run in [("sequential", sequential), ("threads", threads),
                          ("processes", processes)]:
            start = time.perf_counter()
            answers.add(run())
            seconds = time.perf_counter() - start
            best[name] = min(seconds, best.get(name, seconds))
    print(json.dumps({"seconds": best, "answers": sorted(answers)}))


if __name__ == "__main__":
    main()
