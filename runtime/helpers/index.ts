/**
 * Registry of runtime helper implementations (names in translator/semantics/helpers.ts).
 * Placeholder until the system contributor's registry lands: every helper missing here raises #UD.
 */
import type { Cpu } from "../cpu.js";
import type { HelperName } from "../../translator/semantics/helpers.js";

export const HELPER_IMPLEMENTATIONS: Partial<Record<HelperName, (cpu: Cpu, ...args: number[]) => number>> = {};
