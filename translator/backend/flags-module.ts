/**
 * The lazy-flag runtime of compiled code, in WebAssembly: `keepFlags(mask)`, `getFlag(bit)` and
 * `condition(cc)` read the flag record that State holds (translator/semantics/flags.ts) when a region
 * does not know it statically (at its entry, after a helper). Compiled regions import these instead
 * of the JavaScript versions, so the call stays in wasm (a few ns against ~100 ns for a call into JS).
 *
 * The code is generated from the same formulas as everything else (flagsFromRecord,
 * conditionFromFlags) by a WasmBuilder, one case per (operation, size) the record can hold.
 */
import binaryen from "binaryen";
import { ARITHMETIC_FLAGS, conditionFromFlags, encodeLazyOp, FLAG_OP_COUNT, flagsFromRecord, type FlagOp } from "../semantics/flags.js";
import type { Size } from "../semantics/builder.js";
import { State } from "../../runtime/state/layout.js";
import { WasmBuilder, type Value } from "./wasm-builder.js";

const i32 = binaryen.i32;
const SIZES: Size[] = [32, 8, 16];

export interface FlagFunctions {
  keepFlags(mask: number): void;
  getFlag(bit: number): number;
  condition(cc: number): number;
}

function emitFlagsModule(): Uint8Array {
  const m = new binaryen.Module();
  try {
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.SignExt);
    m.addMemoryImport("0", "env", "memory");
    const load = (offset: number) => m.i32.load(offset, 4, m.i32.const(0));

    // recordFlags(): all six arithmetic flags of the stored record, in their EFLAGS positions.
    {
      const builder = new WasmBuilder(m, false, false, true, 0);
      const word = builder.locals.push(i32) - 1;
      const result: Value = { local: builder.locals.push(i32) - 1 };
      const src1: Value = { local: builder.locals.push(i32) - 1 };
      const src2: Value = { local: builder.locals.push(i32) - 1 };
      const cases: number[] = [];
      for (let op = 0; op < FLAG_OP_COUNT; op++) {
        for (const size of SIZES) {
          const value = flagsFromRecord(builder, op as FlagOp, size, result, src1, src2, ARITHMETIC_FLAGS);
          const statements = builder.takeStatements();
          cases.push(m.if(m.i32.eq(m.local.get(word, i32), m.i32.const(encodeLazyOp(op as FlagOp, size))), m.return(m.block(null, [...statements, builder.get(value)], i32))));
        }
      }
      const body = m.block(null, [
        m.local.set(word, load(State.lazyOp)),
        m.local.set(result.local, load(State.lazyResult)),
        m.local.set(src1.local, load(State.lazySrc1)),
        m.local.set(src2.local, load(State.lazySrc2)),
        ...cases,
        m.unreachable(), // no other record is ever stored
      ], i32);
      m.addFunction("recordFlags", binaryen.none, i32, builder.locals, body);
    }

    // The arithmetic flags as they are: exact ones from EFLAGS, pending ones from the record.
    // (The record is read only while some flag is pending: otherwise it may hold anything.)
    const currentFlags = () =>
      m.if(
        m.i32.eqz(load(State.lazyPending)),
        load(State.eflags),
        m.i32.or(
          m.i32.and(load(State.eflags), m.i32.xor(load(State.lazyPending), m.i32.const(-1))),
          m.i32.and(m.call("recordFlags", [], i32), load(State.lazyPending)),
        ),
      );

    // keepFlags(mask): the pending flags in mask computed into EFLAGS and marked exact (ImmediateBuilder.materialize).
    m.addFunction("keepFlags", binaryen.createType([i32]), binaryen.none, [i32], m.block(null, [
      m.local.set(1, m.i32.and(m.i32.and(m.local.get(0, i32), load(State.lazyPending)), m.i32.const(ARITHMETIC_FLAGS))),
      m.if(m.i32.eqz(m.local.get(1, i32)), m.return()),
      m.i32.store(State.eflags, 4, m.i32.const(0), m.i32.or(
        m.i32.and(load(State.eflags), m.i32.xor(m.local.get(1, i32), m.i32.const(-1))),
        m.i32.and(m.call("recordFlags", [], i32), m.local.get(1, i32)),
      )),
      m.i32.store(State.lazyPending, 4, m.i32.const(0), m.i32.and(load(State.lazyPending), m.i32.xor(m.local.get(1, i32), m.i32.const(-1)))),
    ], binaryen.none));

    // getFlag(bit): 0 or 1, without changing the state.
    m.addFunction("getFlag", binaryen.createType([i32]), i32, [], m.i32.ne(m.i32.and(currentFlags(), m.local.get(0, i32)), m.i32.const(0)));

    // condition(cc): condition code cc (0..15) of the current flags, by the same formulas as the tiers.
    {
      const builder = new WasmBuilder(m, false, false, true, 0);
      const cc = builder.locals.push(i32) - 1; // the parameter
      const flags = builder.locals.push(i32) - 1;
      const cases: number[] = [];
      for (let code = 0; code < 16; code++) {
        const value = conditionFromFlags(builder, code, (bit) => builder.ne(builder.and({ local: flags }, builder.constant(bit)), builder.constant(0)));
        const statements = builder.takeStatements();
        cases.push(m.if(m.i32.eq(m.local.get(cc, i32), m.i32.const(code)), m.return(m.block(null, [...statements, builder.get(value)], i32))));
      }
      const body = m.block(null, [m.local.set(flags, currentFlags()), ...cases, m.unreachable()], i32);
      m.addFunction("condition", binaryen.createType([i32]), i32, builder.locals.slice(1), body);
    }
    for (const name of ["keepFlags", "getFlag", "condition"]) m.addFunctionExport(name, name);
    if (!m.validate()) throw new Error("flags module is invalid");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

let compiled: WebAssembly.Module | undefined;

/** The flag functions, bound to one machine's memory. */
export function createFlagFunctions(memory: WebAssembly.Memory): FlagFunctions {
  compiled ??= new WebAssembly.Module(emitFlagsModule() as Uint8Array<ArrayBuffer>);
  return new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as FlagFunctions;
}
