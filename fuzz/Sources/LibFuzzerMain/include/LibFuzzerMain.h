// libFuzzer's main, for Swift executables (SwiftPM gives every executable a
// main of its own, so libFuzzer's own main never links in; main.swift calls this).
#ifndef LIB_FUZZER_MAIN_H
#define LIB_FUZZER_MAIN_H

/// Runs libFuzzer with the command line on the harness's LLVMFuzzerTestOneInput.
int libFuzzerMain(int argc, char **argv);

#endif
