/**
 * Runs SingleStepTests (80286, real mode) on one reused Machine and reports per opcode file.
 * Flags the suite's metadata marks undefined are masked (in FLAGS and in a FLAGS image an exception
 * pushed); bits 12-15 of FLAGS are masked as the suite's README prescribes for real mode.
 * Revoked tests (revocation_list.txt) are skipped and counted.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Machine } from "../../src/machine.js";
import { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";
import { RAM_BASE, Seg, State } from "../../runtime/state/layout.js";
import { MOO_REGISTERS_286, parseMoo, type MooTest } from "./moo.js";
import { Progress } from "../progress.js";
import { ACCESS_REAL_DATA } from "../../runtime/state/reset.js";
import { decode } from "../../translator/decoder/decode.js";
import { DecodeFailure } from "../../translator/isa/types.js";

const SEGMENTS: [string, number][] = [["es", Seg.ES], ["cs", Seg.CS], ["ss", Seg.SS], ["ds", Seg.DS]];
const GENERAL: [string, number][] = [["ax", 0], ["cx", 1], ["dx", 2], ["bx", 3], ["sp", 4], ["bp", 5], ["si", 6], ["di", 7]];
/** FLAGS bits the 286 keeps in real mode and that we compare (bits 12-15 are masked, see README). */
const REAL_MODE_FLAGS = 0x0fd5 | 0x0200 | 0x0100;

export interface SingleStepReport {
  total: number;
  passed: number;
  revoked: number;
  /**
   * Tests where the 80286 and the i686 we emulate differ by documentation, not counted as failures:
   * each reason with its count (and how many of those we nonetheless matched).
   */
  deviations: Record<string, { total: number; matched: number }>;
  byOpcode: Record<string, { total: number; passed: number; firstFailures: { name: string; differences: string[] }[] }>;
}

interface Metadata {
  opcodes: Record<string, { "flags-mask"?: number; reg?: Record<string, { "flags-mask"?: number }> }>;
}

export function flagsMaskFor(metadata: Metadata | undefined, file: string): number {
  const [opcode, reg] = file.replace(/\.MOO(\.gz)?$/, "").split(".");
  const entry = metadata?.opcodes[opcode!];
  const mask = reg !== undefined ? entry?.reg?.[reg]?.["flags-mask"] : entry?.["flags-mask"];
  return mask ?? 0xffff;
}

export class SingleStepRunner {
  readonly machine = new Machine({ ramSize: 16 << 20 });
  private readonly touched = new Set<number>();

  run(test: MooTest, flagsMask: number, maxInstructions = 200): string[] {
    const machine = this.machine;
    const cpu = machine.cpu;
    for (const address of this.touched) cpu.u8[RAM_BASE + address] = 0;
    this.touched.clear();
    machine.interpreter.blocks.clear();
    machine.mmu.flushAll();
    const regs = test.initial.regs;
    cpu.i32.fill(0, 0, State.scratch >> 2);
    for (const [name, n] of GENERAL) cpu.setReg32(n, regs[name as "ax"] ?? 0);
    for (const [name, seg] of [...SEGMENTS, ["fs", Seg.FS], ["gs", Seg.GS]] as [string, number][]) {
      const selector = (regs as Record<string, number>)[name] ?? 0;
      cpu.setSegmentField(seg, "selector", selector);
      cpu.setSegmentField(seg, "base", selector << 4);
      cpu.setSegmentField(seg, "limit", 0xffff);
      cpu.setSegmentField(seg, "access", ACCESS_REAL_DATA);
    }
    cpu.setField(State.cr0, 0x60000010);
    cpu.setField(State.idtrLimit, 0x3ff);
    cpu.setField(State.gdtrLimit, 0xffff);
    cpu.setField(State.eflags, ((regs.flags ?? 0) & 0x0fff & ~0x28) | 2);
    cpu.eip = regs.ip ?? 0;
    for (const [address, value] of test.initial.ram) {
      cpu.u8[RAM_BASE + address] = value;
      this.touched.add(address);
    }
    for (const [address] of test.final.ram) this.touched.add(address);
    const result = machine.run({ maxInstructions });
    const differences: string[] = [];
    if (result.reason !== "halt" && result.reason !== "halt-forever") differences.push(`stopped: ${result.reason}`);
    const finalRegs = { ...test.initial.regs, ...test.final.regs };
    for (const [name, n] of GENERAL) {
      const want = finalRegs[name as "ax"] ?? 0;
      const got = cpu.reg32(n) & 0xffff;
      if (want !== got) differences.push(`${name}: want ${want.toString(16)} got ${got.toString(16)}`);
    }
    for (const [name, seg] of SEGMENTS) {
      const want = finalRegs[name as "cs"] ?? 0;
      const got = cpu.segmentField(seg, "selector") & 0xffff;
      if (want !== got) differences.push(`${name}: want ${want.toString(16)} got ${got.toString(16)}`);
    }
    const wantIp = finalRegs.ip ?? 0;
    if ((cpu.eip & 0xffff) !== wantIp) differences.push(`ip: want ${wantIp.toString(16)} got ${(cpu.eip & 0xffff).toString(16)}`);
    const flags = new ImmediateBuilder(cpu).getEflags() & 0xffff;
    const mask = flagsMask & REAL_MODE_FLAGS;
    if (((flags ^ (finalRegs.flags ?? 0)) & mask) !== 0) {
      differences.push(`flags: want ${((finalRegs.flags ?? 0) & mask).toString(16)} got ${(flags & mask).toString(16)}`);
    }
    const pushedFlags = test.exception?.flagAddress;
    for (const [address, value] of test.final.ram) {
      let got = cpu.u8[RAM_BASE + address]!;
      let want = value;
      if (pushedFlags !== undefined && (address === pushedFlags || address === pushedFlags + 1)) {
        const byteMask = (address === pushedFlags ? mask : mask >> 8) & 0xff;
        got &= byteMask;
        want &= byteMask;
      }
      if (got !== want) differences.push(`ram[${address.toString(16)}]: want ${want.toString(16)} got ${got.toString(16)}`);
    }
    return differences;
  }
}

