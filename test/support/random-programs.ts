/**
 * Random looping programs for the translator's lockstep tests: a loop whose body mixes ALU operations
 * (ADC/SBB chains that carry CF across iterations, CMP, shifts, INC/DEC that keep CF), loads, stores
 * and read-modify-writes on a data buffer, SETcc, PUSHFD (all flags made visible), forward Jcc over
 * the next instruction, and CALLs to small functions after the loop. Every program terminates: the
 * loop counter lives in EBP, which the body never touches. 32-bit flat code at 0x10000, data at ESI.
 */
export const DATA_ADDRESS = 0x20000;

/** mulberry32: a small deterministic generator, so a failing seed can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Registers the body may change: EAX, ECX, EDX, EBX, EDI (ESP is the stack, EBP the counter, ESI the data).
const FREE = [0, 1, 2, 3, 7];
const ESI = 6;

/**
 * `narrow`: also 8-bit ALU operations (AL..BH) and an operand-size prefix (66) on a quarter of the
 * 32-bit forms, so 16-bit and 8-bit flag records and partial-register writes are exercised.
 */
export function randomProgram(seed: number, bodyLength = 40, iterations = 30, narrow = false): number[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const byte = () => Math.floor(next() * 256);
  const register = () => pick(FREE);
  const modrmRegisters = (reg: number, rm: number) => 0xc0 | (reg << 3) | rm;
  const memory = (reg: number) => [0x40 | (reg << 3) | ESI, 4 * Math.floor(next() * 16)]; // [esi+disp8]
  const templates: (() => number[])[] = [
    () => [pick([0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39]), modrmRegisters(register(), register())],
    () => [0x83, 0xc0 | (pick([0, 1, 2, 3, 4, 5, 6, 7]) << 3) | register(), byte()],
    () => [0x89, ...memory(register())],
    () => [0x8b, ...memory(register())],
    () => [pick([0x03, 0x13, 0x1b, 0x2b, 0x33, 0x3b]), ...memory(register())],
    () => [pick([0x01, 0x11, 0x19, 0x29]), ...memory(register())],
    () => [0xc1, 0xc0 | (pick([0, 1, 4, 5, 7]) << 3) | register(), byte() & 31],
    () => [0xd3, 0xc0 | (pick([0, 4, 5, 7]) << 3) | pick([0, 2, 3, 7])],
    () => [pick([0x40, 0x48]) + register()],
    () => [0x0f, 0x90 + Math.floor(next() * 16), 0xc0 | pick([0, 1, 2, 3])],
    () => [pick([0xf5, 0xf8, 0xf9])],
    () => [0x8d, 0x44 | (register() << 3), (pick([0, 1, 2]) << 6) | (register() << 3) | register(), byte()],
    () => [0x0f, 0xaf, modrmRegisters(register(), register())],
    () => [0xf7, 0xc0 | (pick([2, 3]) << 3) | register()],
  ];
  // Stack templates keep their 32-bit size (a 16-bit PUSHF popped as 32 bits would drift ESP).
  const stackTemplates: (() => number[])[] = [
    () => [0x9c, 0x58 + register()], // pushfd; pop r
    () => {
      const r = register();
      return [0x50 + r, 0x58 + register()];
    },
  ];
  // 8-bit registers 0-7 are AL CL DL BL AH CH DH BH: all inside EAX..EBX.
  const byteTemplates: (() => number[])[] = [
    () => [pick([0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38]), 0xc0 | (Math.floor(next() * 8) << 3) | Math.floor(next() * 8)],
    () => [0x80, 0xc0 | (Math.floor(next() * 8) << 3) | Math.floor(next() * 8), byte()],
    () => [pick([0x02, 0x12, 0x1a, 0x2a]), 0x40 | (Math.floor(next() * 8) << 3) | ESI, 4 * Math.floor(next() * 16) + Math.floor(next() * 4)],
    () => [0xfe, 0xc0 | (pick([0, 1]) << 3) | Math.floor(next() * 8)],
  ];
  const instruction = (): number[] => {
    const choice = next();
    if (choice < 0.12) return pick(stackTemplates)();
    if (narrow && choice < 0.3) return pick(byteTemplates)();
    const body = pick(templates)();
    return narrow && next() < 0.25 ? [0x66, ...body] : body;
  };
  const functions = [
    [0x01, modrmRegisters(3, 0), 0xc3], // add eax, ebx; ret
    [0x11, modrmRegisters(1, 2), 0xc3], // adc edx, ecx; ret
    [0xd1, 0xd0 | 7, 0x0f, 0x92, 0xc0 | 3, 0xc3], // rcl edi, 1; setb bl; ret
  ];

  const code: number[] = [];
  code.push(0xbe, ...le32(DATA_ADDRESS)); // mov esi, DATA
  code.push(0xbd, ...le32(iterations)); // mov ebp, iterations
  for (const r of FREE) code.push(0xb8 + r, ...le32(Math.floor(next() * 2 ** 32)));
  const head = code.length;
  const calls: { at: number; target: number }[] = [];
  for (let n = 0; n < bodyLength; n++) {
    const choice = next();
    if (choice < 0.08) {
      // Jcc over the next instruction.
      const skipped = instruction();
      code.push(0x70 + Math.floor(next() * 16), skipped.length, ...skipped);
    } else if (choice < 0.13) {
      code.push(0xe8, 0, 0, 0, 0);
      calls.push({ at: code.length, target: Math.floor(next() * functions.length) });
    } else {
      code.push(...instruction());
    }
  }
  code.push(0x4d); // dec ebp
  const back = head - (code.length + 6);
  code.push(0x0f, 0x85, ...le32(back)); // jnz head
  code.push(0xeb, 0); // jmp to the end (patched below)
  const jumpOver = code.length;
  const starts: number[] = [];
  for (const body of functions) {
    starts.push(code.length);
    code.push(...body);
  }
  code[jumpOver - 1] = code.length - jumpOver;
  for (const call of calls) {
    const rel = starts[call.target]! - call.at;
    code.splice(call.at - 4, 4, ...le32(rel));
  }
  return code;
}

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}
