// Starts Debian's chromium (`apt-get install chromium`; .ci/run installs it) through
// playwright-core, for the report's browser test and `npm run screenshot`. Playwright's own
// browser download does not work offline, so the system browser is used.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SAMESTORY_CHROMIUM ?? '/usr/bin/chromium';

// No sandbox: CI runs as root in a container. No background traffic: the page must load
// with nothing but the file itself.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (bash .ci/run does), ` +
        'or point SAMESTORY_CHROMIUM at a Chromium binary',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}
