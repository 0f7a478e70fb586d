/**
 * The MMU against the paging rules of SDM Vol.3 chapter 4: a table of accesses on hand-built page
 * tables, each with the outcome the SDM prescribes (value or #PF error code and CR2).
 */
import { describe, expect, it } from "vitest";
import { Machine } from "../../src/machine.js";
import { RAM_BASE, State } from "../../runtime/state/layout.js";
import { CpuFault } from "../../runtime/exceptions/fault.js";

const PD = 0x10000;
const PT = 0x11000;
const P = 1, W = 2, U = 4, PS = 0x80, G = 0x100, A = 0x20, D = 0x40;

function machineWithPaging(options: { wp?: boolean; pse?: boolean; pge?: boolean } = {}) {
  const machine = new Machine({ ramSize: 8 << 20 });
  const cpu = machine.cpu;
  const put = (address: number, value: number) => cpu.view.setUint32(RAM_BASE + address, value >>> 0, true);
  put(PD + 0, PT | P | W | U); // 0..4 MiB through PT
  put(PT + 0x100 * 4, 0x100000 | P | W | U); // 0x00100000 user rw
  put(PT + 0x101 * 4, 0x101000 | P | U); // 0x00101000 user read-only
  put(PT + 0x102 * 4, 0x102000 | P | W); // 0x00102000 supervisor rw
  put(PT + 0x103 * 4, 0x103000 | W | U); // 0x00103000 not present
  put(PT + 0x104 * 4, 0x104000 | P | W | U | G); // global
  put(PD + 1 * 4, 0x400000 | P | W | U | PS); // 4 MiB page at 4 MiB (with CR4.PSE)
  cpu.setField(State.cr3, PD);
  cpu.setField(State.cr4, (options.pse ? 0x10 : 0) | (options.pge ? 0x80 : 0));
  cpu.setField(State.cr0, 0x80000011 | (options.wp ? 0x10000 : 0));
  machine.mmu.flushAll();
  return { machine, cpu, put, read: (address: number) => cpu.view.getUint32(RAM_BASE + address, true) };
}

type Outcome = { ok: true } | { pf: number };

function access(m: ReturnType<typeof machineWithPaging>, linear: number, write: boolean, cpl: number): Outcome {
  m.cpu.setField(State.cpl, cpl);
  try {
    if (write) m.machine.mmu.write32(linear, 0x12345678);
    else m.machine.mmu.read32(linear);
    return { ok: true };
  } catch (error) {
    if (error instanceof CpuFault && error.vector === 14) {
      expect(m.cpu.field(State.cr2) >>> 0).toBe(linear >>> 0);
      return { pf: error.errorCode };
    }
    throw error;
  }
}

describe("page walk: rights and #PF error codes (SDM Vol.3 4.6, 4.7)", () => {
  const cases: [string, number, boolean, number, { wp?: boolean; pse?: boolean }, Outcome][] = [
    ["user read of a user page", 0x100010, false, 3, {}, { ok: true }],
    ["user write of a user rw page", 0x100010, true, 3, {}, { ok: true }],
    ["user write of a read-only page", 0x101010, true, 3, {}, { pf: P | W | U }],
    ["supervisor write of a read-only page, WP=0", 0x101010, true, 0, {}, { ok: true }],
    ["supervisor write of a read-only page, WP=1", 0x101010, true, 0, { wp: true }, { pf: P | W }],
    ["user read of a supervisor page", 0x102010, false, 3, {}, { pf: P | U }],
    ["supervisor read of a supervisor page", 0x102010, false, 0, {}, { ok: true }],
    ["user read of a missing page", 0x103010, false, 3, {}, { pf: U }],
    ["supervisor write of a missing page", 0x103010, true, 0, {}, { pf: W }],
    ["missing page directory entry", 0x800000, false, 0, {}, { pf: 0 }],
    ["4 MiB page with CR4.PSE", 0x412340, true, 3, { pse: true }, { ok: true }],
  ];
  for (const [name, linear, write, cpl, options, outcome] of cases) {
    it(name, () => expect(access(machineWithPaging(options), linear, write, cpl)).toEqual(outcome));
  }

  it("sets Accessed on a read and Dirty only on a write (the first write re-walks)", () => {
    const m = machineWithPaging();
    m.machine.mmu.read32(0x100000);
    expect(m.read(PT + 0x100 * 4) & (A | D)).toBe(A);
    m.machine.mmu.write32(0x100000, 1);
    expect(m.read(PT + 0x100 * 4) & (A | D)).toBe(A | D);
    expect(m.read(PD) & A).toBe(A);
  });

  it("a write crossing into a missing page writes nothing to the first page", () => {
    const m = machineWithPaging();
    m.cpu.setField(State.cpl, 0);
    const before = m.read(0x102ffc);
    expect(() => m.machine.mmu.write32(0x102ffe, -1)).toThrow(CpuFault);
    expect(m.read(0x102ffc)).toBe(before);
    expect(m.cpu.field(State.cr2) >>> 0).toBe(0x103000);
  });

  it("CR3 writes keep global entries when CR4.PGE, INVLPG drops one entry", () => {
    const m = machineWithPaging({ pge: true } as never);
    m.cpu.setField(State.cpl, 0);
    m.machine.mmu.read32(0x104000);
    m.machine.mmu.read32(0x100000);
    m.put(PT + 0x104 * 4, 0); // unmap both in memory: only TLB entries remain
    m.put(PT + 0x100 * 4, 0);
    m.machine.mmu.flushNonGlobal();
    expect(() => m.machine.mmu.read32(0x104000)).not.toThrow();
    expect(() => m.machine.mmu.read32(0x100000)).toThrow(CpuFault);
    m.machine.mmu.invalidatePage(0x104000);
    expect(() => m.machine.mmu.read32(0x104000)).toThrow(CpuFault);
  });
});
