/** warp86's public API. */
export { Machine, type MachineOptions, type RunOptions, type RunResult, type StopReason } from "./machine.js";
export { loadMultiboot, findMultibootHeader, type MultibootOptions } from "./loaders/multiboot.js";
export { loadFlat, type FlatOptions } from "./loaders/flat.js";
export { parseElf } from "./loaders/elf.js";
export { ImageError } from "./loaders/errors.js";
export { Cpu } from "../runtime/cpu.js";
export { Uart16550, COM1 } from "../runtime/devices/uart16550.js";
export { decode } from "../translator/decoder/decode.js";
export { OPCODES } from "../translator/isa/opcodes.js";
export { enableTranslator, type TranslatorOptions } from "./translator-tier.js";
