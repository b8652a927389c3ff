#include "LibFuzzerMain.h"
#include <stddef.h>
#include <stdint.h>

// From libFuzzer (linked by -sanitize=fuzzer), documented for programs that own main.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
// Defined by each harness with @_cdecl("LLVMFuzzerTestOneInput").
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int libFuzzerMain(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
