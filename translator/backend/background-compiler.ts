/**
 * Compilation off the main thread (Node.js worker threads). A hot region is handed to the worker
 * (translator/backend/compile-worker.ts) as instruction bytes; until its module comes back, the
 * block keeps running in the interpreter (its CompiledCode says `ready: false`) and its dispatcher
 * slot holds the stale stub. The main thread polls the result port without waiting
 * (receiveMessageOnPort), so the run loop stays synchronous, and installs the module: the worker
 * compiled it already (with the engine's optimizing tier), the main thread only instantiates it.
 *
 * The worker loads its own Binaryen (while the main thread loads its own modules) and is waited for
 * once, when the translator is enabled. A region whose bytes change while it compiles was already
 * dropped (the block's translation is released, its slot freed): its result is thrown away.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { CompileRequest, CompileResult } from "./compile-worker.js";
import type { BlockMode } from "./compile-block.js";

/** What the main thread keeps of a region sent to the worker; the result is recorded in it. */
export interface CompileTarget {
  /** Filled when the module is installed: the entry functions by EIP. */
  functions?: ReadonlyMap<number, () => number>;
  /** The worker could not compile it: its blocks stay interpreted. */
  failed?: boolean;
}

export interface WorkerLocation {
  /** The worker's module. */
  entry: URL;
  /** Module hooks the worker must register first (running the TypeScript sources), or null. */
  hooks: URL | null;
}

export class BackgroundCompiler<Target extends CompileTarget> {
  private nextId = 1;
  private readonly inFlight = new Map<number, Target>();
  /** Seconds the worker spent emitting modules. */
  workerSeconds = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly results: MessagePort,
  ) {}

  static async start<Target extends CompileTarget>(location: WorkerLocation): Promise<BackgroundCompiler<Target>> {
    const { port1, port2 } = new MessageChannel();
    // A CommonJS bootstrap (eval) so that the hooks can be registered before the worker's module loads.
    const bootstrap = `
      const { workerData } = require("node:worker_threads");
      if (workerData.hooks) require("node:module").register(workerData.hooks);
      import(workerData.entry).catch((error) => { console.error(error); process.exit(1); });`;
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { entry: location.entry.href, hooks: location.hooks?.href ?? null, port: port2 },
      transferList: [port2],
    });
    await new Promise<void>((resolve, reject) => {
      port1.once("message", () => resolve());
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`compile worker exited (${code}) before it was ready`)));
    });
    worker.removeAllListeners("exit");
    worker.removeAllListeners("error");
    worker.on("error", (error) => console.error("warp86: compile worker failed:", error));
    // The worker must not keep the process alive, and results are polled, not delivered as events.
    worker.unref();
    port1.unref();
    return new BackgroundCompiler<Target>(worker, port1);
  }

  /** Send a region; `code` holds its instructions' bytes, `lengths` each one's length. */
  request(code: Uint8Array<ArrayBuffer>, lengths: number[], eips: number[], eip: number, mode: BlockMode, region: Target): void {
    const id = this.nextId++;
    this.inFlight.set(id, region);
    const request: CompileRequest = { id, code, lengths, eips, eip, mode };
    this.worker.postMessage(request, [code.buffer]);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /**
   * Install every module that has come back, instantiated against `imports`; `install` fills the
   * slots of the handles still waiting. Returns the seconds spent on the main thread doing it.
   */
  poll(imports: Record<string, unknown>, install: (region: Target) => void, fail: (region: Target) => void): number {
    if (this.inFlight.size === 0) return 0;
    const started = performance.now();
    for (let message = receiveMessageOnPort(this.results); message !== undefined; message = receiveMessageOnPort(this.results)) {
      const result = message.message as CompileResult;
      const region = this.inFlight.get(result.id);
      if (region === undefined) continue;
      this.inFlight.delete(result.id);
      this.workerSeconds += result.seconds;
      if ("error" in result) {
        if (process.env.WARP86_DEBUG) console.error("warp86: background translation failed:", result.error);
        region.failed = true;
        fail(region);
        continue;
      }
      const instance = new WebAssembly.Instance(result.module, { env: imports as WebAssembly.ModuleImports });
      region.functions = new Map(result.entries.map((at, ordinal) => [at, instance.exports[`entry${ordinal}`] as () => number]));
      install(region);
    }
    return (performance.now() - started) / 1000;
  }
}
