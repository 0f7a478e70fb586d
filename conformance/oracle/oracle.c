/*
 * warp86's hardware oracle: runs instruction snippets natively in a 32-bit Linux process (CPL 3,
 * paging on) and prints the final state, or the exception the snippet raised.
 *
 * Input, one vector per line (all numbers hex):
 *   id codeAddress codeBytes eax ecx edx ebx esp ebp esi edi eflags pageCount {address perm seed}...
 *   perm: 1 = read-only, 3 = read/write, 5 = read/execute (the code page)
 *   Page contents are xorshift32(seed) bytes (see conformance/page-content.ts); the code bytes are
 *   then written at codeAddress, followed by an INT3 that ends the snippet.
 * Output, one line per vector:
 *   id status eax ecx edx ebx esp ebp esi edi eflags eip trapno error cr2 ds es fs changeCount {address byte}...
 *   status: 0 completed, 1 exception, 2 timed out, 3 could not map the pages
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/time.h>

#define MAX_PAGES 8
#define PAGE 4096

struct page { uint32_t address, perm, seed; };
static uint32_t regs[10]; /* eax ecx edx ebx esp ebp esi edi eflags */
uint32_t snippet_regs[9];
uint32_t snippet_target;
static sigjmp_buf back;
static volatile uint32_t result[16];
static volatile int status;
static uint32_t terminator;

extern void enter_snippet(void);
__asm__(
  ".text\n.globl enter_snippet\nenter_snippet:\n"
  "  mov $snippet_regs, %esi\n"
  "  pushl 32(%esi)\n"
  "  popfl\n"
  "  mov 0(%esi), %eax\n  mov 4(%esi), %ecx\n  mov 8(%esi), %edx\n  mov 12(%esi), %ebx\n"
  "  mov 16(%esi), %esp\n  mov 20(%esi), %ebp\n  mov 28(%esi), %edi\n  mov 24(%esi), %esi\n"
  "  jmp *snippet_target\n");

static void handler(int sig, siginfo_t *info, void *context) {
  (void)info;
  ucontext_t *uc = context;
  greg_t *g = uc->uc_mcontext.gregs;
  result[0] = g[REG_EAX]; result[1] = g[REG_ECX]; result[2] = g[REG_EDX]; result[3] = g[REG_EBX];
  result[4] = g[REG_ESP]; result[5] = g[REG_EBP]; result[6] = g[REG_ESI]; result[7] = g[REG_EDI];
  result[8] = g[REG_EFL]; result[9] = g[REG_EIP]; result[10] = g[REG_TRAPNO]; result[11] = g[REG_ERR];
  result[12] = uc->uc_mcontext.cr2; result[13] = g[REG_DS]; result[14] = g[REG_ES]; result[15] = g[REG_FS];
  if (sig == SIGALRM) status = 2;
  else if (sig == SIGTRAP && g[REG_TRAPNO] == 3 && (uint32_t)g[REG_EIP] == terminator + 1) status = 0;
  else status = 1;
  siglongjmp(back, 1);
}

static uint32_t xorshift(uint32_t *s) {
  uint32_t x = *s;
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  return *s = x;
}

static void fill(uint8_t *p, uint32_t seed) {
  uint32_t s = seed ? seed : 1;
  for (int i = 0; i < PAGE; i++) p[i] = (uint8_t)xorshift(&s);
}

static int hexbytes(const char *text, uint8_t *out, int max) {
  int n = 0;
  while (text[0] && text[1] && n < max) {
    unsigned v;
    sscanf(text, "%2x", &v);
    out[n++] = (uint8_t)v;
    text += 2;
  }
  return n;
}

int main(void) {
  static char line[65536];
  static uint8_t code[4096], initial[MAX_PAGES][PAGE];
  static char codehex[8192];
  stack_t alt = { .ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0 };
  sigaltstack(&alt, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  int signals[] = { SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS, SIGALRM };
  for (unsigned k = 0; k < sizeof signals / sizeof *signals; k++) sigaction(signals[k], &sa, 0);

  while (fgets(line, sizeof line, stdin)) {
    char id[64];
    uint32_t codeAddress, pageCount;
    struct page pages[MAX_PAGES];
    int used = 0, pos = 0;
    if (sscanf(line, "%63s %x %8191s %x %x %x %x %x %x %x %x %x %x%n", id, &codeAddress, codehex, &regs[0], &regs[1], &regs[2],
               &regs[3], &regs[4], &regs[5], &regs[6], &regs[7], &regs[8], &pageCount, &used) < 13) continue;
    pos = used;
    int codeLength = hexbytes(codehex, code, sizeof code);
    if (pageCount > MAX_PAGES) pageCount = MAX_PAGES;
    int ok = 1;
    for (uint32_t k = 0; k < pageCount; k++) {
      if (sscanf(line + pos, " %x %x %x%n", &pages[k].address, &pages[k].perm, &pages[k].seed, &used) < 3) ok = 0;
      pos += used;
      void *p = mmap((void *)pages[k].address, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
      if (p != (void *)pages[k].address) { ok = 0; pageCount = k; break; }
      fill(p, pages[k].seed);
      if (codeAddress >= pages[k].address && codeAddress < pages[k].address + PAGE) {
        memcpy((uint8_t *)p + (codeAddress - pages[k].address), code, codeLength);
        ((uint8_t *)p)[codeAddress - pages[k].address + codeLength] = 0xCC;
      }
      memcpy(initial[k], p, PAGE);
    }
    if (ok) {
      for (uint32_t k = 0; k < pageCount; k++) {
        int prot = pages[k].perm == 1 ? PROT_READ : pages[k].perm == 3 ? PROT_READ | PROT_WRITE : PROT_READ | PROT_EXEC;
        mprotect((void *)pages[k].address, PAGE, prot);
      }
      terminator = codeAddress + codeLength;
      memcpy(snippet_regs, regs, sizeof snippet_regs);
      snippet_target = codeAddress;
      struct itimerval timer = { { 0, 0 }, { 0, 200000 } };
      if (sigsetjmp(back, 1) == 0) {
        setitimer(ITIMER_REAL, &timer, 0);
        enter_snippet();
      }
      struct itimerval off = { { 0, 0 }, { 0, 0 } };
      setitimer(ITIMER_REAL, &off, 0);
      __asm__ volatile("mov $0x2b, %%ax; mov %%ax, %%ds; mov %%ax, %%es; xor %%eax, %%eax; mov %%ax, %%fs" : : : "eax");
      printf("%s %d", id, status);
      for (int k = 0; k < 16; k++) printf(" %x", result[k]);
      int changes = 0;
      static char changed[PAGE * MAX_PAGES * 12];
      int length = 0;
      for (uint32_t k = 0; k < pageCount; k++) {
        if (pages[k].perm != 3) continue;
        uint8_t *p = (uint8_t *)pages[k].address;
        for (int i = 0; i < PAGE; i++) {
          if (p[i] != initial[k][i]) {
            length += sprintf(changed + length, " %x %x", pages[k].address + i, p[i]);
            changes++;
          }
        }
      }
      printf(" %x%s\n", changes, changed);
    } else {
      printf("%s 3\n", id);
    }
    for (uint32_t k = 0; k < pageCount; k++) munmap((void *)pages[k].address, PAGE);
    fflush(stdout);
  }
  return 0;
}
