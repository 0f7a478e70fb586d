#include "bench.h"
/* Sieve of Eratosthenes over 1,000,000 numbers, repeated. */
u32 workload(u32 scale) {
  u8 *flags = BIG_BUFFER;
  u32 count = 0;
  for (u32 round = 0; round < 8 * scale; round++) {
    const u32 n = 1000000;
    for (u32 i = 0; i < n; i++) flags[i] = 1;
    count = 0;
    for (u32 i = 2; i < n; i++) {
      if (!flags[i]) continue;
      count++;
      for (u32 j = i + i; j < n; j += i) flags[j] = 0;
    }
  }
  return count;
}
