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

  it('drags a tip handle in the camera plane and moves the cursor by clicking a slice', async () => {
    const page = await browser.newPage({ viewport: { width: 1230, height: 960 }, deviceScaleFactor: 1 });
    await page.goto(`${base}/test/views/fixture.html`);
    await page.waitForFunction(() => (window as unknown as { marginStats?: unknown; project?: unknown }).marginStats != null
      && (window as unknown as { project?: unknown }).project != null, null, { timeout: 60_000 });
    await page.waitForTimeout(300);
    const box = (await page.locator('[data-testid="viewport3d"] canvas').first().boundingBox())!;
    // P2's tip handle (fixture plan) on screen.
    const tip = [-6, -3, -12];
    const [hx, hy] = await page.evaluate((p) => (window as unknown as { project: (mm: number[]) => [number, number] }).project(p), tip);
    await page.mouse.move(box.x + hx, box.y + hy);
    await page.mouse.down();
    await page.mouse.move(box.x + hx + 30, box.y + hy, { steps: 5 });
    await page.mouse.move(box.x + hx + 60, box.y + hy - 20, { steps: 5 });
    await page.mouse.up();
    const drags = await page.evaluate(() => (window as unknown as { drags: { id: string; handle: string; mm: number[]; phase: string }[] }).drags);
    expect(drags.length).toBeGreaterThan(3);
    expect(drags[0]).toMatchObject({ id: 'P2', handle: 'tip', phase: 'start' });
    expect(drags[0].mm[0]).toBeCloseTo(-6, 3);
    expect(drags.at(-1)!.phase).toBe('end');
    const end = drags.at(-1)!.mm;
    // Moved to the patient's left (+x) in a plane facing the camera, by tens of mm at most.
    expect(end[0]).toBeGreaterThan(-6 + 5);
    expect(Math.hypot(end[0] + 6, end[1] + 3, end[2] + 12)).toBeLessThan(60);
    // The end position projects back under the pointer.
    const [ex, ey] = await page.evaluate((p) => (window as unknown as { project: (mm: number[]) => [number, number] }).project(p), end);
    expect(Math.abs(ex - (hx + 60))).toBeLessThan(1.5);
    expect(Math.abs(ey - (hy - 20))).toBeLessThan(1.5);

    // Click 40 px right of and 20 px below the axial image centre (grid centred on 0): x > 0, y > 0 (posterior).
    const ax = (await page.locator('[data-testid="slice-axial"]').boundingBox())!;
    await page.mouse.click(ax.x + ax.width / 2 + 40, ax.y + ax.height / 2 + 20);
    const cursor = await page.evaluate(() => (window as unknown as { cursor: number[] }).cursor);
    const scale = Math.min(ax.width - 60, ax.height - 60) / 91;
    expect(cursor[0]).toBeCloseTo(40 / scale, 0);
    expect(cursor[1]).toBeCloseTo(20 / scale, 0);
    expect(cursor[2]).toBe(0);
    await page.close();
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
