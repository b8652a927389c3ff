// Hands the process to libFuzzer, which calls LLVMFuzzerTestOneInput in Harness.swift.
import Glibc
import LibFuzzerMain

exit(libFuzzerMain(CommandLine.argc, CommandLine.unsafeArgv))
