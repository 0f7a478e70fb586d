#define HAVE_NATIVE_SETUP
#include "bench.h"
/* Self-modifying code: a loop that patches the immediate of its own ADD instruction. */
extern u8 patch_site[];
void native_setup(void);
#ifdef __x86_64__
/* The x86-64 native build (bench/native.ts, for hosts that cannot run i386 programs): the same
 * instructions, except that the argument arrives in EDI instead of on the stack. */
#define SMC_LOAD_ARGUMENT "  mov %edi, %eax\n"
#else
#define SMC_LOAD_ARGUMENT "  mov 4(%esp), %eax\n"
#endif
__asm__(
  ".text\n"
  ".globl smc_step\n"
  "smc_step:\n"
  SMC_LOAD_ARGUMENT
  "  .byte 0x05\n"            /* add eax, imm32 */
  ".globl patch_site\n"
  "patch_site:\n"
  "  .long 0\n"
  "  ret\n");
u32 smc_step(u32 x);
#ifdef NATIVE
#include <sys/mman.h>
/* Natively the text is read-only: make the page holding the patch site writable too. */
void native_setup(void) { mprotect((void *)((unsigned long)patch_site & ~4095ul), 8192, PROT_READ | PROT_WRITE | PROT_EXEC); }
#endif
u32 workload(u32 scale) {
  u32 sum = 0;
  for (u32 i = 0; i < 1000000u * scale; i++) {
    *(volatile u32 *)patch_site = i * 2654435761u;
    sum = smc_step(sum) ^ (sum >> 3);
  }
  return sum;
}
