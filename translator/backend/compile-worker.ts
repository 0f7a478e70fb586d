/**
 * The background compiler (a worker thread; src/translator-tier.ts starts it when the translator is
 * enabled with `background: true`): it receives a region as instruction bytes and EIPs, decodes it
 * again (the decoder is deterministic), emits the module with Binaryen, compiles it, and sends the
 * compiled module back on the port it was given. The main thread keeps interpreting meanwhile and
 * installs the module when it polls (translator/backend/background-compiler.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { decode } from "../decoder/decode.js";
import { semanticKey } from "../isa/opcodes.js";
import { SEMANTICS } from "../semantics/index.js";
import type { Instruction } from "../isa/types.js";
import { emitBlockModule, warmUpEmitter, type BlockMode } from "./compile-block.js";

export interface CompileRequest {
  id: number;
  /** The region's instruction bytes, one after another, and each one's length. */
  code: Uint8Array;
  lengths: number[];
  eips: number[];
  eip: number;
  mode: BlockMode;
}

export type CompileResult =
  | { id: number; module: WebAssembly.Module; entries: number[]; seconds: number }
  | { id: number; error: string; seconds: number };

// The worker compiles each module too, with the engine's optimizing tier at once (compilation hints,
// branch-hints.ts), and posts the compiled module: the main thread only instantiates it, and runs
// optimized code from the first call. V8 shares compiled wasm between the threads of a process.
const v8 = await import("node:v8");
v8.setFlagsFromString("--experimental-wasm-compilation-hints");

const results = (workerData as { port: MessagePort }).port;

parentPort!.on("message", (request: CompileRequest) => {
  const started = performance.now();
  try {
    const instructions: Instruction[] = [];
    let at = 0;
    for (const length of request.lengths) {
      const instruction = decode(request.code, at, at + length, request.mode.code16 ? 16 : 32);
      if (typeof instruction === "number" || instruction.length !== length) throw new Error(`instruction at ${at} does not decode as before`);
      instructions.push(instruction);
      at += length;
    }
    const semantics = instructions.map((i) => SEMANTICS[semanticKey(i.row)]);
    const { bytes, entries } = emitBlockModule(instructions, semantics, request.eip, request.mode, { eips: request.eips, optimizeEagerly: true });
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const result: CompileResult = { id: request.id, module, entries, seconds: (performance.now() - started) / 1000 };
    results.postMessage(result);
  } catch (error) {
    results.postMessage({ id: request.id, error: String(error), seconds: (performance.now() - started) / 1000 } satisfies CompileResult);
  }
});
warmUpEmitter();
results.postMessage({ ready: true });
