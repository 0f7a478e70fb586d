/**
 * One guest run under the v86 emulator (the `v86` npm package), in a process of its own
 * (bench/peers.ts starts it): node src/cli/run-typescript.mjs bench/v86-guest.ts <kernel.elf> [cmdline]
 * v86 loads multiboot kernels itself (no BIOS image needed). Prints one JSON line: the time between
 * the guest's BENCH START and BENCH END lines on COM1, and the checksum. v86 ends the run with an
 * exception ("HALT") when the guest writes the exit port 0xF4, after the serial lines are out.
 */
import { readFileSync } from "node:fs";
import { SerialMarkers } from "./serial-markers.js";

const kernel = readFileSync(process.argv[2]!);
const { V86 } = (await import("v86")) as unknown as { V86: new (options: Record<string, unknown>) => { add_listener(event: string, listener: (byte: number) => void): void; destroy(): void } };
const markers = new SerialMarkers();
const report = () => {
  console.log(JSON.stringify({ seconds: markers.seconds, checksum: markers.checksum }));
  process.exit(0);
};
process.on("uncaughtException", (error) => {
  if (error === ("HALT" as unknown) && markers.done) report();
  console.error("v86:", error, JSON.stringify(markers.tail()));
  process.exit(1);
});
const emulator = new V86({
  wasm_path: new URL(import.meta.resolve("v86/build/v86.wasm")).pathname,
  memory_size: 128 << 20,
  multiboot: { buffer: kernel.buffer.slice(kernel.byteOffset, kernel.byteOffset + kernel.byteLength) },
  // Handed to the kernel in the multiboot information, as QEMU's -append and warp86's --cmdline do.
  cmdline: process.argv[3] ?? "",
  autostart: true,
  disable_keyboard: true,
  disable_mouse: true,
});
emulator.add_listener("serial0-output-byte", (byte) => {
  markers.feed(String.fromCharCode(byte));
  if (markers.done) {
    emulator.destroy();
    report();
  }
});
setTimeout(() => {
  console.error("v86: no BENCH END within 10 minutes", JSON.stringify(markers.tail()));
  process.exit(1);
}, 600_000);
