/**
 * Multiboot v1 kernels, loaded as `qemu -kernel` loads them (Multiboot Specification 0.6.96): the
 * header in the first 8192 bytes; the a.out-kludge address fields when flag 16 is set, else the ELF
 * program headers; then flat 32-bit protected mode with EAX = 0x2BADB002 and EBX = the physical
 * address of a multiboot_info structure (memory sizes, command line, memory map, loader name).
 */
import type { Cpu } from "../../runtime/cpu.js";
import { enterFlatProtectedMode } from "../../runtime/state/reset.js";
import { ImageError } from "./errors.js";
import { isElf, parseElf, type LoadSegment } from "./elf.js";

export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;
const HEADER_SEARCH = 8192;
const FLAG_AOUT_KLUDGE = 1 << 16;

/** Where the loader puts the boot information (below 640 KiB, above the GDT at 0x800). */
export const MULTIBOOT_INFO_ADDRESS = 0x9000;
const MMAP_ADDRESS = 0x9100;
const CMDLINE_ADDRESS = 0x9400;
const LOADER_NAME_ADDRESS = 0x9300;
const LOW_MEMORY = 0x9fc00;

export interface MultibootHeader {
  readonly offset: number;
  readonly flags: number;
  readonly headerAddress: number;
  readonly loadAddress: number;
  readonly loadEndAddress: number;
  readonly bssEndAddress: number;
  readonly entryAddress: number;
}

export function findMultibootHeader(image: Uint8Array): MultibootHeader | undefined {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const end = Math.min(image.length - 12, HEADER_SEARCH - 12);
  for (let offset = 0; offset <= end; offset += 4) {
    if (view.getUint32(offset, true) !== MULTIBOOT_HEADER_MAGIC) continue;
    const flags = view.getUint32(offset + 4, true);
    const checksum = view.getUint32(offset + 8, true);
    if (((MULTIBOOT_HEADER_MAGIC + flags + checksum) >>> 0) !== 0) continue;
    const field = (k: number) => (offset + 12 + k * 4 + 4 <= image.length ? view.getUint32(offset + 12 + k * 4, true) : 0);
    return {
      offset,
      flags,
      headerAddress: field(0),
      loadAddress: field(1),
      loadEndAddress: field(2),
      bssEndAddress: field(3),
      entryAddress: field(4),
    };
  }
  return undefined;
}

export interface MultibootOptions {
  cmdline?: string;
}

export interface LoadedKernel {
  readonly entry: number;
  readonly segments: readonly { address: number; length: number }[];
}

function kludgeSegments(image: Uint8Array, header: MultibootHeader): { entry: number; segments: LoadSegment[] } {
  if (header.offset + 32 > image.length) throw new ImageError("multiboot header truncated: the a.out-kludge address fields are missing");
  const fileStart = header.offset - (header.headerAddress - header.loadAddress);
  if (header.loadAddress > header.headerAddress || fileStart < 0) {
    throw new ImageError("multiboot header: load_addr lies after header_addr");
  }
  const loadEnd = header.loadEndAddress === 0 ? header.loadAddress + (image.length - fileStart) : header.loadEndAddress;
  const length = loadEnd - header.loadAddress;
  if (length < 0 || fileStart + length > image.length) {
    throw new ImageError(`multiboot image truncated: load_end_addr needs ${length} bytes from offset ${fileStart}, the file has ${image.length - fileStart}`);
  }
  const bssEnd = header.bssEndAddress === 0 ? loadEnd : header.bssEndAddress;
  if (bssEnd < loadEnd) throw new ImageError("multiboot header: bss_end_addr lies before load_end_addr");
  return {
    entry: header.entryAddress,
    segments: [{ address: header.loadAddress, bytes: image.subarray(fileStart, fileStart + length), zeroFill: bssEnd - loadEnd }],
  };
}

/** Load a multiboot kernel into the machine's RAM and set the CPU up to enter it. */
export function loadMultiboot(cpu: Cpu, image: Uint8Array, options: MultibootOptions = {}): LoadedKernel {
  const header = findMultibootHeader(image);
  if (header === undefined) throw new ImageError("no multiboot header (magic 0x1BADB002 with a valid checksum) in the first 8192 bytes");
  let entry: number;
  let segments: LoadSegment[];
  if ((header.flags & FLAG_AOUT_KLUDGE) !== 0) {
    ({ entry, segments } = kludgeSegments(image, header));
  } else {
    if (!isElf(image)) throw new ImageError("multiboot header without the a.out-kludge flag, and the image is not ELF");
    const elf = parseElf(image);
    entry = elf.entry;
    segments = [...elf.segments];
  }
  for (const segment of segments) {
    const end = segment.address + segment.bytes.length + segment.zeroFill;
    if (segment.address < 0x100000 && end > LOW_MEMORY) throw new ImageError(`kernel segment at 0x${segment.address.toString(16)} overlaps the legacy hole`);
    if (end > cpu.ramSize) {
      throw new ImageError(`kernel segment 0x${segment.address.toString(16)}..0x${end.toString(16)} does not fit in ${cpu.ramSize >> 20} MiB of RAM`);
    }
  }
  enterFlatProtectedMode(cpu, entry);
  for (const segment of segments) {
    cpu.writePhysicalBytes(segment.address, segment.bytes);
    if (segment.zeroFill > 0) cpu.writePhysicalBytes(segment.address + segment.bytes.length, new Uint8Array(segment.zeroFill));
  }
  writeBootInformation(cpu, options.cmdline ?? "");
  cpu.setReg32(0, MULTIBOOT_BOOTLOADER_MAGIC);
  cpu.setReg32(3, MULTIBOOT_INFO_ADDRESS);
  return { entry, segments: segments.map((s) => ({ address: s.address, length: s.bytes.length + s.zeroFill })) };
}

function writeBootInformation(cpu: Cpu, cmdline: string): void {
  const info = new DataView(new ArrayBuffer(88));
  const upperKiB = Math.floor((cpu.ramSize - 0x100000) / 1024);
  // flags: mem_* (0), cmdline (2), mmap (6), boot_loader_name (9)
  info.setUint32(0, (1 << 0) | (1 << 2) | (1 << 6) | (1 << 9), true);
  info.setUint32(4, LOW_MEMORY >> 10, true);
  info.setUint32(8, upperKiB, true);
  info.setUint32(16, CMDLINE_ADDRESS, true);
  const mmap = new DataView(new ArrayBuffer(48));
  const entries: [number, number, number][] = [
    [0, LOW_MEMORY, 1],
    [0x100000, cpu.ramSize - 0x100000, 1],
  ];
  entries.forEach(([base, length, type], n) => {
    const at = n * 24;
    mmap.setUint32(at, 20, true);
    mmap.setUint32(at + 4, base, true);
    mmap.setUint32(at + 12, length, true);
    mmap.setUint32(at + 20, type, true);
  });
  info.setUint32(44, mmap.byteLength, true);
  info.setUint32(48, MMAP_ADDRESS, true);
  info.setUint32(64, LOADER_NAME_ADDRESS, true);
  const encoder = new TextEncoder();
  const command = encoder.encode(cmdline.slice(0, 0x3ff) + "\0");
  cpu.writePhysicalBytes(MULTIBOOT_INFO_ADDRESS, new Uint8Array(info.buffer));
  cpu.writePhysicalBytes(MMAP_ADDRESS, new Uint8Array(mmap.buffer));
  cpu.writePhysicalBytes(LOADER_NAME_ADDRESS, encoder.encode("warp86\0"));
  cpu.writePhysicalBytes(CMDLINE_ADDRESS, command);
}
