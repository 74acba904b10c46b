/** A small argument parser: positional arguments, `--flag`, `--opt VALUE` and `-Y VALUE`. */

export interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  options: Map<string, string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], withValue: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { positional: [], flags: new Set(), options: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (withValue.includes(name)) {
        const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`${name} needs a value`);
        out.options.set(name, value);
      } else {
        out.flags.add(name);
      }
    } else {
      out.positional.push(a);
    }
  }
  return out;
}
