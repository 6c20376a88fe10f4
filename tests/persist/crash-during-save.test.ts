// Kills a real child process with SIGKILL while it saves, many times at different
// moments, and checks that the folder always loads, holding the old or the new state.

import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoryDetector } from '../../src/detector.js';
import { WordHashEmbedder } from '../support/word-hash-embedder.js';
import { generatedArticles } from './story-articles.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const childScript = path.join(here, 'fixtures/save-child.ts');

const TRIALS = 20;
const A_SIZE = 500;
const B_EXTRA = 500;
const idsA = generatedArticles('a', A_SIZE).map((a) => a.id).sort();
const idsB = [...idsA, ...generatedArticles('b', B_EXTRA).map((a) => a.id)].sort();

let root: string;
let template: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'samestory-crash-'));
  template = path.join(root, 'state-a');
  const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
  await detector.add(generatedArticles('a', A_SIZE));
  await detector.save(template);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * Starts the child on `dir`, kills it `delayMs` after it has loaded A and added B (its
 * first save starts right then) and returns how many saves it finished before dying.
 */
function saveAndKill(dir: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, dir, String(B_EXTRA)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (timer === undefined && stdout.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child ended without being killed (code ${code}): ${stderr}`));
      else resolve(stdout.split('\n').filter((line) => line.startsWith('saved')).length);
    });
  });
}

function allIds(detector: StoryDetector): string[] {
  return detector.clusters().flatMap((story) => story.articleIds).sort();
}

/** One kill: copy state A, kill the child's save of B, load, check, save again. */
async function runTrial(trial: number): Promise<{ state: 'A' | 'B'; leftovers: string[] }> {
  const dir = path.join(root, `trial-${trial}`);
  await cp(template, dir, { recursive: true });
  // Spread over the first saves (about 30-100 ms each here), with jitter.
  const delayMs = trial * 8 + Math.random() * 8;
  const finishedSaves = await saveAndKill(dir, delayMs);
  // What the killed save left (a temp folder, an extra bundle) says where it was stopped.
  const leftovers = (await readdir(dir)).filter((name) => name !== 'CURRENT').map((name) => name.replace(/[-.][0-9a-f-]+(\.tmp)?$/, ''));

  const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
  const state = loaded.size === idsA.length ? 'A' : 'B';
  expect(allIds(loaded)).toEqual(state === 'A' ? idsA : idsB);
  // A save that reported success must not be undone by a later kill.
  if (finishedSaves > 0) expect(state).toBe('B');

  // The next save clears whatever the killed one left behind.
  await loaded.save(dir);
  expect((await readdir(dir)).filter((name) => name !== 'CURRENT')).toHaveLength(1);
  return { state, leftovers };
}

describe('a save killed at a random moment', () => {
  it(`always leaves a loadable bundle holding the old or the new state (${TRIALS} kills)`, { timeout: 180_000 }, async () => {
    // Two children at a time: each spends most of its life starting up (module loading).
    const outcomes: Array<{ state: 'A' | 'B'; leftovers: string[] }> = [];
    let next = 0;
    const lane = async () => {
      while (next < TRIALS) outcomes.push(await runTrial(next++));
    };
    await Promise.all([lane(), lane()]);
    expect(outcomes).toHaveLength(TRIALS);
    if (process.env.SAMESTORY_REPORT_CRASH_TRIALS) {
      const a = outcomes.filter((o) => o.state === 'A').length;
      console.info(`crash trials: ${a} A, ${TRIALS - a} B; leftovers: ${JSON.stringify(outcomes.map((o) => `${o.state}:${o.leftovers.join('+')}`))}`);
    }
  });
});
