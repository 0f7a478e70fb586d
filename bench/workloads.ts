/** The benchmark workloads (bench/guests/src/workloads/<name>.c, built to bench/guests/bin/<name>.elf). */
export const WORKLOADS = ["sieve", "crc32", "quicksort", "matmul", "interp", "fib", "randmem", "strings", "smc"] as const;