export function runSingleStepSuite(directory: string, options: { limit?: number; filter?: string; quiet?: boolean } = {}): SingleStepReport {
  const metadataPath = join(directory, "metadata.json");
  const metadata = existsSync(metadataPath) ? (JSON.parse(readFileSync(metadataPath, "utf8")) as Metadata) : undefined;
  const revocationPath = [join(directory, "revocation_list.txt"), join(directory, "..", "revocation_list.txt")].find(existsSync);
  const revoked = new Set(revocationPath ? readFileSync(revocationPath, "utf8").split(/\s+/).filter(Boolean) : []);
  const files = readdirSync(directory).filter((f) => /\.MOO(\.gz)?$/.test(f) && (!options.filter || f.startsWith(options.filter))).sort();
  const runner = new SingleStepRunner();
  const report: SingleStepReport = { total: 0, passed: 0, revoked: 0, deviations: {}, byOpcode: {} };
  const parsed = files.map((file) => ({ file, tests: parseMoo(readFileSync(join(directory, file))).tests.slice(0, options.limit) }));
  const progress = options.quiet ? undefined : new Progress("singlestep", parsed.reduce((n, f) => n + f.tests.length, 0));
  for (const { file, tests } of parsed) {
    const mask = flagsMaskFor(metadata, file);
    const entry = (report.byOpcode[file.replace(/\.MOO(\.gz)?$/, "")] = { total: 0, passed: 0, firstFailures: [] as { name: string; differences: string[] }[] });
    for (const test of tests) {
      progress?.tick();
      if (revoked.has(test.hash)) {
        report.revoked++;
        continue;
      }
      let differences: string[];
      try {
        differences = runner.run(test, mask);
      } catch (error) {
        differences = [`runner error: ${(error as Error).message}`];
      }
      const deviation = documentedDeviation(test);
      if (deviation !== undefined) {
        const d = (report.deviations[deviation] ??= { total: 0, matched: 0 });
        d.total++;
        if (differences.length === 0) d.matched++;
        continue;
      }
      entry.total++;
      report.total++;
      if (differences.length === 0) {
        entry.passed++;
        report.passed++;
      } else if (entry.firstFailures.length < 3) {
        entry.firstFailures.push({ name: test.name, differences });
      }
    }
  }
  progress?.done();
  if (!options.quiet) printSingleStepReport(report);
  return report;
}

/**
 * Known, documented differences between the 80286 and the i686 (SDM Vol.3 22, "Architecture
 * Compatibility"): the suite records the 286's behaviour, warp86 implements the i686's.
 */
export function documentedDeviation(test: MooTest): string | undefined {
  const decoded = decode(Uint8Array.from(test.bytes), 0, test.bytes.length, 16);
  if (decoded === DecodeFailure.BadLock) return "LOCK on a non-lockable instruction: ignored by the 286, #UD since the 386 (SDM Vol.2 LOCK)";
  return undefined;
}

export function printSingleStepReport(report: SingleStepReport): void {
  const pct = (p: number, t: number) => (t ? `${((100 * p) / t).toFixed(2)}%` : "-");
  console.log(`\nSingleStepTests 80286 real mode: ${report.passed}/${report.total} passed (${pct(report.passed, report.total)}), ${report.revoked} revoked tests skipped\n`);
  const failing = Object.entries(report.byOpcode).filter(([, r]) => r.passed < r.total);
  console.log(`${Object.keys(report.byOpcode).length - failing.length} opcode files pass completely; failing files:`);
  for (const [opcode, r] of failing.sort((a, b) => a[1].passed / a[1].total - b[1].passed / b[1].total)) {
    console.log(`  ${opcode.padEnd(6)} ${String(r.passed).padStart(5)}/${String(r.total).padEnd(5)} ${pct(r.passed, r.total).padStart(8)}  e.g. ${r.firstFailures[0]?.name}: ${r.firstFailures[0]?.differences.slice(0, 2).join("; ")}`);
  }
  for (const [reason, d] of Object.entries(report.deviations)) {
    console.log(`documented 286/i686 deviation, not counted: ${d.total} tests (${d.matched} match anyway): ${reason}`);
  }
  console.log(`\n${JSON.stringify({ total: report.total, passed: report.passed, revoked: report.revoked, deviations: report.deviations })}`);
}

export { MOO_REGISTERS_286 };
