/** Flat binaries: raw bytes at a physical address, entered in real mode or 32-bit protected mode. */
import type { Cpu } from "../../runtime/cpu.js";
import { enterFlatProtectedMode, enterRealMode } from "../../runtime/state/reset.js";
import { ImageError } from "./errors.js";

export interface FlatOptions {
  address: number;
  mode: "real" | "protected";
  /** Entry point; defaults to the load address. */
  entry?: number;
}

export function loadFlat(cpu: Cpu, image: Uint8Array, options: FlatOptions): void {
  if (image.length === 0) throw new ImageError("flat image is empty");
  if (options.address < 0 || options.address + image.length > cpu.ramSize) {
    throw new ImageError(`flat image of ${image.length} bytes at 0x${options.address.toString(16)} does not fit in RAM`);
  }
  const entry = options.entry ?? options.address;
  if (options.mode === "real") {
    if (entry > 0xfffff) throw new ImageError("real-mode entry point must be below 1 MiB");
    enterRealMode(cpu, (entry >>> 4) & 0xf000, entry - (((entry >>> 4) & 0xf000) << 4));
  } else {
    enterFlatProtectedMode(cpu, entry);
  }
  cpu.writePhysicalBytes(options.address, image);
}
