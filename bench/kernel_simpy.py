#!/usr/bin/python3
"""The M/M/c/c loss system of bench/kernel in SimPy 2.3 (Debian python3-simpy), written the
idiomatic SimPy way: a source process, one process per call holding a Resource unit.

Usage: kernel_simpy.py SERVERS OFFERED MEAN_HOLD_S WARMUP ARRIVALS
Prints simpy_events_per_s= (arrivals + departures per wall-clock second) and simpy_blocking=.
Events are counted as in the C versions: one per arrival and one per departure."""
import random
import sys
import time

from SimPy.Simulation import (Process, Resource, activate, hold, initialize, release,
                              request, simulate, stopSimulation)


class Stats:
    arrivals = 0
    departures = 0
    blocked = 0


class Call(Process):
    def run(self, res, holding, st):
        yield request, self, res
        yield hold, self, holding
        yield release, self, res
        st.departures += 1


class Source(Process):
    def run(self, res, iat, hold_s, warmup, arrivals, rng, st):
        for i in range(warmup + arrivals):
            yield hold, self, rng.expovariate(1.0 / iat)
            st.arrivals += 1
            if res.n > 0:
                c = Call()
                activate(c, c.run(res, rng.expovariate(1.0 / hold_s), st))
            elif i >= warmup:
                st.blocked += 1
        stopSimulation()


def main():
    servers, offered, hold_s = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    warmup, arrivals = int(sys.argv[4]), int(sys.argv[5])
    st = Stats()
    rng = random.Random(1)
    t0 = time.perf_counter()
    initialize()
    res = Resource(capacity=servers)
    src = Source()
    activate(src, src.run(res, hold_s / offered, hold_s, warmup, arrivals, rng, st))
    simulate(until=1e18)
    dt = time.perf_counter() - t0
    print("simpy_events_per_s=%.0f" % ((st.arrivals + st.departures) / dt))
    print("simpy_blocking=%.5f" % (st.blocked / arrivals))


if __name__ == "__main__":
    main()
