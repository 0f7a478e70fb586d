/**
 * The small functions every region module shares between its call sites (wasm-builder.ts): the
 * region exit and one slow-path function per runtime import. A call site passes what the runtime may
 * observe (eight registers, the lazy flag record, the instruction bookkeeping) as arguments, and the
 * function stores it: about a third of the code of the stores written out at every memory access.
 */
import binaryen from "binaryen";
import { State } from "../../runtime/state/layout.js";

type Expression = number;

/** The flag-record argument that means "the record is in memory already". */
export const NO_FLAG_STORE = -1;

const i32 = binaryen.i32;

function storeField(m: binaryen.Module, offset: number, value: Expression): Expression {
  return m.i32.store(offset, 4, m.i32.const(0), value);
}

/** The five lazy-flag fields of the state block, stored from five values (op word first). */
export function lazyRecordStores(m: binaryen.Module, fields: readonly Expression[]): Expression[] {
  return [State.lazyOp, State.lazyResult, State.lazySrc1, State.lazySrc2, State.lazyPending].map((offset, n) => storeField(m, offset, fields[n]!));
}

/**
 * In a shared function, the stores of what its caller passed from parameter `first` on: eight
 * registers (those in `registersWritten` are stored), then the flag record unless it is NO_FLAG_STORE.
 */
function savedStateStores(m: binaryen.Module, first: number, registersWritten: number): Expression[] {
  const param = (n: number) => m.local.get(n, i32);
  const registerStores: Expression[] = [];
  for (let n = 0; n < 8; n++) {
    if (registersWritten & (1 << n)) registerStores.push(storeField(m, State.regs + 4 * n, param(first + n)));
  }
  const flags = [0, 1, 2, 3, 4].map((n) => param(first + 8 + n));
  return [m.if(m.i32.ne(param(first + 8), m.i32.const(NO_FLAG_STORE)), m.block(null, lazyRecordStores(m, flags), binaryen.none)), ...registerStores];
}

/** `region_exit`: (exit code, next EIP, retired, eight registers, flag record or NO_FLAG_STORE) → the exit code. */
export function addRegionExitFunction(m: binaryen.Module, registersWritten: number): void {
  const param = (n: number) => m.local.get(n, i32);
  const body = m.block(null, [
    ...savedStateStores(m, 3, registersWritten),
    storeField(m, State.eip, param(1)),
    storeField(m, State.retired, param(2)),
    m.return(param(0)),
  ], binaryen.none);
  m.addFunction("region_exit", binaryen.createType(Array(16).fill(i32)), i32, [], body);
}

/**
 * `slow_<import>` for each import name: (the import's three operands, instruction EIP, next EIP,
 * retired, the eight registers, the flag record or NO_FLAG_STORE) → stores what the runtime may
 * observe and calls the import.
 */
export function addSlowPathFunctions(m: binaryen.Module, imports: Iterable<string>, registersWritten: number): void {
  const param = (n: number) => m.local.get(n, i32);
  for (const name of imports) {
    const body = m.block(null, [
      ...savedStateStores(m, 6, registersWritten),
      storeField(m, State.instructionEip, param(3)),
      storeField(m, State.eip, param(4)),
      storeField(m, State.retired, param(5)),
      m.return(m.call(name, [param(0), param(1), param(2)], i32)),
    ], binaryen.none);
    m.addFunction(`slow_${name}`, binaryen.createType(Array(19).fill(i32)), i32, [], body);
  }
}
