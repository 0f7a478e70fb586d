/*
 * One source, two builds: -DGUEST (a multiboot kernel printing over COM1, run by warp86) and
 * -DNATIVE (a Linux i386 program). Both print "BENCH START", run the workload, then
 * "BENCH END <checksum>"; the native build also prints the elapsed nanoseconds it measured itself.
 * The workload size is scaled by "scale=N" (kernel command line / argv[1]).
 */
#ifndef BENCH_H
#define BENCH_H
typedef unsigned int u32;
typedef unsigned char u8;

#ifdef GUEST
#include "../guest.h"
static void say(const char *s) { puts_serial(s); }
static void say_hex(u32 v) { puthex(v); }
static u32 parse_scale(const char *cmdline) {
  u32 scale = 1;
  for (const char *p = cmdline; p && *p; p++) {
    if (p[0] == 's' && p[1] == 'c' && p[2] == 'a' && p[3] == 'l' && p[4] == 'e' && p[5] == '=') {
      scale = 0;
      for (p += 6; *p >= '0' && *p <= '9'; p++) scale = scale * 10 + (u32)(*p - '0');
      break;
    }
  }
  return scale ? scale : 1;
}
static void paging_identity_64m(void);
u32 workload(u32 scale);
/* A workload that defines wants_paging = 1 runs with paging on (identity map of 64 MiB). */
__attribute__((weak)) int wants_paging;
int main(u32 magic, u32 *info) {
  u32 scale = (magic == 0x2BADB002 && (info[0] & 4)) ? parse_scale((const char *)info[4]) : 1;
  if (wants_paging) paging_identity_64m();
  say("BENCH START\r\n");
  u32 result = workload(scale);
  say("BENCH END ");
  say_hex(result);
  say("\r\n");
  return 0;
}
static u32 page_directory[1024] __attribute__((aligned(4096)));
static u32 page_tables[16][1024] __attribute__((aligned(4096)));
static void paging_identity_64m(void) {
  for (u32 t = 0; t < 16; t++) {
    for (u32 i = 0; i < 1024; i++) page_tables[t][i] = ((t * 1024 + i) << 12) | 3;
    page_directory[t] = (u32)page_tables[t] | 3;
  }
  __asm__ volatile("mov %0, %%cr3; mov %%cr0, %%eax; or $0x80000000, %%eax; mov %%eax, %%cr0" : : "r"(page_directory) : "eax", "memory");
}
#define BIG_BUFFER ((u8 *)0x01000000) /* 16 MiB: above the kernel, inside the identity map */
#else
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
u32 workload(u32 scale);
static u8 *BIG_BUFFER_storage;
#ifndef HAVE_NATIVE_SETUP
static void native_setup(void) {}
#else
void native_setup(void);
#endif
#define BIG_BUFFER BIG_BUFFER_storage
int main(int argc, char **argv) {
  u32 scale = argc > 1 ? (u32)atoi(argv[1]) : 1;
  native_setup();
  BIG_BUFFER_storage = malloc(48u << 20);
  struct timespec a, b;
  printf("BENCH START\n");
  clock_gettime(CLOCK_MONOTONIC, &a);
  u32 result = workload(scale ? scale : 1);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("BENCH END %08x\nBENCH NS %lld\n", result, (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
  return 0;
}
#endif
#endif
