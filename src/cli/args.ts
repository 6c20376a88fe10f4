// The command line's options: one table per command that parses, checks and documents them, and
// the usage errors (exit code 2) that name an option the way the user typed it.

import { parseArgs } from 'node:util';

export type OptionValue = string | number | boolean;

export interface OptionSpec {
  /** Flags take no value; the others need one (`--x v` or `--x=v`). */
  kind: 'flag' | 'string' | 'number' | 'choice';
  /** For `choice`: the accepted values. */
  choices?: readonly string[];
  /** Placeholder of the value in help, e.g. `<dir>`. */
  placeholder?: string;
  /** One line (or a few) for --help. */
  help: string;
  /**
   * The library option the value is passed to, so that a value the library rejects
   * (InvalidOptionsError naming this option) is reported as a usage error naming the flag.
   */
  apiOption?: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** A command line the program cannot run: exit code 2, the message on stderr. */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}

export interface ParsedArgs {
  values: Record<string, OptionValue | undefined>;
  positionals: string[];
  /** Whether --help or -h was given. */
  help: boolean;
  /** The option as the user typed it (`--threshold`), by option name. */
  typed: Map<string, string>;
}

/**
 * Parses `args` against `table`. Negative numbers are values (`--threshold -0.5`); a value that
 * looks like an option (`--model --json`) is a missing value.
 * @throws UsageError for unknown options, missing or unexpected values, non-numbers and unknown choices
 */
export function parseCommandArgs(command: string, args: readonly string[], table: OptionTable): ParsedArgs {
  // Not strict: node's strict mode rejects `--threshold -0.5` as ambiguous and words its
  // errors for programmers; every rule is checked below instead.
  const { tokens } = parseArgs({
    args: [...args],
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(Object.entries(table).map(([name, spec]) => [name, { type: spec.kind === 'flag' ? 'boolean' : 'string' }])),
  });
  const parsed: ParsedArgs = { values: {}, positionals: [], help: false, typed: new Map() };
  const usage = (message: string) => new UsageError(`samestory ${command}: ${message}; see 'samestory ${command} --help'`);
  for (const token of tokens) {
    if (token.kind === 'positional') {
      parsed.positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    if (token.name === 'help' || token.name === 'h') {
      parsed.help = true;
      continue;
    }
    const spec = Object.hasOwn(table, token.name) ? table[token.name] : undefined;
    if (spec === undefined) throw usage(`unknown option '${token.rawName}'`);
    parsed.typed.set(token.name, token.rawName);
    if (spec.kind === 'flag') {
      if (token.value !== undefined) throw usage(`option '${token.rawName}': takes no value`);
      parsed.values[token.name] = true;
      continue;
    }
    const raw = token.value;
    if (raw === undefined || (!token.inlineValue && raw.startsWith('-') && !isNumber(raw))) {
      throw usage(`option '${token.rawName}': needs a value${spec.placeholder ? ` ${spec.placeholder}` : ''}`);
    }
    parsed.values[token.name] = valueOf(spec, raw, token.rawName, usage);
  }
  return parsed;
}

function valueOf(spec: OptionSpec, raw: string, typed: string, usage: (message: string) => UsageError): OptionValue {
  switch (spec.kind) {
    case 'number':
      if (!isNumber(raw)) throw usage(`option '${typed}': must be a number, got '${raw}'`);
      return Number(raw);
    case 'choice':
      if (!spec.choices!.includes(raw)) throw usage(`option '${typed}': must be ${spec.choices!.map((c) => `'${c}'`).join(' or ')}, got '${raw}'`);
      return raw;
    default:
      if (raw === '') throw usage(`option '${typed}': needs a non-empty value`);
      return raw;
  }
}

function isNumber(raw: string): boolean {
  return raw.trim() !== '' && Number.isFinite(Number(raw));
}

/** The options part of a command's --help, from its table. */
export function describeOptions(table: OptionTable): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const value = spec.kind === 'flag' ? '' : ` ${spec.placeholder ?? (spec.choices ? `<${spec.choices.join('|')}>` : '<value>')}`;
    return [`--${name}${value}`, spec.help] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows
    .map(([left, help]) => {
      const [first, ...rest] = help.split('\n');
      return [`  ${left.padEnd(width)}${first}`, ...rest.map((line) => `  ${' '.repeat(width)}${line}`)].join('\n');
    })
    .join('\n');
}
