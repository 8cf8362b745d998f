/**
 * Screenshot harness for the views: serves test/views/fixture.html with vite (repo config) and
 * renders it in headless Chromium (SwiftShader WebGL). Screenshots go to test-results/views/.
 * Asserts that the 3D canvas and the slice canvases are not blank.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViteDevServer } from 'vite';
import type { Browser, Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const root = resolve(import.meta.dirname, '../..');
const outDir = resolve(root, 'test-results/views');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`render.e2e: skipped, ${CHROMIUM} not found (install chromium to run the screenshot test)`);

/** Standard deviation of the canvas's pixel luminance, read in the page. */
async function canvasStd(page: Page, selector: string): Promise<number> {
  return page.evaluate(async (sel) => {
    const c = document.querySelector(sel) as HTMLCanvasElement | null;
    if (!c) return -1;
    const bmp = await createImageBitmap(c);
    const off = document.createElement('canvas');
    off.width = bmp.width; off.height = bmp.height;
    const ctx = off.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, off.width, off.height).data;
    let s = 0, s2 = 0, n = 0;
    for (let i = 0; i < d.length; i += 16) {
      const l = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
      s += l; s2 += l * l; n++;
    }
    const m = s / n;
    return Math.sqrt(Math.max(0, s2 / n - m * m));
  }, selector);
}

describe.skipIf(!hasChromium)('views render in a real browser', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let base = '';

  beforeAll(async () => {
    const { createServer } = await import('vite');
    const { chromium } = await import('playwright-core');
    server = await createServer({
      configFile: resolve(root, 'vite.config.ts'),
      root,
      logLevel: 'error',
      server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false },
    });
    await server.listen();
    const addr = server.httpServer?.address();
    if (!addr || typeof addr === 'string') throw new Error('vite did not start');
    base = `http://127.0.0.1:${addr.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking', '--no-sandbox'],
    });
    mkdirSync(outDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const variant of ['plain', 'clip'] as const) {
    it(`renders the fixture (${variant})`, async () => {
      const page = await browser.newPage({ viewport: { width: 1230, height: 960 }, deviceScaleFactor: 1 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`${base}/test/views/fixture.html${variant === 'clip' ? '?clip=1' : ''}`);
      await page.waitForFunction(() => (window as unknown as { marginStats?: unknown }).marginStats != null, null, { timeout: 60_000 });
      await page.waitForTimeout(800);
      await page.screenshot({ path: resolve(outDir, `fixture-${variant}.png`) });
      await page.locator('[data-testid="viewport3d"] canvas').first().screenshot({ path: resolve(outDir, `viewport3d-${variant}.png`) });
      if (variant === 'plain') {
        await page.locator('[data-testid="slice-axial"]').screenshot({ path: resolve(outDir, 'slice-axial.png') });
        await page.locator('[data-testid="slice-coronal"]').screenshot({ path: resolve(outDir, 'slice-coronal.png') });
      }
      const std3d = await canvasStd(page, '[data-testid="viewport3d"] canvas');
      const stdAxial = await canvasStd(page, '[data-testid="slice-axial"]');
      const stdSag = await canvasStd(page, '[data-testid="slice-sagittal"]');
      const stats = await page.evaluate(() => (window as unknown as { marginStats: { counts: number[] } }).marginStats);
      await page.close();
      expect(errors, errors.join('\n')).toEqual([]);
      expect(std3d).toBeGreaterThan(8);
      expect(stdAxial).toBeGreaterThan(8);
      expect(stdSag).toBeGreaterThan(8);
      // The synthetic ice ball is off-centre: all three margin bands appear on the tumour.
      expect(stats.counts[0]).toBeGreaterThan(0);
      expect(stats.counts[1]).toBeGreaterThan(0);
      expect(stats.counts[2]).toBeGreaterThan(0);
    });
  }
});
