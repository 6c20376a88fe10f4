// README.md's TypeScript examples, as a user would paste them: every ```ts block is compiled
// and run in a fresh project that installs samestory by name (linked to this repository's
// built dist/), once as an ES module (.mts) and once as CommonJS (.cts). A block that needs a
// downloaded model or a PostgreSQL server says so with a `// needs: model download` or
// `// needs: PostgreSQL` line and is only type-checked (tests/store runs the PostgreSQL calls).
// Needs `npm run build` first (as CI runs it).

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const NEEDS_SERVICE = /^\s*\/\/\s*needs:\s*(?:model download|PostgreSQL)/m;

interface ReadmeBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  code: string;
  runs: boolean;
}

/** Every ```ts / ```typescript block of a Markdown text. */
export function typescriptBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const code = body.join('\n');
    blocks.push({ line: start + 1, code, runs: !NEEDS_SERVICE.test(code) });
  }
  return blocks;
}

const blocks = typescriptBlocks(await readFile(join(ROOT, 'README.md'), 'utf8'));
let project: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/index.js')) || !existsSync(join(ROOT, 'dist/index.cjs'))) {
    throw new Error('dist/ is missing: run `npm run build` before this test (bash .ci/run does)');
  }
  project = await mkdtemp(join(tmpdir(), 'samestory-readme-'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'readme-user', private: true, type: 'commonjs' }));
  await mkdir(join(project, 'node_modules/@types'), { recursive: true });
  // As `npm install samestory` would: the package by name, resolved through its exports.
  await symlink(ROOT, join(project, 'node_modules/samestory'), 'dir');
  await symlink(join(ROOT, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'), 'dir');
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, outDir: 'out', rootDir: '.', types: ['node'], skipLibCheck: true },
      include: ['*.mts', '*.cts'],
    }),
  );
  for (const [n, block] of blocks.entries()) {
    await writeFile(join(project, `block${n + 1}.mts`), block.code + '\n');
    await writeFile(join(project, `block${n + 1}.cts`), block.code + '\n');
  }
}, 60_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe("README's TypeScript blocks", () => {
  it('has blocks to check, and counts them', () => {
    const ran = blocks.filter((b) => b.runs).length;
    console.log(`README: ${blocks.length} TypeScript blocks; ${ran} run as ESM and as CommonJS, ${blocks.length - ran} type-checked only (// needs: model download or PostgreSQL)`);
    expect(ran).toBeGreaterThan(0);
  });

  it('type-check as ES modules and as CommonJS against the published types', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', project], { cwd: project }).catch((error: { stdout: string }) => error);
    const output = 'stdout' in result ? result.stdout : '';
    // Name the README line of each error, not the temporary file.
    const located = output.replace(/block(\d+)\.([mc]ts)\((\d+),(\d+)\)/g, (_m, n: string, ext: string, line: string) => `README.md:${blocks[Number(n) - 1]!.line + Number(line)} (${ext === 'mts' ? 'ESM' : 'CommonJS'})`);
    expect(located).toBe('');
  }, 120_000);

  for (const [n, block] of blocks.entries()) {
    if (!block.runs) continue;
    for (const [kind, file] of [
      ['ESM', `out/block${n + 1}.mjs`],
      ['CommonJS', `out/block${n + 1}.cjs`],
    ] as const) {
      it(`runs the block at README.md line ${block.line} as ${kind}`, async () => {
        const { stderr } = await run(process.execPath, [file], { cwd: project, env: { ...process.env, NODE_OPTIONS: '' } });
        expect(stderr).toBe('');
      }, 120_000);
    }
  }
});
