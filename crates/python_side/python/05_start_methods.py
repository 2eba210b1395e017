"""Chapter 05: what starting a process costs, by start method.

fork copies this process; forkserver forks a small server started once;
spawn starts a new interpreter, which imports this program again. Each
start here runs a function that does nothing. Prints one JSON line.
"""
import json
import multiprocessing
import sys
import time


def nothing():
    pass


def start_and_wait(context):
    process = context.Process(target=nothing)
    process.start()
    process.join()


def cost(method, times):
    context = multiprocessing.get_context(method)
    start_and_wait(context)  # forkserver starts its server here: not counted
    start = time.perf_counter()
    for _ in range(times):
        start_and_wait(context)
    return (time.perf_counter() - start) / times


def main():
    times = json.loads(sys.argv[1])["times"]
    methods = multiprocessing.get_all_start_methods()
    print(json.dumps({"seconds": {m: cost(m, times) for m in methods},
                      "default": multiprocessing.get_start_method()}))


if __name__ == "__main__":
    main()
