#include "bench.h"
/* A switch-dispatched bytecode interpreter running a counting loop with arithmetic. */
enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, POP, XOR, HALT };
static const int program[] = {
  PUSH, 0,            /* acc */
  PUSH, 0,            /* counter placeholder, replaced at run time */
  /* loop: stack = acc counter */
  SWAP, PUSH, 7, MUL, PUSH, 3, ADD, PUSH, 0x5bd1e995, XOR, SWAP,
  DEC, DUP, JNZ, 4,
  POP, HALT,
};
u32 workload(u32 scale) {
  int stack[64];
  u32 total = 0;
  for (u32 round = 0; round < scale; round++) {
    int sp = 0, pc = 0;
    for (;;) {
      int op = program[pc++];
      switch (op) {
        case PUSH: stack[sp++] = (pc == 3) ? 3000000 : program[pc]; pc++; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case SWAP: { int t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case DEC: stack[sp - 1]--; break;
        case JNZ: sp--; if (stack[sp]) pc = program[pc]; else pc++; break;
        case POP: sp--; break;
        case HALT: goto done;
      }
    }
  done:
    total += (u32)stack[0];
  }
  return total;
}
