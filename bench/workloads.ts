/** The benchmark workloads (bench/guests/src/workloads/<name>.c, built to bench/guests/bin/<name>.elf). */
export const WORKLOADS = ["sieve", "crc32", "quicksort", "matmul", "interp", "fib", "randmem", "strings", "smc"] as const;
export type Workload = (typeof WORKLOADS)[number];

/**
 * The scale each workload runs at by default (its `scale=N` command line): about 0.5 s natively on
 * the 2-core machine the targets were set on (measured 0.47-0.54 s), the size of the workloads the
 * peers' figures in ../shared/notes/anchors.md were measured with. At scale 1 the native runs last
 * 20-130 ms, short enough for a JIT's warm-up to dominate (`npm run bench -- --short-runs`
 * measures both).
 */
export const BENCH_SCALES: Readonly<Record<Workload, number>> = {
  sieve: 24,
  crc32: 18,
  quicksort: 9,
  matmul: 15,
  interp: 11,
  fib: 14,
  randmem: 12,
  strings: 24,
  smc: 4,
};
