"""The per-object cost of a young (generation-0) collection against its size, on this interpreter.

A generation-0 collection of N objects (cycles of two; a quarter kept alive, the rest cyclic
garbage), beside a frozen heap of 300,000 objects that it does not traverse, timed with
gc.collect(0): median of 30 runs per size (8 above 50,000). The simulator's cost model gives a
collection a cost per object that does not depend on its size; this shows how far that holds
(docs/simulator-accuracy.md, "Where a threshold change's GC time goes missing").

    python3 benchmarks/young_collection_cost.py
"""
import gc
import sys
import time


class Node:
    def __init__(self):
        self.ref = None
        self.payload = None


def main():
    gc.disable()
    heap = [Node() for _ in range(300000)]
    gc.collect()
    gc.freeze()
    print(f"CPython {sys.version.split()[0]}: young collection, median time and per object")
    for n in (700, 2000, 7000, 20000, 70000, 200000):
        times = []
        for _ in range(30 if n < 50000 else 8):
            keep = []
            for i in range(n // 2):
                a = Node()
                b = Node()
                a.ref = b
                b.ref = a
                if i % 4 == 0:
                    keep.append(a)
            start = time.perf_counter_ns()
            gc.collect(0)
            times.append(time.perf_counter_ns() - start)
            del keep
            gc.collect(2)
        times.sort()
        median = times[len(times) // 2]
        print(f"  {n:>7} objects: {median / 1000:9.1f} us  {median / n:6.1f} ns/object")
    del heap


if __name__ == "__main__":
    main()
