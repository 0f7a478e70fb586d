#include "bench.h"
/* memcpy / memset / strlen built on rep movs, rep stos and repne scas. */
static void copy(void *d, const void *s, u32 n) { __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory"); }
static void copy32(void *d, const void *s, u32 n) { __asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(n) : : "memory"); }
static void fill(void *d, u8 v, u32 n) { __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(v) : "memory"); }
static u32 length(const char *s) {
  u32 n = 0xFFFFFFFFu;
  __asm__ volatile("repne scasb" : "+D"(s), "+c"(n) : "a"(0) : "memory");
  return ~n - 1;
}
u32 workload(u32 scale) {
  u8 *a = BIG_BUFFER, *b = BIG_BUFFER + (4u << 20);
  u32 sum = 0;
  for (u32 round = 0; round < 30 * scale; round++) {
    fill(a, (u8)(round + 1), 1u << 20);
    a[(1u << 20) - 1 - round] = 0;
    copy(b, a, 1u << 20);
    copy32(b + 4096, a, (1u << 18) - 1024);
    sum += length((const char *)b) + b[round * 13];
    for (u32 k = 0; k < 2000; k++) { copy(b + k * 64, a + k * 32, 48); b[k * 64 + 47 - (k & 7)] = 0; sum += length((const char *)(b + k * 64 + 40)) & 0xff; }
  }
  return sum;
}
