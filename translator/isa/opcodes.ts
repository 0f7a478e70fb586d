/**
 * THE opcode table: every one-byte and 0F-map instruction of the P6 family (i686), one line each, in
 * the Intel SDM's notation (Vol.2 Appendix A). The decoder's lookup tables, the semantic dispatch, the
 * conformance generator and its undefined-flag masks all derive from these rows.
 *
 * Line format:  opcode | mnemonic | operands | class | attributes
 *   opcode      "00 /r", "80 /0", "40+r", "0F AF /r", "0F 38 xx /r" (any third byte)
 *   attributes  w=flags written, u=undefined among them, r=flags read, end (ends a block),
 *               call (VMM callout), lock (LOCK allowed with a memory destination), rep / repcc,
 *               mem / reg (ModRM.mod restriction), unimpl (decoded only: executing it is #UD),
 *               key=SEMANTIC (semantic key when it differs from the mnemonic)
 */
import type { InstructionClass, OpcodeRow } from "./types.js";

const ALU_FORMS = (base: number, mnemonic: string, flags: string, lock: boolean): string[] => {
  const h = (n: number) => (base + n).toString(16).toUpperCase().padStart(2, "0");
  const l = lock ? " lock" : "";
  return [
    `${h(0)} /r | ${mnemonic} | Eb,Gb | alu | ${flags}${l}`,
    `${h(1)} /r | ${mnemonic} | Ev,Gv | alu | ${flags}${l}`,
    `${h(2)} /r | ${mnemonic} | Gb,Eb | alu | ${flags}`,
    `${h(3)} /r | ${mnemonic} | Gv,Ev | alu | ${flags}`,
    `${h(4)} | ${mnemonic} | AL,Ib | alu | ${flags}`,
    `${h(5)} | ${mnemonic} | eAX,Iz | alu | ${flags}`,
  ];
};

