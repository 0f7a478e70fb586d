/**
 * Registry of runtime helper implementations, one per name in translator/semantics/helpers.ts; the
 * `satisfies` clause makes the compiler prove every helper exists. The interpreter calls these
 * directly; compiled code reaches them through one import.
 */
import type { Cpu } from "../cpu.js";
import type { HelperName } from "../../translator/semantics/helpers.js";
import { movs, stos, lods, cmps, scas, ins, outs } from "./string.js";
import { farJump, farCall, farReturn, interruptReturn, softwareInterrupt } from "./control.js";
import { loadSegment, lar, lsl, verr, verw } from "./segments.js";
import * as callouts from "./callouts.js";
import { writeEflags } from "./eflags.js";
import { ImmediateBuilder } from "../interpreter/immediate-builder.js";

export type HelperFunction = (cpu: Cpu, ...args: number[]) => number;

export const HELPER_IMPLEMENTATIONS = {
  materializeFlags: (cpu: Cpu) => {
    new ImmediateBuilder(cpu).getEflags();
    return 0;
  },
  movs, stos, lods, cmps, scas, ins, outs,
  farJump, farCall, farReturn, interruptReturn, softwareInterrupt,
  loadSegment, lar, lsl, verr, verw,
  requirePrivilege: callouts.requirePrivilege,
  cpuid: callouts.cpuid,
  rdtsc: callouts.rdtsc,
  rdmsr: callouts.rdmsr,
  wrmsr: callouts.wrmsr,
  portIn: callouts.portIn,
  portOut: callouts.portOut,
  cli: callouts.cli,
  sti: callouts.sti,
  hlt: callouts.hlt,
  writeControlRegister: callouts.writeControlRegister,
  readControlRegister: callouts.readControlRegister,
  writeDebugRegister: callouts.writeDebugRegister,
  readDebugRegister: callouts.readDebugRegister,
  clts: callouts.clts,
  lmsw: callouts.lmsw,
  smsw: callouts.smsw,
  lgdt: callouts.lgdt,
  lidt: callouts.lidt,
  sgdt: callouts.sgdt,
  sidt: callouts.sidt,
  lldt: callouts.lldt,
  sldt: callouts.sldt,
  ltr: callouts.ltr,
  str: callouts.str,
  invlpg: callouts.invlpg,
  wbinvd: callouts.wbinvd,
  writeEflags,
} satisfies Record<HelperName, HelperFunction>;
