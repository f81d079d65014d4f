// Debian's Chromium for the tests that run in a real browser: where it is, whether those tests run,
// and a headless launch with a fresh profile, driven by playwright-core.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's /usr/bin/chromium, or CHAINRULE_CHROMIUM. */
export const chromiumPath = process.env.CHAINRULE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether a browser test runs: when Chromium is there, and always under CI=true (where .ci/run
 * installs it, so its absence fails the test instead of skipping it). Warns, naming `what`, when not.
 */
export function browserTestsRun(what: string): boolean {
  const run = existsSync(chromiumPath) || process.env.CI === 'true';
  if (!run) {
    console.warn(
      `${what} skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHAINRULE_CHROMIUM); under CI=true it runs and fails instead`,
    );
  }
  return run;
}

/** A headless Chromium with a fresh profile; `close()` also removes the profile. */
export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile in a temporary folder, without a sandbox, GPU or
 * background network traffic (no component updates, no sync), as the tests run it.
 */
export async function launchChromium(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<Chromium> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: .ci/run installs Debian's chromium package`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'chainrule-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    timeout: 15_000,
    ...(options.viewport === undefined ? {} : { viewport: options.viewport }),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