const GROUP1 = ["ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP"] as const;
const GROUP1_FLAGS: Record<string, string> = {
  ADD: "w=OSZAPC",
  OR: "w=OSZAPC u=A",
  ADC: "w=OSZAPC r=C",
  SBB: "w=OSZAPC r=C",
  AND: "w=OSZAPC u=A",
  SUB: "w=OSZAPC",
  XOR: "w=OSZAPC u=A",
  CMP: "w=OSZAPC",
};
const GROUP2 = ["ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "SHL", "SAR"] as const;
const shiftFlags = (m: string, byOne: boolean): string => {
  const rotate = m === "ROL" || m === "ROR" || m === "RCL" || m === "RCR";
  const read = m === "RCL" || m === "RCR" ? " r=C" : "";
  // Rotates write only CF and OF; shifts write all but leave AF undefined. OF is defined only for 1-bit counts.
  const written = rotate ? "w=OC" : "w=OSZAPC";
  const undefinedFlags = rotate ? (byOne ? "" : "u=O") : byOne ? "u=A" : "u=OA";
  return `${written} ${undefinedFlags}${read}`.trim();
};

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

const CONDITIONS = ["O", "NO", "B", "AE", "E", "NE", "BE", "A", "S", "NS", "P", "NP", "L", "GE", "LE", "G"];
const CONDITION_READS = ["O", "O", "C", "C", "Z", "Z", "CZ", "CZ", "S", "S", "P", "P", "SO", "SO", "ZSO", "ZSO"];

function oneByteMap(): string[] {
  const rows: string[] = [];
  GROUP1.forEach((m, n) => rows.push(...ALU_FORMS(n * 8, m, GROUP1_FLAGS[m]!, m !== "CMP")));
  rows.push(
    "06 | PUSH | ES | stack",
    "07 | POP | ES | segment | key=POP_SREG end",
    "0E | PUSH | CS | stack",
    "16 | PUSH | SS | stack",
    "17 | POP | SS | segment | key=POP_SREG end",
    "1E | PUSH | DS | stack",
    "1F | POP | DS | segment | key=POP_SREG end",
    "27 | DAA | | bcd | w=OSZAPC u=O r=AC",
    "2F | DAS | | bcd | w=OSZAPC u=O r=AC",
    "37 | AAA | | bcd | w=OSZAPC u=OSZP r=A",
    "3F | AAS | | bcd | w=OSZAPC u=OSZP r=A",
    "40+r | INC | Zv | alu | w=OSZAP",
    "48+r | DEC | Zv | alu | w=OSZAP",
    "50+r | PUSH | Zv | stack",
    "58+r | POP | Zv | stack",
    "60 | PUSHA | | stack",
    "61 | POPA | | stack",
    "62 /r | BOUND | Gv,Ma | interrupt | mem",
    "63 /r | ARPL | Ew,Gw | segment | w=Z",
    "68 | PUSH | Iz | stack",
    "69 /r | IMUL | Gv,Ev,Iz | multiply | w=OSZAPC u=SZAP",
    "6A | PUSH | Ibs | stack",
    "6B /r | IMUL | Gv,Ev,Ibs | multiply | w=OSZAPC u=SZAP",
    "6C | INS | Yb,DX | io | rep call",
    "6D | INS | Yv,DX | io | rep call",
    "6E | OUTS | DX,Xb | io | rep call",
    "6F | OUTS | DX,Xv | io | rep call",
  );
  CONDITIONS.forEach((_, cc) => rows.push(`${hex2(0x70 + cc)} | J${CONDITIONS[cc]} | Jb | control | key=JCC end r=${CONDITION_READS[cc]}`));
  GROUP1.forEach((m, n) => {
    const f = GROUP1_FLAGS[m]!;
    const l = m !== "CMP" ? " lock" : "";
    rows.push(`80 /${n} | ${m} | Eb,Ib | alu | ${f}${l}`);
    rows.push(`81 /${n} | ${m} | Ev,Iz | alu | ${f}${l}`);
    rows.push(`82 /${n} | ${m} | Eb,Ib | alu | ${f}${l}`);
    rows.push(`83 /${n} | ${m} | Ev,Ibs | alu | ${f}${l}`);
  });
  rows.push(
    "84 /r | TEST | Eb,Gb | alu | w=OSZAPC u=A",
    "85 /r | TEST | Ev,Gv | alu | w=OSZAPC u=A",
    "86 /r | XCHG | Eb,Gb | move | lock",
    "87 /r | XCHG | Ev,Gv | move | lock",
    "88 /r | MOV | Eb,Gb | move",
    "89 /r | MOV | Ev,Gv | move",
    "8A /r | MOV | Gb,Eb | move",
    "8B /r | MOV | Gv,Ev | move",
    "8C /r | MOV | Ev,Sw | segment | key=MOV_FROM_SREG",
    "8D /r | LEA | Gv,M | move | mem",
    "8E /r | MOV | Sw,Ew | segment | key=MOV_TO_SREG end",
    "8F /0 | POP | Ev | stack",
    "90 | NOP | | misc",
    ...[1, 2, 3, 4, 5, 6, 7].map((r) => `${hex2(0x90 + r)} | XCHG | Zv,eAX | move`),
    "98 | CBW | | convert",
    "99 | CWD | | convert",
    "9A | CALLF | Ap | control | end",
    "9B | WAIT | | x87",
    "9C | PUSHF | | flags | r=OSZAPC",
    "9D | POPF | | flags | w=OSZAPC end",
    "9E | SAHF | | flags | w=SZAPC",
    "9F | LAHF | | flags | r=SZAPC",
    "A0 | MOV | AL,Ob | move",
    "A1 | MOV | eAX,Ov | move",
    "A2 | MOV | Ob,AL | move",
    "A3 | MOV | Ov,eAX | move",
    "A4 | MOVS | Yb,Xb | string | rep",
    "A5 | MOVS | Yv,Xv | string | rep",
    "A6 | CMPS | Xb,Yb | string | repcc w=OSZAPC",
    "A7 | CMPS | Xv,Yv | string | repcc w=OSZAPC",
    "A8 | TEST | AL,Ib | alu | w=OSZAPC u=A",
    "A9 | TEST | eAX,Iz | alu | w=OSZAPC u=A",
    "AA | STOS | Yb,AL | string | rep",
    "AB | STOS | Yv,eAX | string | rep",
    "AC | LODS | AL,Xb | string | rep",
    "AD | LODS | eAX,Xv | string | rep",
    "AE | SCAS | AL,Yb | string | repcc w=OSZAPC",
    "AF | SCAS | eAX,Yv | string | repcc w=OSZAPC",
    "B0+r | MOV | Zb,Ib | move",
    "B8+r | MOV | Zv,Iv | move",
  );
  GROUP2.forEach((m, n) => {
    if (n === 6) return; // /6 is an alias of SHL, listed below with its own rows
    rows.push(`C0 /${n} | ${m} | Eb,Ib | shift | ${shiftFlags(m, false)}`);
    rows.push(`C1 /${n} | ${m} | Ev,Ib | shift | ${shiftFlags(m, false)}`);
    rows.push(`D0 /${n} | ${m} | Eb,1 | shift | ${shiftFlags(m, true)}`);
    rows.push(`D1 /${n} | ${m} | Ev,1 | shift | ${shiftFlags(m, true)}`);
    rows.push(`D2 /${n} | ${m} | Eb,CL | shift | ${shiftFlags(m, false)}`);
    rows.push(`D3 /${n} | ${m} | Ev,CL | shift | ${shiftFlags(m, false)}`);
  });
  rows.push(
    `C0 /6 | SAL | Eb,Ib | shift | key=SHL ${shiftFlags("SHL", false)}`,
    `C1 /6 | SAL | Ev,Ib | shift | key=SHL ${shiftFlags("SHL", false)}`,
    `D0 /6 | SAL | Eb,1 | shift | key=SHL ${shiftFlags("SHL", true)}`,
    `D1 /6 | SAL | Ev,1 | shift | key=SHL ${shiftFlags("SHL", true)}`,
    `D2 /6 | SAL | Eb,CL | shift | key=SHL ${shiftFlags("SHL", false)}`,
    `D3 /6 | SAL | Ev,CL | shift | key=SHL ${shiftFlags("SHL", false)}`,
    "C2 | RET | Iw | control | end",
    "C3 | RET | | control | end",
    "C4 /r | LES | Gv,Mp | segment | mem end",
    "C5 /r | LDS | Gv,Mp | segment | mem end",
    "C6 /0 | MOV | Eb,Ib | move",
    "C7 /0 | MOV | Ev,Iz | move",
    "C8 | ENTER | Iw,Ib | stack",
    "C9 | LEAVE | | stack",
    "CA | RETF | Iw | control | end",
    "CB | RETF | | control | end",
    "CC | INT3 | | interrupt | end",
    "CD | INT | Ib | interrupt | end",
    "CE | INTO | | interrupt | end r=O",
    "CF | IRET | | interrupt | end w=OSZAPC",
    "D4 | AAM | Ib | bcd | w=OSZAPC u=OAC",
    "D5 | AAD | Ib | bcd | w=OSZAPC u=OAC",
    "D6 | SALC | | bcd | r=C",
    "D7 | XLAT | | move",
  );
  for (let op = 0xd8; op <= 0xdf; op++) {
    rows.push(`${hex2(op)} /r | FPU | Ex | x87 | unimpl`);
  }
  rows.push(
    "E0 | LOOPNE | Jb | control | end r=Z",
    "E1 | LOOPE | Jb | control | end r=Z",
    "E2 | LOOP | Jb | control | end",
    "E3 | JCXZ | Jb | control | end",
    "E4 | IN | AL,Ib | io | call",
    "E5 | IN | eAX,Ib | io | call",
    "E6 | OUT | Ib,AL | io | call",
    "E7 | OUT | Ib,eAX | io | call",
    "E8 | CALL | Jz | control | end",
    "E9 | JMP | Jz | control | end",
    "EA | JMPF | Ap | control | end",
    "EB | JMP | Jb | control | end",
    "EC | IN | AL,DX | io | call",
    "ED | IN | eAX,DX | io | call",
    "EE | OUT | DX,AL | io | call",
    "EF | OUT | DX,eAX | io | call",
    "F1 | INT1 | | interrupt | end",
    "F4 | HLT | | system | call end",
    "F5 | CMC | | flags | w=C r=C",
    "F6 /0 | TEST | Eb,Ib | alu | w=OSZAPC u=A",
    "F6 /1 | TEST | Eb,Ib | alu | w=OSZAPC u=A",
    "F6 /2 | NOT | Eb | alu | lock",
    "F6 /3 | NEG | Eb | alu | w=OSZAPC lock",
    "F6 /4 | MUL | Eb | multiply | w=OSZAPC u=SZAP",
    "F6 /5 | IMUL | Eb | multiply | w=OSZAPC u=SZAP",
    "F6 /6 | DIV | Eb | divide | w=OSZAPC u=OSZAPC",
    "F6 /7 | IDIV | Eb | divide | w=OSZAPC u=OSZAPC",
    "F7 /0 | TEST | Ev,Iz | alu | w=OSZAPC u=A",
    "F7 /1 | TEST | Ev,Iz | alu | w=OSZAPC u=A",
    "F7 /2 | NOT | Ev | alu | lock",
    "F7 /3 | NEG | Ev | alu | w=OSZAPC lock",
    "F7 /4 | MUL | Ev | multiply | w=OSZAPC u=SZAP",
    "F7 /5 | IMUL | Ev | multiply | w=OSZAPC u=SZAP",
    "F7 /6 | DIV | Ev | divide | w=OSZAPC u=OSZAPC",
    "F7 /7 | IDIV | Ev | divide | w=OSZAPC u=OSZAPC",
    "F8 | CLC | | flags | w=C",
    "F9 | STC | | flags | w=C",
    "FA | CLI | | system | call",
    "FB | STI | | system | call end",
    "FC | CLD | | flags",
    "FD | STD | | flags",
    "FE /0 | INC | Eb | alu | w=OSZAP lock",
    "FE /1 | DEC | Eb | alu | w=OSZAP lock",
    "FF /0 | INC | Ev | alu | w=OSZAP lock",
    "FF /1 | DEC | Ev | alu | w=OSZAP lock",
    "FF /2 | CALL | Ev | control | end",
    "FF /3 | CALLF | Mp | control | mem end",
    "FF /4 | JMP | Ev | control | end",
    "FF /5 | JMPF | Mp | control | mem end",
    "FF /6 | PUSH | Ev | stack",
  );
  return rows;
}

function twoByteMap(): string[] {
  const rows: string[] = [
    "0F 00 /0 | SLDT | Ew | system | call",
    "0F 00 /1 | STR | Ew | system | call",
    "0F 00 /2 | LLDT | Ew | system | call",
    "0F 00 /3 | LTR | Ew | system | call",
    "0F 00 /4 | VERR | Ew | segment | w=Z",
    "0F 00 /5 | VERW | Ew | segment | w=Z",
    "0F 01 /0 | SGDT | Ms | system | mem call",
    "0F 01 /1 | SIDT | Ms | system | mem call",
    "0F 01 /2 | LGDT | Ms | system | mem call",
    "0F 01 /3 | LIDT | Ms | system | mem call",
    "0F 01 /4 | SMSW | Ew | system | call",
    "0F 01 /6 | LMSW | Ew | system | call end",
    "0F 01 /7 | INVLPG | M | system | mem call end",
    "0F 02 /r | LAR | Gv,Ew | segment | w=Z",
    "0F 03 /r | LSL | Gv,Ew | segment | w=Z",
    "0F 06 | CLTS | | system | call",
    "0F 08 | INVD | | system | call",
    "0F 09 | WBINVD | | system | call",
    "0F 0B | UD2 | | misc | end",
    "0F 0D /r | NOP | Ev | misc",
    "0F 18 /r | NOP | Ev | misc",
    "0F 19 /r | NOP | Ev | misc",
    "0F 1A /r | NOP | Ev | misc",
    "0F 1B /r | NOP | Ev | misc",
    "0F 1C /r | NOP | Ev | misc",
    "0F 1D /r | NOP | Ev | misc",
    "0F 1E /r | NOP | Ev | misc",
    "0F 1F /r | NOP | Ev | misc",
    "0F 20 /r | MOV | Rd,Cd | system | key=MOV_FROM_CR call",
    "0F 21 /r | MOV | Rd,Dd | system | key=MOV_FROM_DR call",
    "0F 22 /r | MOV | Cd,Rd | system | key=MOV_TO_CR call end",
    "0F 23 /r | MOV | Dd,Rd | system | key=MOV_TO_DR call",
    "0F 30 | WRMSR | | system | call",
    "0F 31 | RDTSC | | system | call",
    "0F 32 | RDMSR | | system | call",
    "0F 33 | RDPMC | | system | call",
    "0F 34 | SYSENTER | | system | call end",
    "0F 35 | SYSEXIT | | system | call end",
    "0F A0 | PUSH | FS | stack",
    "0F A1 | POP | FS | segment | key=POP_SREG end",
    "0F A2 | CPUID | | system | call",
    "0F A3 /r | BT | Ev,Gv | bit | w=OSZAPC u=OSAP",
    "0F A4 /r | SHLD | Ev,Gv,Ib | shift | w=OSZAPC u=OA",
    "0F A5 /r | SHLD | Ev,Gv,CL | shift | w=OSZAPC u=OA",
    "0F A8 | PUSH | GS | stack",
    "0F A9 | POP | GS | segment | key=POP_SREG end",
    "0F AB /r | BTS | Ev,Gv | bit | w=OSZAPC u=OSAP lock",
    "0F AC /r | SHRD | Ev,Gv,Ib | shift | w=OSZAPC u=OA",
    "0F AD /r | SHRD | Ev,Gv,CL | shift | w=OSZAPC u=OA",
    "0F AF /r | IMUL | Gv,Ev | multiply | w=OSZAPC u=SZAP",
    "0F B0 /r | CMPXCHG | Eb,Gb | alu | w=OSZAPC lock",
    "0F B1 /r | CMPXCHG | Ev,Gv | alu | w=OSZAPC lock",
    "0F B2 /r | LSS | Gv,Mp | segment | mem end",
    "0F B3 /r | BTR | Ev,Gv | bit | w=OSZAPC u=OSAP lock",
    "0F B4 /r | LFS | Gv,Mp | segment | mem end",
    "0F B5 /r | LGS | Gv,Mp | segment | mem end",
    "0F B6 /r | MOVZX | Gv,Eb | move",
    "0F B7 /r | MOVZX | Gv,Ew | move",
    "0F B9 /r | UD1 | Gv,Ev | misc | end key=UD2",
    "0F BA /4 | BT | Ev,Ib | bit | w=OSZAPC u=OSAP",
    "0F BA /5 | BTS | Ev,Ib | bit | w=OSZAPC u=OSAP lock",
    "0F BA /6 | BTR | Ev,Ib | bit | w=OSZAPC u=OSAP lock",
    "0F BA /7 | BTC | Ev,Ib | bit | w=OSZAPC u=OSAP lock",
    "0F BB /r | BTC | Ev,Gv | bit | w=OSZAPC u=OSAP lock",
    "0F BC /r | BSF | Gv,Ev | bit | w=OSZAPC u=OSAPC",
    "0F BD /r | BSR | Gv,Ev | bit | w=OSZAPC u=OSAPC",
    "0F BE /r | MOVSX | Gv,Eb | move",
    "0F BF /r | MOVSX | Gv,Ew | move",
    "0F C0 /r | XADD | Eb,Gb | alu | w=OSZAPC lock",
    "0F C1 /r | XADD | Ev,Gv | alu | w=OSZAPC lock",
    "0F C7 /1 | CMPXCHG8B | Mq | alu | w=Z mem lock",
    "0F C8+r | BSWAP | Zd | move",
    "0F FF /r | UD0 | Gv,Ev | misc | end key=UD2",
  ];
  CONDITIONS.forEach((c, cc) => {
    rows.push(`0F ${hex2(0x40 + cc)} /r | CMOV${c} | Gv,Ev | move | key=CMOVCC r=${CONDITION_READS[cc]}`);
    rows.push(`0F ${hex2(0x80 + cc)} | J${c} | Jz | control | key=JCC end r=${CONDITION_READS[cc]}`);
    rows.push(`0F ${hex2(0x90 + cc)} /r | SET${c} | Eb | move | key=SETCC r=${CONDITION_READS[cc]}`);
  });
  rows.push(...simdRows());
  return rows;
}

/**
 * MMX/SSE and later 0F-map opcodes: decoded for their length only (executing them is #UD until the
 * SIMD milestone), so that instruction boundaries agree with a modern decoder.
 */
function simdRows(): string[] {
  const rows: string[] = [];
  const add = (op: number, operands: string) => rows.push(`0F ${hex2(op)} /r | SIMD | ${operands} | simd | unimpl`);
  for (let op = 0x10; op <= 0x17; op++) add(op, "Ex");
  for (let op = 0x28; op <= 0x2f; op++) add(op, "Ex");
  for (let op = 0x50; op <= 0x6f; op++) add(op, "Ex");
  for (let op = 0x70; op <= 0x73; op++) add(op, "Ex,Ib");
  for (let op = 0x74; op <= 0x76; op++) add(op, "Ex");
  add(0x7e, "Ex");
  add(0x7f, "Ex");
  add(0xc2, "Ex,Ib");
  add(0xc3, "Ex");
  add(0xc4, "Ex,Ib");
  add(0xc5, "Ex,Ib");
  add(0xc6, "Ex,Ib");
  for (let op = 0xd1; op <= 0xfe; op++) add(op, "Ex");
  rows.push("0F 77 | EMMS | | simd | unimpl");
  rows.push("0F AE /r | SIMD | Ex | simd | unimpl");
  rows.push("0F 38 xx /r | SIMD | Ex | simd | unimpl");
  rows.push("0F 3A xx /r | SIMD | Ex,Ib | simd | unimpl");
  return rows;
}

function parseRow(line: string): OpcodeRow {
  const [opcode, mnemonic, operands, cls, attributes = ""] = line.split("|").map((part) => part.trim());
  const row: {
    -readonly [K in keyof OpcodeRow]: OpcodeRow[K];
  } = { opcode: opcode!, mnemonic: mnemonic!, operands: operands!, class: cls as InstructionClass };
  for (const attribute of attributes.split(/\s+/).filter(Boolean)) {
    const [name, value] = attribute.split("=");
    switch (name) {
      case "w": row.flagsWritten = value; break;
      case "u": row.flagsUndefined = value; break;
      case "r": row.flagsRead = value; break;
      case "end": row.endsBlock = true; break;
      case "call": row.callout = true; break;
      case "lock": row.lockable = true; break;
      case "rep": row.rep = "rep"; break;
      case "repcc": row.rep = "repcc"; break;
      case "mem": row.modrm = "mem"; break;
      case "reg": row.modrm = "reg"; break;
      case "unimpl": row.unimplemented = true; break;
      case "key": row.semantic = value; break;
      default: throw new Error(`opcode table: unknown attribute '${attribute}' in '${line}'`);
    }
  }
  return row;
}

export const OPCODES: readonly OpcodeRow[] = [...oneByteMap(), ...twoByteMap()].map(parseRow);

/** The semantic function's key for a row. */
export function semanticKey(row: OpcodeRow): string {
  return row.semantic ?? row.mnemonic;
}

export const SEMANTIC_KEYS: readonly string[] = [...new Set(OPCODES.map(semanticKey))];
