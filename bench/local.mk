# bench/: benchmarks, run by `make bench` (BENCH_FILTER=name picks one, BENCH_QUICK=1 shortens).
