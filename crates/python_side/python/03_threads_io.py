"""Chapter 03: I/O-bound work one at a time, then one thread per page.

Each page of the course's latency server takes the same time to answer.
A thread waiting for the network gives up the GIL, so the other threads'
requests are in flight meanwhile. Prints one JSON line for the course.
"""
import json
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

# Straight to the server on loopback, never through a proxy.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url):
    with OPENER.open(url, timeout=30) as response:
        return response.read().decode()


def main():
    urls = json.loads(sys.argv[1])["urls"]
    fetch(urls[0])  # warm up: imports and a first connection

    start = time.perf_counter()
    one_at_a_time = [fetch(url) for url in urls]
    sequential = time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(len(urls)) as pool:
        pages = list(pool.map(fetch, urls))
    threads = time.perf_counter() - start

    same = pages == one_at_a_time
    print(json.dumps({"seconds": {"sequential": sequential, "threads": threads},
                      "pages": pages if same else []}))


if __name__ == "__main__":
    main()
