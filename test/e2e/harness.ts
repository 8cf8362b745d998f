/**
 * End-to-end harness: a Vite dev server started in-process with the repo's vite.config.ts on a
 * free port, and Chromium (software GL) driven by playwright-core. Helpers read the screen the
 * way a user does: run status, the timeline, the metrics panel.
 */

import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = resolve(ROOT, 'test-results');

export interface Harness {
  server: ViteDevServer;
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  mkdirSync(RESULTS, { recursive: true });
  const server = await createServer({
    configFile: resolve(ROOT, 'vite.config.ts'),
    root: ROOT,
    logLevel: 'error',
    // No file watching and no HMR: edits made elsewhere in the repo while the tests run must
    // not reload the page under test.
    server: { port: 0, host: '127.0.0.1', strictPort: false, open: false, hmr: false, watch: null },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite did not report a URL');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking', '--no-sandbox'],
  });
  await warmUp(browser, url);
  return {
    server,
    browser,
    url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Loads the app once so that Vite has transformed every module (and pre-bundled dependencies)
 * before the first test measures anything.
 */
async function warmUp(browser: Browser, url: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('run-status').waitFor({ timeout: 120_000 });
  await waitForRun(page, 20, 0, 120_000);
  await context.close();
}

/** Console errors and page errors seen by a page. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

export interface RunState {
  runId: number;
  status: string;
  latestS: number;
  coarse: boolean;
  previewShown: boolean;
}

/**
 * The run status, read in one go: attribute by attribute, a read could take the preview's id and
 * newest time and the next (fine) run's coarse flag, and pass for a fine run at the protocol end.
 */
export async function runState(page: Page): Promise<RunState> {
  return page.getByTestId('run-status').evaluate((el) => ({
    runId: Number(el.getAttribute('data-run-id')),
    status: el.getAttribute('data-status') ?? '',
    latestS: Number(el.getAttribute('data-latest-s')),
    coarse: el.getAttribute('data-coarse') === 'true',
    previewShown: el.getAttribute('data-preview-shown') === 'true',
  }));
}

/** Waits until a fine run newer than `afterRunId` has reached `t_s`. */
export async function waitForRun(page: Page, t_s: number, afterRunId = 0, timeoutMs = 150_000): Promise<RunState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await runState(page);
    if (s.status === 'error') throw new Error(`the run failed: ${await page.getByTestId('run-status').textContent()}`);
    if (s.runId > afterRunId && !s.coarse && s.latestS >= t_s) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for run > ${afterRunId} to reach ${t_s} s (now ${JSON.stringify(s)})`);
    await page.waitForTimeout(250);
  }
}

export interface Metrics {
  t: string;
  coverage: string;
  margin: string;
  minMargin: string;
  iso: Record<string, string>;
}

/** The metrics panel at simulated time `t_s`: waits for the run to pass it, scrubs there, reads, returns to live. */
export async function metricsAt(page: Page, t_s: number, afterRunId = 0): Promise<Metrics & { runId: number }> {
  const s = await waitForRun(page, t_s, afterRunId);
  // Move off t_s first: when the live frame is exactly at t_s the slider already shows it, and
  // filling the same value fires no change, so the view would keep following the run.
  await page.getByTestId('scrub').fill('0');
  await page.getByTestId('scrub').fill(String(t_s));
  const minutes = `${Math.floor(t_s / 60)}:${String(t_s % 60).padStart(2, '0')}`;
  await page.getByTestId('metrics-time').filter({ hasText: `at ${minutes}` }).waitFor();
  // Read the whole panel in one go (frames keep arriving while we read), and only once the
  // panel shows t_s and two reads in a row agree.
  const read = () => page.evaluate(() => {
    const dd = (id: string) => document.querySelector(`[data-metric="${id}"] dd`)?.textContent?.trim() ?? '';
    const iso: Record<string, string> = {};
    for (const row of document.querySelectorAll('[data-testid="isotherms"] .metric')) {
      iso[row.querySelector('dt')?.textContent?.trim() ?? ''] = row.querySelector('dd')?.textContent?.trim() ?? '';
    }
    return {
      label: document.querySelector('[data-testid="metrics-time"]')?.textContent ?? '',
      coverage: dd('tumor-coverage'), margin: dd('margin-coverage'), minMargin: dd('min-margin'), iso,
    };
  });
  let previous = '';
  let panel = await read();
  for (let tries = 0; ; tries++) {
    const key = JSON.stringify(panel);
    if (panel.label.includes(`at ${minutes}`) && key === previous) break;
    if (tries > 200) throw new Error(`metrics panel never settled at ${minutes}: ${key}`);
    previous = key;
    await page.waitForTimeout(100);
    panel = await read();
  }
  const m: Metrics & { runId: number } = {
    runId: s.runId,
    t: minutes,
    coverage: panel.coverage,
    margin: panel.margin,
    minMargin: panel.minMargin,
    iso: panel.iso,
  };
  const live = page.getByRole('button', { name: 'Live' });
  if (await live.isVisible()) await live.click();
  return m;
}

/** Percentage text ("95.8 %") → number. */
export function percent(text: string): number {
  const m = /(-|−)?\d+(\.\d+)?/.exec(text);
  if (!m) throw new Error(`no number in "${text}"`);
  return Number(m[0].replace('−', '-'));
}

/** Mean and variance of the luminance of a PNG, decoded in the page. */
export async function pngStats(page: Page, png: Buffer): Promise<{ mean: number; variance: number; distinct: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let sum = 0, sum2 = 0;
    const seen = new Set<number>();
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      const y = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
      sum += y;
      sum2 += y * y;
      if (seen.size < 5000) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    const mean = sum / n;
    return { mean, variance: sum2 / n - mean * mean, distinct: seen.size };
  }, png.toString('base64'));
}
