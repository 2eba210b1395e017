"""Chapter 06: the pages at once with asyncio, on one thread. A blocking call
inside a coroutine stops the event loop until it returns; asyncio.to_thread
keeps the loop free. Prints one JSON line."""
import asyncio
import json
import sys
import time
import urllib.request
from urllib.parse import urlsplit

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch_blocking(url):
    with OPENER.open(url, timeout=30) as response:
        return response.read().decode()


async def fetch(url):
    """GET over asyncio streams: the standard library has no async HTTP client."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                 "Connection: close\r\n\r\n".encode())
    response = await reader.read()  # the server closes when it is done
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.decode(errors="replace").splitlines()[0])
    return body.decode()


async def blocked(url):  # the mistake: a blocking call inside a coroutine
    return fetch_blocking(url)


async def on_a_thread(url):  # the fix: the loop goes on meanwhile
    return await asyncio.to_thread(fetch_blocking, url)


async def gather(urls, first):
    return await asyncio.gather(first(urls[0]), *map(fetch, urls[1:]))


def main():
    params = json.loads(sys.argv[1])
    urls, best, pages = params["urls"], {}, []
    fetch_blocking(urls[0])  # warm up: imports and a first connection
    for _ in range(params["rounds"]):
        for name, first in [("asyncio", fetch), ("one blocking call", blocked),
                            ("blocking call on a thread", on_a_thread)]:
            start = time.perf_counter()
            pages = asyncio.run(gather(urls, first))
            seconds = time.perf_counter() - start
            best[name] = min(seconds, best.get(name, seconds))
    print(json.dumps({"seconds": best, "pages": pages}))


if __name__ == "__main__":
    main()
