"""Chapter 05: Pool.map sends work to its processes in chunks.

With chunksize=1 every item is a message to a worker and an answer back;
by default Pool.map cuts the items into about four chunks per worker.
The work per item is tiny, so the messages are the cost. One JSON line.
"""
import json
import multiprocessing
import sys
import time


def square(x):
    return x * x


def main():
    params = json.loads(sys.argv[1])
    items = range(params["items"])
    seconds, totals = {}, []
    with multiprocessing.Pool(params["workers"]) as pool:
        pool.map(square, range(100))  # the workers are started: not counted
        for name, chunksize in [("chunksize 1", 1), ("default", None)]:
            start = time.perf_counter()
            totals.append(sum(pool.map(square, items, chunksize)))
            seconds[name] = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "totals": totals}))


if __name__ == "__main__":
    main()
