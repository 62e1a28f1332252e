/*
 * fuzz.h - the one entry point every fuzz target in tests/fuzz/ defines (libFuzzer's contract).
 * libFuzzer and AFL++ call it with each generated input; tests/fuzz/replay.c calls it with the
 * seed files so `make check` replays the corpus as a regression test under gcc.
 * A target returns 0 and aborts (crashes) only when it finds a bug: a property that must hold for
 * every input did not.
 */
#ifndef OSSIM_TESTS_FUZZ_H
#define OSSIM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Feed one input of size bytes (not NUL-terminated) to the code under test. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
