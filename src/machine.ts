/**
 * A PC: one Cpu (state and RAM in one WebAssembly.Memory), its MMU, the interpreter tier, and the I/O
 * bus that devices hang on. `run` executes the guest in time slices until something ends the run.
 */
import { Cpu, type CpuOptions } from "../runtime/cpu.js";
import { Mmu } from "../runtime/mmu/mmu.js";
import { Interpreter, type ExceptionPolicy } from "../runtime/interpreter/interpreter.js";
import { CpuFault } from "../runtime/exceptions/fault.js";
import { deliverException } from "../runtime/exceptions/deliver.js";
import { ExitReason, State } from "../runtime/state/layout.js";
import { Uart16550 } from "../runtime/devices/uart16550.js";
import { attachDebugExit } from "../runtime/devices/debug-exit.js";

export type StopReason =
  | "debug-exit"
  | "halt"
  | "halt-forever"
  | "triple-fault"
  | "budget"
  | "exception"
  | "stopped"
  | "unsupported";

export interface RunOptions {
  /** Stop after about this many guest instructions (block granular). Default: unlimited. */
  maxInstructions?: number;
}

export interface RunResult {
  reason: StopReason;
  /** With "debug-exit": (value << 1) | 1, as QEMU's isa-debug-exit. */
  exitStatus?: number;
  /** With "exception": the exception that stopped the run (stopOnException). */
  exception?: { vector: number; errorCode: number; eip: number; cr2: number };
  /** Instructions executed by this call. */
  instructions: number;
}

export interface MachineOptions extends CpuOptions {
  /**
   * Stop the run at the first exception instead of delivering it through the IVT/IDT (used by the
   * conformance runner, which compares the exception itself).
   */
  stopOnException?: boolean;
  /** Instructions per time slice between device/interrupt checks. */
  sliceInstructions?: number;
  /** Receives every byte the guest writes to COM1 (default: collected in `serialOutput`). */
  onSerialOutput?: (byte: number) => void;
}

const EXIT_REASONS: Record<number, StopReason> = {
  [ExitReason.HaltForever]: "halt-forever",
  [ExitReason.Halt]: "halt",
  [ExitReason.DebugExit]: "debug-exit",
  [ExitReason.TripleFault]: "triple-fault",
  [ExitReason.Exception]: "exception",
  [ExitReason.Stopped]: "stopped",
  [ExitReason.Budget]: "budget",
  [ExitReason.Unsupported]: "unsupported",
};

export class Machine {
  readonly cpu: Cpu;
  readonly mmu: Mmu;
  readonly interpreter: Interpreter;
  /** COM1 (0x3F8). */
  readonly serial: Uart16550;
  /** What the guest wrote to COM1, when no onSerialOutput callback was given. */
  readonly serialOutput: number[] = [];
  private readonly sliceInstructions: number;
  /** Called between time slices: devices advance and raise interrupts here. */
  readonly sliceListeners: ((machine: Machine) => void)[] = [];

  constructor(options: MachineOptions = {}) {
    this.cpu = new Cpu(options);
    this.mmu = new Mmu(this.cpu);
    this.cpu.mmu = this.mmu;
    const policy: ExceptionPolicy = options.stopOnException ? stopOnException : deliverThroughGuest;
    this.interpreter = new Interpreter(
      this.cpu,
      policy,
      (page) => this.mmu.markCode(page),
      (page) => this.mmu.unmarkCode(page),
    );
    this.sliceInstructions = options.sliceInstructions ?? 100_000;
    this.serial = new Uart16550(options.onSerialOutput ?? ((byte) => this.serialOutput.push(byte)));
    this.serial.attach(this.cpu.io);
    attachDebugExit(this.cpu);
  }

  /** COM1 output collected so far, as text. */
  serialText(): string {
    return Buffer.from(this.serialOutput).toString("latin1");
  }

  /** Run the guest until it exits, halts for good, faults fatally or the budget runs out. */
  run(options: RunOptions = {}): RunResult {
    const cpu = this.cpu;
    const max = options.maxInstructions ?? Number.POSITIVE_INFINITY;
    let executed = 0;
    cpu.setField(State.exitReason, ExitReason.None);
    cpu.setField(State.stopRequest, 0);
    for (;;) {
      if (cpu.field(State.halted) !== 0) {
        // Nothing can wake the CPU until interrupt-raising devices exist on the bus.
        cpu.setField(State.exitReason, ExitReason.Halt);
        break;
      }
      const slice = Math.min(this.sliceInstructions, max - executed);
      if (slice <= 0) {
        cpu.setField(State.exitReason, ExitReason.Budget);
        break;
      }
      executed += this.interpreter.run(slice);
      for (const listener of this.sliceListeners) listener(this);
      if (cpu.field(State.stopRequest) !== 0) {
        cpu.setField(State.stopRequest, 0);
        if (cpu.field(State.exitReason) === ExitReason.None) cpu.setField(State.exitReason, ExitReason.Stopped);
        break;
      }
    }
    addInstructionCount(cpu, executed);
    return this.result(executed);
  }

  /** Ask a running `run` to return at the next block boundary (from a device callback). */
  stop(): void {
    this.cpu.setField(State.stopRequest, 1);
  }

  private result(executed: number): RunResult {
    const cpu = this.cpu;
    const reason = EXIT_REASONS[cpu.field(State.exitReason)] ?? "stopped";
    const result: RunResult = { reason, instructions: executed };
    if (reason === "debug-exit") result.exitStatus = cpu.field(State.exitValue);
    if (reason === "exception") {
      result.exception = {
        vector: cpu.field(State.exitValue),
        errorCode: cpu.field(State.scratch),
        eip: cpu.eip,
        cr2: cpu.field(State.cr2) >>> 0,
      };
    }
    return result;
  }
}

/** Deliver faults through the guest's IVT/IDT (double and triple faults handled there). */
const deliverThroughGuest: ExceptionPolicy = {
  deliver(cpu: Cpu, fault: CpuFault): void {
    deliverException(cpu, fault.vector, fault.errorCode);
  },
};

/** Record the fault and stop: EIP stays on the faulting instruction. */
const stopOnException: ExceptionPolicy = {
  deliver(cpu: Cpu, fault: CpuFault): void {
    cpu.setField(State.exitReason, ExitReason.Exception);
    cpu.setField(State.exitValue, fault.vector);
    cpu.setField(State.scratch, fault.errorCode);
    cpu.setField(State.stopRequest, 1);
  },
};

function addInstructionCount(cpu: Cpu, count: number): void {
  const low = cpu.field(State.instructionCount) >>> 0;
  const high = cpu.field(State.instructionCount + 4) >>> 0;
  const total = low + count;
  cpu.setField(State.instructionCount, total | 0);
  cpu.setField(State.instructionCount + 4, (high + Math.floor(total / 4294967296)) | 0);
}
