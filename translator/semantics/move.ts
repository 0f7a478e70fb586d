/**
 * Data movement and conversion (SDM Vol.2 MOV, MOVZX, MOVSX, XCHG, LEA, CMOVcc, SETcc, XLAT, CBW/CWDE,
 * CWD/CDQ, MOV to/from segment registers, LDS/LES/LFS/LGS/LSS).
 */
import type { Builder, Semantic, Size } from "./builder.js";
import { operandSize, readOperand, readOperandForUpdate, writeOperand } from "./operands.js";
import { OperandKind, type Instruction } from "../isa/types.js";
import { Reg, Seg } from "../../runtime/state/layout.js";
import { Vector } from "../../runtime/exceptions/fault.js";

/** LDS/LES/LFS/LGS/LSS: offset then selector from memory, segment load (may fault), then the register. */
function loadFarPointer(seg: number): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const address = b.effectiveAddress(i);
    const selectorAddress = b.add(address, b.constant(size >> 3));
    const offset = b.load(size, i.segment, address);
    const selector = b.load(16, i.segment, i.addressSize === 16 ? b.zext(16, selectorAddress) : selectorAddress);
    b.helper("loadSegment", b.constant(seg), selector);
    writeOperand(b, i, 0, offset);
  };
}

export const moveSemantics = {
  MOV: (b, i) => writeOperand(b, i, 0, b.zext(operandSize(i, 0), readOperand(b, i, 1))),
  MOVZX: (b, i) => writeOperand(b, i, 0, readOperand(b, i, 1)),
  MOVSX: (b, i) => writeOperand(b, i, 0, b.zext(operandSize(i, 0), b.sext(operandSize(i, 1), readOperand(b, i, 1)))),
  XCHG: (b, i) => {
    const first = readOperandForUpdate(b, i, 0);
    const second = readOperand(b, i, 1);
    writeOperand(b, i, 0, second); // the memory operand (if any) is operand 0: written first
    writeOperand(b, i, 1, first);
  },
  LEA: (b, i) => writeOperand(b, i, 0, b.zext(operandSize(i, 0), b.effectiveAddress(i))),
  CMOVCC: (b, i) => {
    const size = operandSize(i, 0);
    // The source is read (and may fault) whatever the condition (SDM Vol.2 CMOVcc).
    const source = readOperand(b, i, 1);
    const condition = b.condition(i.opcode & 0xf);
    writeOperand(b, i, 0, b.select(condition, source, b.getReg(size, i.operands[0]!.reg)));
  },
  SETCC: (b, i) => writeOperand(b, i, 0, b.condition(i.opcode & 0xf)),
  XLAT: (b, i) => {
    let address = b.add(b.getReg(i.addressSize, Reg.EBX), b.getReg(8, 0));
    if (i.addressSize === 16) address = b.zext(16, address);
    b.setReg(8, 0, b.load(8, i.segment, address));
  },
  CBW: (b, i) => {
    if (i.operandSize === 16) b.setReg(16, Reg.EAX, b.zext(16, b.sext(8, b.getReg(8, 0))));
    else b.setReg(32, Reg.EAX, b.sext(16, b.getReg(16, Reg.EAX)));
  },
  CWD: (b, i) => {
    const size = i.operandSize as Size;
    b.setReg(size, Reg.EDX, b.zext(size, b.sar(b.sext(size, b.getReg(size, Reg.EAX)), b.constant(31))));
  },
  MOV_FROM_SREG: (b, i) => {
    const selector = b.segmentSelector(i.operands[1]!.reg);
    const destination = i.operands[0]!;
    // To memory the store is always 16 bits; a 32-bit register gets the selector zero-extended (P6+).
    if (destination.kind === OperandKind.Mem) b.store(16, i.segment, b.effectiveAddress(i), selector);
    else b.setReg(destination.size as Size, destination.reg, selector);
  },
  MOV_TO_SREG: (b, i) => {
    const seg = i.operands[0]!.reg;
    if (seg === Seg.CS) {
      b.raise(Vector.UD);
      return;
    }
    b.helper("loadSegment", b.constant(seg), readOperand(b, i, 1));
  },
  LES: loadFarPointer(Seg.ES),
  LDS: loadFarPointer(Seg.DS),
  LSS: loadFarPointer(Seg.SS),
  LFS: loadFarPointer(Seg.FS),
  LGS: loadFarPointer(Seg.GS),
} satisfies Record<string, Semantic>;
