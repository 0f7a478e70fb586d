/**
 * Options of the project's scripts (bench, conformance, lockstep): `--name value` pairs and
 * `--flag` switches. An option the script does not know, or a value missing, is an error that names it.
 */
export interface ScriptOptions {
  /** The value after `name`, or undefined when the option is absent. */
  value(name: string): string | undefined;
  /** True when the switch `name` is present. */
  has(name: string): boolean;
}

export function scriptOptions(args: readonly string[], known: readonly string[]): ScriptOptions {
  for (const arg of args) {
    if (arg.startsWith("--") && !known.includes(arg)) throw new Error(`unknown option ${arg} (known: ${known.join(", ")})`);
  }
  return {
    value(name) {
      const at = args.indexOf(name);
      if (at < 0) return undefined;
      const value = args[at + 1];
      if (value === undefined || value.startsWith("--")) throw new Error(`${name} needs a value`);
      return value;
    },
    has: (name) => args.includes(name),
  };
}
