/* fuzz.h — what every libFuzzer target in fuzz/ shares: the entry point's prototype and
 * FUZZ_CHECK, the oracle that turns a broken invariant into a crash libFuzzer records (with
 * the expression, file and line). Targets include the server's contracts (the headers in src/) and call
 * only what those headers offer. Built only by `make SAN=fuzz fuzz-build` (clang). */
#ifndef QR_FUZZ_H
#define QR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz: invariant broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

#endif
