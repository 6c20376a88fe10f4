// `npm run screenshot`: writes docs/report.png, the README's picture of `samestory cluster
// --html`. The example articles are .txt files without dates, so they are fed as JSONL with
// the publication times of examples/expected-stories.json, to show the timeline too.
// Needs Debian's chromium (see scripts/chromium.ts).

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { launchChromium } from './chromium.js';

const ROOT = join(import.meta.dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
const OUT = join(ROOT, 'docs/report.png');

const expected = JSON.parse(await readFile(join(EXAMPLES, 'expected-stories.json'), 'utf8')) as { publishedAt: Record<string, string> };
const work = await mkdtemp(join(tmpdir(), 'samestory-screenshot-'));
try {
  const lines: string[] = [];
  for (const file of (await readdir(join(EXAMPLES, 'articles'))).sort()) {
    const [title, ...body] = (await readFile(join(EXAMPLES, 'articles', file), 'utf8')).trim().split('\n');
    lines.push(JSON.stringify({ id: file, title, text: body.join('\n').trim(), publishedAt: expected.publishedAt[file] }));
  }
  await writeFile(join(work, 'examples.jsonl'), lines.join('\n') + '\n');
  const html = join(work, 'report.html');
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'src/cli/bin.ts'), 'cluster', join(work, 'examples.jsonl'), '--html', html, '--quiet']);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(pathToFileURL(html).href);
    // Open the second story, so the picture shows the header, a closed card and an explanation.
    await page.locator('details.story:not([data-members="1"]) > summary').nth(1).click();
    await mkdir(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: OUT });
  } finally {
    await browser.close();
  }
  console.log(`screenshot written to ${OUT}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
