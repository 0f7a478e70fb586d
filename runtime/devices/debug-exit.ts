/**
 * The debug-exit port (as QEMU's isa-debug-exit at 0xF4): a write of v ends the run with exit status
 * (v << 1) | 1, so that a guest can report success or failure to the host.
 */
import type { Cpu } from "../cpu.js";
import { ExitReason, State } from "../state/layout.js";

export const DEBUG_EXIT_PORT = 0xf4;

export function attachDebugExit(cpu: Cpu, port = DEBUG_EXIT_PORT): void {
  cpu.io.register(port, 1, {
    write: (_port, value) => {
      cpu.setField(State.exitReason, ExitReason.DebugExit);
      cpu.setField(State.exitValue, ((value << 1) | 1) >>> 0);
      cpu.setField(State.stopRequest, 1);
    },
  });
}
