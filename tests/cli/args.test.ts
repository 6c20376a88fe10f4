import { describe, expect, it } from 'vitest';
import { describeOptions, parseCommandArgs, UsageError, type OptionTable } from '../../src/cli/args.js';

const TABLE: OptionTable = {
  json: { kind: 'flag', help: 'print JSON' },
  threshold: { kind: 'number', placeholder: '<x>', help: 'similarity', apiOption: 'similarityThreshold' },
  model: { kind: 'string', placeholder: '<id>', help: 'model id' },
  dtype: { kind: 'choice', choices: ['q8', 'fp32'], help: 'weights' },
};

function parse(...args: string[]) {
  return parseCommandArgs('cluster', args, TABLE);
}

function usageMessage(...args: string[]): string {
  try {
    parse(...args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('no usage error');
}

describe('parseCommandArgs', () => {
  it('reads flags, typed values and positionals in any order', () => {
    const parsed = parse('a', '--json', '--threshold', '0.4', 'b', '--dtype=fp32', '--model', 'X/y');
    expect(parsed.values).toEqual({ json: true, threshold: 0.4, dtype: 'fp32', model: 'X/y' });
    expect(parsed.positionals).toEqual(['a', 'b']);
    expect(parsed.help).toBe(false);
  });

  it('takes a negative number as the value of a number option', () => {
    expect(parse('--threshold', '-0.5').values.threshold).toBe(-0.5);
    expect(parse('--threshold=-1').values.threshold).toBe(-1);
  });

  it('notices --help and -h among other arguments', () => {
    expect(parse('a', '--help').help).toBe(true);
    expect(parse('-h').help).toBe(true);
  });

  it('names an unknown option as typed, with its quotes closed', () => {
    expect(usageMessage('--thresold', '0.3')).toBe("samestory cluster: unknown option '--thresold'; see 'samestory cluster --help'");
    expect(usageMessage('-x')).toContain("unknown option '-x';");
  });

  it('reports a missing value, also when the next argument is another option', () => {
    expect(usageMessage('--threshold')).toContain("option '--threshold': needs a value <x>");
    expect(usageMessage('--model', '--json')).toContain("option '--model': needs a value <id>");
  });

  it('rejects a value that is not a number, a choice that is not listed and a value given to a flag', () => {
    expect(usageMessage('--threshold', 'high')).toContain("option '--threshold': must be a number, got 'high'");
    expect(usageMessage('--dtype', 'fp16')).toContain("option '--dtype': must be 'q8' or 'fp32', got 'fp16'");
    expect(usageMessage('--json=yes')).toContain("option '--json': takes no value");
  });

  it('remembers how each option was typed', () => {
    expect(parse('--threshold=0.2').typed.get('threshold')).toBe('--threshold');
  });
});

describe('describeOptions', () => {
  it('lists every option with its value placeholder or choices, aligned', () => {
    const lines = describeOptions(TABLE).split('\n');
    expect(lines).toEqual([
      '  --json             print JSON',
      '  --threshold <x>    similarity',
      '  --model <id>       model id',
      '  --dtype <q8|fp32>  weights',
    ]);
  });
});
