/**
 * ELF32 i386 executables (System V ABI, i386 supplement): validation and PT_LOAD segments.
 */
import { ImageError } from "./errors.js";

export interface LoadSegment {
  /** Physical load address (p_paddr, as `qemu -kernel` uses it). */
  readonly address: number;
  readonly bytes: Uint8Array;
  /** Bytes to zero after the file bytes (memsz - filesz). */
  readonly zeroFill: number;
}

export interface ElfImage {
  readonly entry: number;
  readonly segments: readonly LoadSegment[];
}

const PT_LOAD = 1;

export function isElf(image: Uint8Array): boolean {
  return image.length >= 4 && image[0] === 0x7f && image[1] === 0x45 && image[2] === 0x4c && image[3] === 0x46;
}

export function parseElf(image: Uint8Array): ElfImage {
  if (image.length < 52) throw new ImageError(`ELF image truncated: ${image.length} bytes is shorter than the 52-byte ELF32 header`);
  if (!isElf(image)) throw new ImageError("not an ELF image (bad magic)");
  if (image[4] !== 1) throw new ImageError(`ELF class ${image[4]} is not ELFCLASS32`);
  if (image[5] !== 1) throw new ImageError("ELF image is not little-endian");
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== 3) throw new ImageError(`ELF machine ${machine} is not EM_386 (3)`);
  if (type !== 2) throw new ImageError(`ELF type ${type} is not an executable (ET_EXEC)`);
  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum === 0) throw new ImageError("ELF image has no program headers");
  if (phentsize < 32) throw new ImageError(`ELF program header size ${phentsize} is too small`);
  if (phoff + phnum * phentsize > image.length) throw new ImageError("ELF program headers lie beyond the end of the file (truncated image?)");
  const segments: LoadSegment[] = [];
  for (let n = 0; n < phnum; n++) {
    const at = phoff + n * phentsize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const offset = view.getUint32(at + 4, true);
    const paddr = view.getUint32(at + 12, true);
    const filesz = view.getUint32(at + 16, true);
    const memsz = view.getUint32(at + 20, true);
    if (offset + filesz > image.length) {
      throw new ImageError(`ELF segment ${n} needs file bytes 0x${offset.toString(16)}..0x${(offset + filesz).toString(16)} but the image has only 0x${image.length.toString(16)} (truncated image?)`);
    }
    if (memsz < filesz) throw new ImageError(`ELF segment ${n} has memsz < filesz`);
    segments.push({ address: paddr, bytes: image.subarray(offset, offset + filesz), zeroFill: memsz - filesz });
  }
  if (segments.length === 0) throw new ImageError("ELF image has no PT_LOAD segment");
  return { entry, segments };
}
