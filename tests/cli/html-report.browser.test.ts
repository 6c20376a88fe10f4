// The --html report opened in a real browser (Debian's chromium through playwright-core): as
// many cards as the CLI reports stories, and opening a card shows why its articles belong.
// Runs on every CI run: without chromium the launch fails with the install command.

import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/chromium.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const tsx = join(ROOT, 'node_modules/.bin/tsx');

let browser: Browser | undefined;
let page: Page;
// A launch failure is kept and thrown by every test, so a machine without chromium counts
// failed tests (CI's summary line), not tests skipped after a failed hook.
let launchError: unknown;
let clusters: Array<{ id: string; articles: unknown[] }>;
const requested: string[] = [];

beforeAll(async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'samestory-browser-')), 'report.html');
  const { stdout } = await run(tsx, [join(ROOT, 'src/cli/bin.ts'), 'cluster', join(ROOT, 'examples/articles'), '--html', out, '--json', '--quiet']);
  clusters = (JSON.parse(stdout) as { clusters: typeof clusters }).clusters;
  try {
    browser = await launchChromium();
  } catch (error) {
    launchError = error;
    return;
  }
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(pathToFileURL(out).href);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

function requireBrowser(): void {
  if (launchError !== undefined) throw launchError;
}

describe('the HTML report in chromium', () => {
  it('shows one story card per cluster of the JSON report', async () => {
    requireBrowser();
    expect(clusters.length).toBeGreaterThan(1);
    expect(await page.locator('[data-story-id]').count()).toBe(clusters.length);
    for (const cluster of clusters) expect(await page.locator(`[data-story-id="${cluster.id}"]`).count()).toBe(1);
  });

  it("shows a card's explanation only once the card is opened, with a shared feature in it", async () => {
    requireBrowser();
    const multi = clusters.find((c) => c.articles.length > 1)!;
    const card = page.locator(`[data-story-id="${multi.id}"]`);
    const explanation = card.locator('section.explanation');
    expect(await explanation.isVisible()).toBe(false);
    await card.locator('summary').click();
    await explanation.waitFor({ state: 'visible' });
    const features = explanation.locator('li.feature');
    expect(await features.count()).toBeGreaterThan(0);
    expect(await features.first().isVisible()).toBe(true);
    expect(await explanation.locator('blockquote').count()).toBeGreaterThan(0);
  });

  it('loads nothing but the file itself', () => {
    requireBrowser();
    expect(requested.filter((url) => !url.startsWith('file://'))).toEqual([]);
  });
});
