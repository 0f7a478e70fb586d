#include "bench.h"
/* Random read-modify-write over 32 MiB, with paging on in the guest (identity map, 4 KiB pages). */
int wants_paging = 1;
u32 workload(u32 scale) {
  u32 *words = (u32 *)BIG_BUFFER;
  const u32 count = (32u << 20) / 4;
  for (u32 i = 0; i < count; i += 1024) words[i] = i;
  u32 x = 88172645u, sum = 0;
  for (u32 i = 0; i < 6000000u * scale; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    u32 *p = &words[x & (count - 1)];
    *p += x;
    sum ^= *p;
  }
  return sum;
}
