#include "bench.h"
/* Deep recursion: call/ret dominated. */
static u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
u32 workload(u32 scale) {
  u32 sum = 0;
  for (u32 round = 0; round < 40 * scale; round++) sum += fib(30);
  return sum;
}
