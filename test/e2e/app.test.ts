/**
 * The planning app in a real browser (Chromium, software WebGL) against the real engine worker.
 * Numbers are read from the screen at a fixed simulated time (scrubbed to) so that runs can be
 * compared. Screenshots go to test-results/ (gitignored).
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  CHROMIUM, HAS_CHROMIUM, RESULTS, collectErrors, metricsAt, percent, pngStats, runState, startHarness, waitForRun,
  type Harness,
} from './harness.ts';

if (!HAS_CHROMIUM) console.warn(`e2e: skipped, ${CHROMIUM} is not installed (CI installs it)`);

const POLL = { timeout: 60_000, interval: 250 };
const T = 240; // simulated seconds at which runs are compared (inside the first freeze)

describe.skipIf(!HAS_CHROMIUM)('planning app (e2e)', () => {
  let h: Harness;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  async function open(viewport = { width: 1280, height: 720 }, url = h.url): Promise<void> {
    context = await h.browser.newContext({ viewport, acceptDownloads: true });
    context.setDefaultTimeout(90_000);
    // Counts WebGL shader programs linked, for the test that runs must not recompile shaders.
    await context.addInitScript(() => {
      const gl2 = WebGL2RenderingContext.prototype;
      const link = gl2.linkProgram;
      const w = window as unknown as { __programsLinked: number };
      w.__programsLinked = 0;
      gl2.linkProgram = function (this: WebGL2RenderingContext, program: WebGLProgram) {
        w.__programsLinked++;
        link.call(this, program);
      };
    });
    page = await context.newPage();
    errors = collectErrors(page);
    await page.goto(url);
    await page.getByTestId('plan-name').waitFor({ timeout: 60_000 });
  }
  afterEach(async () => {
    // No console errors in any test.
    expect(errors).toEqual([]);
    await context?.close();
  });

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: resolve(RESULTS, `e2e-${name}.png`), timeout: 90_000 });
  }

  /** Picks a file through a Files menu item, as a user does. */
  async function chooseFile(item: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await page.getByTestId('files-button').click();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId(item).click()]);
    await chooser.setFiles(file);
  }

  async function savePlanText(): Promise<string> {
    await page.getByTestId('files-button').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-plan').click()]);
    const path = await download.path();
    return readFileSync(path, 'utf8');
  }

  it('opens on the liver sample, simulates without a click and shows metrics; the 3D view is not blank', async () => {
    await open();
    await expect.poll(() => page.getByTestId('plan-name').textContent(), POLL).toMatch(/Liver tumour 3 cm/);
    await expect.poll(() => page.getByTestId('disclaimer').textContent(), POLL).toBe(
      'Simulation for education and planning rehearsal — not a medical device',
    );
    const m = await metricsAt(page, T);
    expect(percent(m.coverage)).toBeGreaterThan(0);
    expect(percent(m.coverage)).toBeLessThanOrEqual(100);
    expect(m.minMargin).toMatch(/mm$/);
    expect(Object.keys(m.iso)).toEqual(['Volume ≤ 0 °C (ice)', 'Volume ≤ −20 °C', 'Volume ≤ −40 °C (lethal)']);
    for (const v of Object.values(m.iso)) expect(v).toMatch(/^\d+\.\d ml$/);
    // Ice volume ordering: 0 °C ⊇ −20 °C ⊇ −40 °C.
    const vols = Object.values(m.iso).map(percent);
    expect(vols[0]).toBeGreaterThan(vols[1]);
    expect(vols[1]).toBeGreaterThan(vols[2]);

    await waitForRun(page, 300);
    // The margin worker's bands: every tumour-surface vertex counted in one of three bands.
    const histogram = page.getByTestId('margin-histogram');
    await expect.poll(() => histogram.textContent(), POLL).toMatch(/Surface with margin ≥ \d+ mm/);
    const bandCounts = [...((await histogram.textContent()) ?? '').matchAll(/\((\d+)\)/g)].map((x) => Number(x[1]));
    expect(bandCounts).toHaveLength(3);
    expect(bandCounts[0] + bandCounts[1] + bandCounts[2]).toBeGreaterThan(100);
    const canvas = page.getByTestId('view-3d').locator('canvas');
    const stats = await pngStats(page, await canvas.screenshot({ timeout: 90_000 }));
    expect(stats.variance).toBeGreaterThan(100);
    expect(stats.distinct).toBeGreaterThan(50);
    for (const id of ['slice-z', 'slice-y', 'slice-x']) {
      const s = await pngStats(page, await page.getByTestId(id).locator('canvas').screenshot({ timeout: 90_000 }));
      expect(s.variance, id).toBeGreaterThan(100);
    }
    await shot('sample-1280x720');
  }, 240_000);

  it('adding a probe and moving it changes coverage; undo restores it', async () => {
    await open();
    const base = await metricsAt(page, T);
    await page.getByTestId('add-probe').click();
    await expect.poll(() => page.getByTestId('probes-section').locator('.probe-row').count(), POLL).toBe(4);
    const added = await metricsAt(page, T, base.runId);
    expect(added.coverage === base.coverage && added.margin === base.margin).toBe(false);
    const programsLinked = () => page.evaluate(() => (window as unknown as { __programsLinked: number }).__programsLinked);
    const linkedBeforeMove = await programsLinked();
    // Move the new probe's tip to the other side of the tumour by typing its x coordinate.
    const tipX = page.getByTestId('tip-x');
    await tipX.fill('-12');
    await tipX.press('Enter');
    const moved = await metricsAt(page, T, added.runId);
    expect(moved.margin === added.margin && moved.coverage === added.coverage).toBe(false);
    // The new run's isotherm shells reuse the shader programs of the last run: each new program
    // blocked the page for 0.2-0.9 s on software GL when the run's first ice appeared.
    expect(linkedBeforeMove).toBeGreaterThan(0);
    expect(await programsLinked()).toBe(linkedBeforeMove);
    await shot('added-probe');
    // Ctrl+Z (focus outside text fields) puts the tip back: the same numbers as before the move.
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => tipX.inputValue(), POLL).not.toBe('-12');
    const undone = await metricsAt(page, T, moved.runId);
    expect(undone.coverage).toBe(added.coverage);
    expect(undone.margin).toBe(added.margin);
  }, 400_000);

  it('a protocol edit changes the result', async () => {
    await open();
    const base = await metricsAt(page, T);
    // The first freeze ends at 3:00 instead of 10:00: at 4:00 the ice has been thawing for a minute.
    const d = page.getByTestId('phase-duration-0');
    await d.fill('3:00');
    await d.press('Enter');
    await expect.poll(() => page.locator('.phasebar__seg').first().textContent(), POLL).toBe('freeze');
    // The edit's 2 mm preview shows the new protocol's end state first; the 1 mm run refines it.
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-preview-shown'), POLL).toBe('true');
    // Read together (the refinement may finish between two reads): the results and the charts both
    // go on with the preview where the 1 mm run has not got to.
    const labels = await page.evaluate(() => [
      document.querySelector('[data-testid="metrics-time"]')?.textContent ?? null,
      document.querySelector('[data-testid="charts"]')?.getAttribute('data-preview-from-s') ?? null,
    ]);
    expect(labels[0]).toBe('at 21:00 min:s (2 mm preview, refining)'); // 3 + 8 + 10 min
    expect(labels[1]).toMatch(/^\d+(\.\d+)?$/); // the charts shade the preview's part from there
    expect(Number(labels[1])).toBeLessThan(21 * 60);
    const edited = await metricsAt(page, T, base.runId);
    const lethalBase = percent(base.iso['Volume ≤ −40 °C (lethal)']);
    const lethalEdited = percent(edited.iso['Volume ≤ −40 °C (lethal)']);
    expect(lethalEdited).toBeLessThan(lethalBase);
    // An out-of-range duration is refused with a message by field path; the plan keeps 3:00.
    await d.fill('0:00');
    await d.press('Enter');
    await expect.poll(() => page.getByTestId('validation').textContent(), POLL).toMatch(/protocol\[0\]\.duration_s: must be between 1 and 10800 s/);
    await d.fill('3:00');
    await d.press('Enter');
    await expect.poll(() => page.getByTestId('validation').count(), POLL).toBe(0);
    // Space plays the timeline from the start.
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('play').textContent(), POLL).toMatch(/Pause/);
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('play').textContent(), POLL).toMatch(/Play/);
    await shot('protocol-edit');
    // The plan is autosaved in this browser and restored on reload.
    await page.waitForTimeout(1500);
    await page.reload();
    await expect.poll(() => page.getByTestId('phase-duration-0').inputValue(), POLL).toBe('3:00');
  }, 300_000);

  it('a share link opens the same plan elsewhere; the report is a picture and a table', async () => {
    await open();
    const margin = page.getByTestId('margin');
    await margin.fill('7');
    await margin.press('Enter');
    await waitForRun(page, 60, 1);
    await page.getByTestId('files-button').click();
    await page.getByTestId('share-link').click();
    const link = await page.getByLabel('Share link').inputValue({ timeout: 30_000 });
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#plan=[A-Za-z0-9_-]+$/);
    const saved = await savePlanText();

    // Report: two downloads, a PNG of the views and a printable HTML page with the metrics.
    await page.getByTestId('files-button').click();
    const downloads: Promise<import('playwright-core').Download>[] = [page.waitForEvent('download'), page.waitForEvent('download', { predicate: (d) => d.suggestedFilename().endsWith('.html') })];
    await page.getByTestId('export-report').click();
    const [png, html] = await Promise.all(downloads);
    expect(png.suggestedFilename()).toMatch(/-report\.png$/);
    const pngBytes = readFileSync(await png.path());
    await png.saveAs(resolve(RESULTS, 'e2e-report.png'));
    expect((await pngStats(page, pngBytes)).variance).toBeGreaterThan(100);
    const htmlText = readFileSync(await html.path(), 'utf8');
    expect(htmlText).toContain('Simulation for education and planning rehearsal — not a medical device');
    expect(htmlText).toMatch(/Tumour at ≤ −40 °C<\/th><td>\d+\.\d %/);
    expect(htmlText).toMatch(/7 mm margin shell/);
    expect(htmlText).toContain('<img alt="3D view and axial, coronal and sagittal slices" src="data:image/png;base64,');

    // The link in a fresh browser (no autosave) opens the same plan. The first page is closed
    // first so that only one simulation competes for the CPU.
    expect(errors).toEqual([]);
    await context.close();
    await open(undefined, link);
    await expect.poll(() => page.getByTestId('margin').inputValue(), POLL).toBe('7');
    expect(await savePlanText()).toBe(saved);
  }, 300_000);

  it('save then open gives the same plan and the same numbers; a broken mesh is refused and loses nothing', async () => {
    await open();
    const before = await metricsAt(page, T);
    const saved = await savePlanText();
    expect(JSON.parse(saved).format).toBe('cryoplan/1');

    // Change the plan, then open the saved file.
    const lethal = page.getByTestId('lethal');
    await lethal.fill('-30');
    await lethal.press('Enter');
    await waitForRun(page, 20, before.runId);
    const changed = await runState(page);
    await chooseFile('open-plan', { name: 'liver.cryoplan.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
    await expect.poll(() => page.getByTestId('files-status').textContent(), POLL).toMatch(/Opened/);
    await expect.poll(() => lethal.inputValue(), POLL).toBe('-40');
    const reopened = await metricsAt(page, T, changed.runId);
    expect(reopened.coverage).toBe(before.coverage);
    expect(reopened.margin).toBe(before.margin);
    expect(reopened.minMargin).toBe(before.minMargin);
    expect(reopened.iso).toEqual(before.iso);
    expect(await savePlanText()).toBe(saved);

    // A broken STL: a clear error, the plan and the run untouched.
    const runBefore = await runState(page);
    await chooseFile('import-tumor', {
      name: 'broken.stl',
      mimeType: 'model/stl',
      buffer: Buffer.from('solid broken\n facet normal 0 0 1\n  outer loop\n   vertex 0 0\n'),
    });
    await expect.poll(() => page.getByTestId('files-status').textContent(), POLL).toMatch(/Could not import broken\.stl: .+The plan is unchanged\./);
    await expect.poll(() => page.getByTestId('files-status').getAttribute('class'), POLL).toMatch(/files__status--error/);
    await shot('broken-mesh');
    expect((await runState(page)).runId).toBe(runBefore.runId);
    await expect.poll(() => page.getByTestId('shapes-section').textContent(), POLL).toMatch(/Tumour: ellipsoid 30 × 28 × 28 mm/);
    expect(await savePlanText()).toBe(saved);
  }, 400_000);

  it('imports a valid mesh as an organ at risk and lays out at full HD', async () => {
    await open({ width: 1920, height: 1080 });
    // A closed tetrahedron as ASCII STL, 10 mm, beside the tumour.
    const v = [[20, 20, 0], [30, 20, 0], [20, 30, 0], [20, 20, 10]];
    const faces = [[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]];
    const stl = `solid tet\n${faces.map((f) => ` facet normal 0 0 0\n  outer loop\n${f.map((i) => `   vertex ${v[i].join(' ')}`).join('\n')}\n  endloop\n endfacet`).join('\n')}\nendsolid tet\n`;
    const before = await runState(page);
    await chooseFile('import-avoid', { name: 'gallbladder.stl', mimeType: 'model/stl', buffer: Buffer.from(stl) });
    await expect.poll(() => page.getByTestId('files-status').textContent(), POLL).toMatch(/Imported gallbladder\.stl as organ at risk/);
    await expect.poll(() => page.getByTestId('shapes-section').textContent(), POLL).toMatch(/gallbladder.*mesh gallbladder\.stl \(4 triangles\)/);
    await waitForRun(page, 120, before.runId);
    await shot('full-hd');
  }, 240_000);

  it('a probe dragged in a slice follows the pointer with 2 mm previews; on release the preview stays on show while the 1 mm run refines it', async () => {
    await open();
    const first = await waitForRun(page, 60);
    const status = page.getByTestId('run-status');
    const slice = page.getByTestId('slice-z').locator('canvas').first();
    const box = (await slice.boundingBox())!;
    // P1's marker in the axial slice of the liver sample (tip at x 8.7, y 0 mm) at 1280×720.
    const [x0, y0] = [box.x + box.width * 0.617, box.y + box.height * 0.489];
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) {
      await page.mouse.move(x0 + i, y0, { steps: 2 });
      await page.waitForTimeout(100);
    }
    // Held still: the last position's preview runs to the protocol's end.
    await expect.poll(async () => { const r = await runState(page); return `${r.coarse} ${r.status}`; }, POLL).toBe('true done');
    await page.mouse.up();
    await expect.poll(() => status.getAttribute('data-preview-shown'), POLL).toBe('true');
    expect(await status.textContent()).toMatch(/^Refining on a 1 mm grid: \d+:\d\d of 28:00 · showing the 2 mm preview/);
    expect(await page.getByTestId('metrics-time').textContent()).toBe('at 28:00 min:s (2 mm preview, refining)');
    expect(Number(await status.getAttribute('data-latest-s'))).toBeLessThan(1680);
    await shot('drag-released-refining');
    await expect.poll(async () => { const r = await runState(page); return `${r.status} ${r.previewShown}`; }, { ...POLL, timeout: 150_000 }).toBe('done false');
    expect(Number(await status.getAttribute('data-run-id'))).toBeGreaterThan(first.runId);
    expect(await page.getByTestId('metrics-time').textContent()).toBe('at 28:00 min:s');
    // 12 px to the right (at ~0.54 mm a pixel) moved the tip ~6.5 mm to the right, wherever on the
    // marker it was grabbed (it jumped to the pointer before, and a slice view rescaled by each
    // preview's grid moved it back and forth: 8.7 → 22 → 30 → 23 → 19.8 mm).
    const tip = JSON.parse(await savePlanText()).probes[0].tip_mm as number[];
    expect(tip[0] - 8.7).toBeGreaterThan(5);
    expect(tip[0] - 8.7).toBeLessThan(8);
    expect(Math.abs(tip[1])).toBeLessThan(0.5);
  }, 300_000);

  it('places a virtual thermocouple by clicking a slice; its curve is charted; the wheel steps the slice, not the page', async () => {
    await open();
    const before = await runState(page);
    await page.getByTestId('place-sensor').click();
    const slice = page.getByTestId('slice-z').locator('canvas').first();
    const box = (await slice.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.45);
    await expect.poll(() => page.getByTestId('sensor-list').textContent(), POLL).toMatch(/TC3 at \(/);
    await waitForRun(page, 120, before.runId);
    const plan = JSON.parse(await savePlanText());
    expect(plan.sensors.map((x: { name: string }) => x.name)).toContain('TC3');
    // Charts and slices draw on CPU-backed 2D canvases: an accelerated chart canvas made the page
    // wait ~0.5 s on GPU backpressure after a redraw under software GL.
    const cpuBacked = await page.locator('[data-testid="charts"] canvas, [data-testid^="slice-"] canvas').evaluateAll((cs) =>
      cs.map((c) => (c as HTMLCanvasElement).getContext('2d')?.getContextAttributes().willReadFrequently === true));
    expect(cpuBacked.length).toBeGreaterThanOrEqual(5);
    expect(cpuBacked.every(Boolean)).toBe(true);
    await shot('thermocouple');
    // The page is the window's size (the side panel's hidden labels made it ~950 px taller), and
    // the wheel over a slice steps the slice, not the page. (A wheel the page took scrolls it
    // within a few frames: hence the waits.) The run is let finish first: its status line's end
    // can change the footer's height, and so where the slice is under the pointer.
    await expect.poll(async () => { const r = await runState(page); return r.runId > before.runId && !r.coarse && r.status === 'done'; }, { ...POLL, timeout: 150_000 }).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
    const axialAt = async (): Promise<string | null> => slice.getAttribute('aria-label');
    const axialBefore = await axialAt();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.wheel(0, 100);
    await expect.poll(axialAt, POLL).not.toBe(axialBefore);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    // In a window shorter than the app's 640 px the page scrolls, but not from a wheel over a slice.
    await page.setViewportSize({ width: 1280, height: 500 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollHeight), POLL).toBeGreaterThan(500);
    // Laid out anew for the shorter window (the views shrink, so the slice moves up).
    await expect.poll(async () => (await slice.boundingBox())!.y, POLL).toBeLessThan(box.y - 1);
    const short = (await slice.boundingBox())!;
    const axialShort = await axialAt();
    const [wx, wy] = [short.x + short.width * 0.5, short.y + Math.min(short.height * 0.5, 480 - short.y)];
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.getAttribute('data-testid'), [wx, wy])).toBe('slice-axial');
    await page.mouse.move(wx, wy);
    await page.mouse.wheel(0, 100);
    await expect.poll(axialAt, POLL).not.toBe(axialShort);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 720 });
  }, 240_000);
});
