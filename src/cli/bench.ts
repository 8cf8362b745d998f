/**
 * `npm run bench [-- --repeats N] [--repeats-1mm N] [--no-browser] [--browser-only] [--only-liver] [--only-multirate] [--only-kernel]`
 * Seeded, deterministic speed measurements (kept out of `npm test`): core count; stencil kernel
 * Mcell/s at 96³ (TypeScript vs WebAssembly SIMD); wall time of every sample plan at 2 mm and 1 mm
 * in Node; the liver plan in headless Chromium through the real engine worker (long tasks on the
 * main thread, memory). Medians of repeated runs; timings on a shared machine are noisy, so the
 * bench ends with a machine check: the one-thread wasm kernel's rate at its start and at its end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { engineInfo } from '../engine/engineApi.ts';
import { runPlan } from '../engine/run.ts';
import { Simulation } from '../engine/simulation.ts';
import { kernelConstants, stepBox } from '../physics/kernel.ts';
import { WasmKernel, wasmKernelModule, wasmSharedKernelModule } from '../physics/kernelWasm.ts';
import { createNodeSlabPool } from './nodeThreads.ts';
import type { SlabPool } from '../physics/slabPool.ts';
import { HeatSolver } from '../physics/solver.ts';
import { enthalpyOf, kirchhoffOf, makeTissueModel } from '../physics/tissueModel.ts';
import type { StepFields } from '../physics/kernel.ts';
import { parsePlanText } from '../plan/parse.ts';
import type { Plan } from '../plan/types.ts';
import type { Page } from 'playwright-core';

const args = process.argv.slice(2);
const argNum = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const REPEATS = argNum('--repeats', 5);
const REPEATS_1MM = argNum('--repeats-1mm', 1);
/**
 * Kernel measurements take ~10 ms each (wasm): at least 9 of them, so that a burst of another job
 * on this shared machine cannot carry the median (3 once read 638 against 777–835 Mcell/s).
 */
const KERNEL_REPEATS = Math.max(REPEATS, 9);
const NO_BROWSER = args.includes('--no-browser');
const ONLY_LIVER = args.includes('--only-liver');
const BROWSER_ONLY = args.includes('--browser-only');
const ONLY_MULTIRATE = args.includes('--only-multirate');
const ONLY_KERNEL = args.includes('--only-kernel');

/** A long animation frame in the app tab (over 50 ms): when, how long, its rendering and its scripts. */
interface AnimationFrameCost {
  start: number;
  ms: number;
  /** When its rendering (rAF callbacks, style, layout, paint) began; 0 when it had none. */
  renderStart: number;
  /** Its scripts of 1 ms or more: start, duration [ms] and what ran. */
  scripts: { start: number; ms: number; text: string }[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

/** A deterministic 96³ field: a cold core (frozen, mushy and warm cells all present), perfused liver. */
function kernelFields(fields: StepFields): void {
  const { nx, ny, nz } = fields;
  const m = makeTissueModel(LIVER);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const c = i + nx * (j + ny * k);
        const r2 = ((i - nx / 2) ** 2 + (j - ny / 2) ** 2 + (k - nz / 2) ** 2) / (nx * nx);
        const t = m.restC - 180 * Math.exp(-r2 * 40);
        fields.H[c] = enthalpyOf(m, t);
        fields.Tin[c] = fields.Tout[c] = t;
        fields.phiIn[c] = fields.phiOut[c] = kirchhoffOf(m, t);
        fields.Tmin[c] = t;
      }
}

const LIVER = {
  k_unfrozen_W_mK: 0.52, k_frozen_W_mK: 2, C_unfrozen_J_m3K: 3.82e6, C_frozen_J_m3K: 1.8e6, latent_J_m3: 2.5e8,
  solidus_C: -8, liquidus_C: -1, perfusion_W_m3K: 13680, metabolic_W_m3: 4200, arterial_C: 37, initial_C: 37,
};

/** Kernel Mcell/s at 96³, one thread or split into z-slabs across `pool` (shared memory); no source sum (as the engine steps). */
function kernelBench(kind: 'js' | 'wasm-simd', pool: SlabPool | null = null): number {
  return median(kernelRates(kind, pool));
}

/** The kernel's rate at 96³ [Mcell/s], once per repeat (KERNEL_REPEATS, after two to warm up). */
function kernelRates(kind: 'js' | 'wasm-simd', pool: SlabPool | null = null): number[] {
  const n = 96;
  const m = makeTissueModel(LIVER);
  const module = kind === 'wasm-simd' ? (pool ? wasmSharedKernelModule() : wasmKernelModule()) : null;
  if (kind === 'wasm-simd' && !module) return [NaN];
  const wasm = module ? new WasmKernel(module, n * n * n, undefined, pool !== null) : null;
  wasm?.setModel(m);
  const sab = pool && !wasm ? new SharedArrayBuffer(WasmKernel.pagesFor(n ** 3) * 65536) : null;
  const f: StepFields = wasm
    ? wasm.allocateFields(n, n, n)
    : sab ? WasmKernel.fieldViews(sab, n, n, n)
    : { nx: n, ny: n, nz: n, H: new Float32Array(n ** 3), Tin: new Float32Array(n ** 3), phiIn: new Float32Array(n ** 3), Tout: new Float32Array(n ** 3), phiOut: new Float32Array(n ** 3), Tmin: new Float32Array(n ** 3) };
  kernelFields(f);
  const team = pool ? pool.team(f, m, wasm, sab) : null;
  const constants = kernelConstants(m);
  const box = Int32Array.from([1, n - 1, 1, n - 1, 1, n - 1]);
  const dt = 0.9 * (1e-6 / (6 * (2 / 1.8e6)));
  const stepsPerRep = 10;
  const cells = (n - 2) ** 3 * stepsPerRep;
  const rates: number[] = [];
  for (let rep = 0; rep < KERNEL_REPEATS + 2; rep++) {
    const t0 = performance.now();
    for (let s = 0; s < stepsPerRep; s++) {
      // The step as the engine runs it: without the energy tally's source sum.
      if (team) team.step(box, dt, 1e-3, false);
      else if (wasm) wasm.stepBox(f, dt, 1e-3, 1, n - 1, 1, n - 1, 1, n - 1, false, false);
      else stepBox(f, constants, dt, 1e-3, 1, n - 1, 1, n - 1, 1, n - 1);
      [f.Tin, f.Tout] = [f.Tout, f.Tin];
      [f.phiIn, f.phiOut] = [f.phiOut, f.phiIn];
    }
    const ms = performance.now() - t0;
    if (rep >= 2) rates.push(cells / ms / 1e3); // first two reps warm up the JIT
  }
  return rates;
}

/** A kernel rate's median and range over its repeats [Mcell/s]. */
interface KernelRate {
  median: number;
  min: number;
  max: number;
}

/**
 * The machine's state, as the one-thread wasm kernel at 96³ sees it: its median and range now.
 * Taken at the bench's start and end, it says whether the machine (2 cores shared with other
 * jobs) held still while the bench ran.
 */
function machineCheck(): KernelRate {
  const r = kernelRates('wasm-simd');
  return { median: median(r), min: Math.min(...r), max: Math.max(...r) };
}

function reportMachine(start: KernelRate): void {
  const end = machineCheck();
  const apart = Math.abs(end.median - start.median) / Math.max(end.median, start.median);
  const range = (c: KernelRate): string => `${c.median.toFixed(0)} Mcell/s (${c.min.toFixed(0)}–${c.max.toFixed(0)})`;
  console.log(`\nMachine check (one-thread wasm kernel at 96³, median and range of ${KERNEL_REPEATS}): ${range(start)} at the start, ${range(end)} at the end, ` +
    `${(100 * apart).toFixed(0)} % apart${apart > 0.1 || start.min < 0.8 * start.max || end.min < 0.8 * end.max ? ': the machine was busy with other work during this run; compare only numbers from quieter runs' : ''}`);
}

function samplePlans(): { name: string; plan: Plan }[] {
  const dir = resolve('public/cases');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cryoplan.json') && (!ONLY_LIVER || f.startsWith('liver')))
    .sort()
    .map((f) => {
      const r = parsePlanText(readFileSync(resolve(dir, f), 'utf8'));
      if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.issues)}`);
      return { name: f.replace('.cryoplan.json', ''), plan: r.plan };
    });
}

/**
 * 2 mm runs before the timed ones (a live drag runs them back to back): on a new thread pool the
 * first 3 take 1.5-3x the later ones (every command of the threads slower) while V8 optimizes
 * their code, then they settle; on one thread the first 1-2. Compiling on the running thread
 * (node --no-concurrent-recompilation) shortened it (2nd and 3rd runs 217 and 169 ms against
 * 285-294 and 219-243), so part of it is the compiler threads waiting for a core.
 */
const WARMUP_RUNS_2MM = 3;

/**
 * Median wall time of `repeats` runs. At 2 mm WARMUP_RUNS_2MM runs first warm the JIT, the first
 * of them reported apart (`firstS`); a 1 mm run is long enough that its warm-up is noise.
 */
function planBench(
  plan: Plan, spacingMm: number, repeats: number, kernel: 'auto' | 'js', pool: SlabPool | null = null, multiRate = Simulation.multiRate,
): { wallS: number; firstS: number | null; steps: number; cells: number } {
  const savedMultiRate = Simulation.multiRate;
  Simulation.multiRate = multiRate;
  HeatSolver.kernelPreference = kernel;
  HeatSolver.threadPool = pool;
  const walls: number[] = [];
  let steps = 0, cells = 0, firstS: number | null = null;
  if (spacingMm >= 2)
    for (let w = 0; w < WARMUP_RUNS_2MM; w++) {
      const t0 = performance.now();
      runPlan(plan, { spacingMm });
      firstS ??= (performance.now() - t0) / 1000;
    }
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const result = runPlan(plan, { spacingMm });
    walls.push((performance.now() - t0) / 1000);
    steps = result.solver.steps;
    cells = result.solver.cells;
  }
  HeatSolver.kernelPreference = 'auto';
  HeatSolver.threadPool = null;
  Simulation.multiRate = savedMultiRate;
  return { wallS: median(walls), firstS, steps, cells };
}

/** ", first run 0.31 s" where planBench warmed up. */
function firstRun(r: { firstS: number | null }): string {
  return r.firstS === null ? '' : `, first run ${r.firstS.toFixed(2)} s`;
}

/**
 * Liver plan single-rate vs multi-rate (Simulation.multiRate), interleaved run by run so both see
 * the same machine load; medians.
 */
function multiRateBench(): void {
  const liver = samplePlans().find((p) => p.name.startsWith('liver'));
  if (!liver) return;
  console.log(`\nLiver single-rate vs multi-rate (runPlan, ${engineInfo().kernel}, 1 thread, runs interleaved):`);
  for (const spacingMm of [2, 1]) {
    const reps = spacingMm === 1 ? REPEATS_1MM : REPEATS;
    const single: number[] = [], multi: number[] = [];
    for (let r = 0; r < reps; r++) {
      single.push(planBench(liver.plan, spacingMm, 1, 'auto', null, false).wallS);
      multi.push(planBench(liver.plan, spacingMm, 1, 'auto', null, true).wallS);
    }
    const a = median(single), b = median(multi);
    console.log(`  ${spacingMm} mm: single-rate ${a.toFixed(2)} s, multi-rate ${b.toFixed(2)} s (${(a / b).toFixed(2)}× faster; medians of ${reps}: ${single.map((x) => x.toFixed(2)).join(' ')} | ${multi.map((x) => x.toFixed(2)).join(' ')})`);
  }
}

/**
 * Memory of this process's Chromium descendants (Linux /proc), per process: its type ('renderer',
 * 'gpu-process', 'browser', …), RSS, and private footprint = RssAnon + VmSwap, which is what
 * Chrome's task manager shows as a process's "Memory footprint" on Linux (RSS also counts the
 * shared pages of the Chromium binary and fonts).
 */
function chromiumRssBytes(): { pid: number; type: string; rss: number; privateFootprint: number }[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(d));
      children.set(ppid, list);
    } catch {
      // Process ended while we looked.
    }
  }
  const out: { pid: number; type: string; rss: number; privateFootprint: number }[] = [];
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kB = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      if (cmd.includes('chrom')) {
        const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
        out.push({ pid, type, rss: kB('VmRSS'), privateFootprint: kB('RssAnon') + kB('VmSwap') });
      }
    } catch {
      // Gone.
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

async function browserBench(): Promise<void> {
  const { build, createServer, preview } = await import('vite');
  const { chromium } = await import('playwright-core');
  const { preparePlan } = await import('../engine/prepare.ts');
  const { deflateSync } = await import('node:zlib');
  const { tmpdir } = await import('node:os');
  const MiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const server = await createServer({ configFile: resolve('vite.config.ts'), server: { port: 0, open: false }, logLevel: 'error' });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking', '--no-sandbox',
      // measureUserAgentSpecificMemory at once instead of at the next garbage collection.
      '--enable-blink-features=ForceEagerMeasureMemory',
    ],
  });
  try {
    const page = await browser.newPage();
    const repeats = Math.max(1, Math.min(REPEATS, 3));
    await page.goto(`${url}bench/chromium.html?spacing=2,1&repeats=${repeats}&threads=1,N`);
    await page.waitForFunction(() => {
      const w = window as unknown as { __bench?: unknown; __benchError?: string };
      return w.__bench !== undefined || w.__benchError !== undefined;
    }, undefined, { timeout: 1_800_000, polling: 500 });
    const res = await page.evaluate(() => {
      const w = window as unknown as { __bench?: unknown; __benchError?: string };
      return { bench: w.__bench, error: w.__benchError };
    });
    await page.close();
    if (res.error) throw new Error(res.error);
    type UaMemory = { totalMiB: number; byScopeMiB: Record<string, number> } | null;
    const b = res.bench as {
      crossOriginIsolated: boolean; hardwareConcurrency: number; info?: unknown; cancelMs: number[]; memoryMidRun: UaMemory; memoryAfter: UaMemory;
      firstRuns: { threads: number; spacingMm: number; wallMs: number }[];
      runs: { threads: number; spacingMm: number; drag: boolean; wallMs: number; steps: number; frames: number; samples: number; maxFrameGapMs: number; longTasks: number; longestTaskMs: number; resultHash: string }[];
    };
    const ua = (m: UaMemory): string => (m === null ? 'n/a' : `${m.totalMiB.toFixed(0)} MiB (${Object.entries(m.byScopeMiB).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')})`);
    console.log(`\nHeadless Chromium (engine worker, bench page): crossOriginIsolated ${b.crossOriginIsolated}, hardwareConcurrency ${b.hardwareConcurrency}`);
    console.log(`  engineInfo ${JSON.stringify(b.info)}`);
    for (const key of [...new Set(b.runs.map((r) => `${r.spacingMm}/${r.threads}/${r.drag}`))]) {
      const rs = b.runs.filter((r) => `${r.spacingMm}/${r.threads}/${r.drag}` === key);
      const s = rs[0].spacingMm;
      const first = rs[0].drag ? undefined : b.firstRuns.find((r) => `${r.spacingMm}/${r.threads}` === `${s}/${rs[0].threads}`);
      console.log(
        `  liver-3probe ${s} mm${rs[0].drag ? ' as a drag preview (the app\'s cadence)' : ''}, ${rs[0].threads} thread(s): wall median ${(median(rs.map((r) => r.wallMs)) / 1000).toFixed(2)} s over ${rs.length} run(s)` +
          `${first ? ` (after a first run of ${(first.wallMs / 1000).toFixed(2)} s)` : ''}, ` +
          `${rs[0].steps} steps, ${rs[0].frames} frames (${rs[0].samples} samples), largest gap between frames ${Math.max(...rs.map((r) => r.maxFrameGapMs)).toFixed(0)} ms; ` +
          `main-thread long tasks ${rs.map((r) => r.longTasks).join('/')}, longest ${Math.max(...rs.map((r) => r.longestTaskMs)).toFixed(0)} ms`,
      );
    }
    // A drag preview samples (and so lands its steps) less often than a full run: its own group.
    for (const s of [...new Set(b.runs.map((r) => r.spacingMm))])
      for (const drag of [false, true]) {
        const hashes = new Set(b.runs.filter((r) => r.spacingMm === s && r.drag === drag).map((r) => r.resultHash));
        if (hashes.size === 0) continue;
        const what = drag ? ' as a drag preview' : '';
        console.log(`  ${s} mm results${what} across thread counts and repeats: ${hashes.size === 1 ? 'identical' : `DIFFERENT (${[...hashes].join(', ')})`}`);
      }
    console.log(`  a superseded 1 mm run stopped ${b.cancelMs.map((ms) => ms.toFixed(0)).join(', ')} ms after its cancel (bar 100 ms)`);
    console.log(`  JS memory (measureUserAgentSpecificMemory: JS heaps and buffers): 3 s into a 1 mm run on one thread ${ua(b.memoryMidRun)}; after all runs ${ua(b.memoryAfter)}`);

    // The real app (production build, vite preview) in a fresh tab on the largest sample at its own
    // 1 mm grid: what a user's tab costs.
    const outDir = resolve(tmpdir(), 'cryoplan-bench-dist');
    // The dev server above set this process's NODE_ENV to development, and a build takes it from
    // there: without this the tab ran React's development build (its renders several times slower).
    process.env.NODE_ENV = 'production';
    await build({ configFile: resolve('vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
    const bundle = readdirSync(resolve(outDir, 'assets')).filter((f) => f.startsWith('index-') && f.endsWith('.js'));
    if (bundle.some((f) => readFileSync(resolve(outDir, 'assets', f), 'utf8').includes('jsxDEV'))) throw new Error('the app was built with React\'s development build');
    const previewServer = await preview({ configFile: resolve('vite.config.ts'), logLevel: 'error', build: { outDir }, preview: { port: 0, open: false } });
    const appUrl = previewServer.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4173/';
    const dir = resolve('public/cases');
    const largest = readdirSync(dir).filter((f) => f.endsWith('.cryoplan.json')).map((f) => {
      const text = readFileSync(resolve(dir, f), 'utf8');
      const r = parsePlanText(text);
      if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.issues)}`);
      const d = preparePlan(r.plan, { spacingMm: 1 }).grid.dims;
      return { name: f.replace('.cryoplan.json', ''), text, cells: d[0] * d[1] * d[2], spacingMm: r.plan.grid.spacing_mm };
    }).sort((x, y) => y.cells - x.cells)[0];
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const app = await context.newPage();
    await app.addInitScript(() => {
      const w = window as unknown as { __longTasks: { start: number; ms: number }[]; __frameTimes: number[]; __frames: AnimationFrameCost[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => w.__longTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, ms: e.duration })))).observe({ type: 'longtask' });
      // What a long task was: the animation frame it belongs to, its scripts and its rendering.
      w.__frames = [];
      type Script = { invoker: string; sourceFunctionName: string; startTime: number; duration: number; forcedStyleAndLayoutDuration: number };
      type Frame = PerformanceEntry & { renderStart: number; scripts: Script[] };
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as Frame[]) {
          if (e.duration <= 50) continue;
          w.__frames.push({
            start: e.startTime, ms: e.duration, renderStart: e.renderStart,
            scripts: e.scripts.filter((x) => x.duration >= 1).map((x) => ({
              start: x.startTime, ms: x.duration,
              text: `${x.invoker}${x.sourceFunctionName ? ` ${x.sourceFunctionName}` : ''} ${Math.round(x.duration)} ms` +
                (x.forcedStyleAndLayoutDuration >= 1 ? ` (forced layout ${Math.round(x.forcedStyleAndLayoutDuration)})` : ''),
            })),
          });
        }
      }).observe({ type: 'long-animation-frame' });
      // Frame arrivals: the run status shows the newest frame's time (data-latest-s). And the
      // opening's milestones [ms since navigation]: the app mounted (its run status in the page),
      // the 2 mm preview's end state in the page and the next animation frame (on software GL the
      // GPU process's first frames can hold that back by seconds), the 1 mm run done.
      w.__frameTimes = [];
      const opened: Record<string, number> = {};
      (w as unknown as { __opened: Record<string, number> }).__opened = opened;
      // A property, not a named const: tsx would wrap a named function in a helper this page lacks.
      const loop = w as unknown as { __watchDrawn: () => void };
      loop.__watchDrawn = () => {
        if (opened.previewShown !== undefined) opened.previewDrawn = performance.now();
        else requestAnimationFrame(loop.__watchDrawn);
      };
      requestAnimationFrame(loop.__watchDrawn);
      new MutationObserver((records) => {
        for (const r of records) if (r.attributeName === 'data-latest-s') w.__frameTimes.push(performance.now());
        const status = document.querySelector('[data-testid="run-status"]');
        if (!status) return;
        opened.mounted ??= performance.now();
        if (status.getAttribute('data-preview-shown') === 'true') opened.previewShown ??= performance.now();
        if (status.getAttribute('data-status') === 'done' && status.getAttribute('data-coarse') === 'false') opened.done ??= performance.now();
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-latest-s', 'data-status', 'data-coarse', 'data-preview-shown'] });
    });
    let peakTab = 0, peakTabRss = 0, peakGpu = 0;
    const tabFootprint = (): number => Math.max(0, ...chromiumRssBytes().filter((p) => p.type === 'renderer').map((p) => p.privateFootprint));
    const timer = setInterval(() => {
      const procs = chromiumRssBytes();
      peakTab = Math.max(peakTab, tabFootprint());
      peakTabRss = Math.max(peakTabRss, ...procs.filter((p) => p.type === 'renderer').map((p) => p.rss));
      peakGpu = Math.max(peakGpu, ...procs.filter((p) => p.type === 'gpu-process').map((p) => p.privateFootprint));
    }, 250);
    await app.goto(`${appUrl}#plan=${deflateSync(Buffer.from(largest.text)).toString('base64url')}`);
    await statusIs(app, { 'data-status': 'done', 'data-coarse': 'false' });
    const afterRun = tabFootprint();
    const seen = await app.evaluate(() => {
      const w = window as unknown as { __frameTimes: number[]; __longTasks: { start: number; ms: number }[]; __frames: AnimationFrameCost[] };
      const t = w.__frameTimes;
      const during = w.__longTasks.filter((e) => t.length > 0 && e.start >= t[0]);
      const before = w.__longTasks.filter((e) => !(t.length > 0 && e.start >= t[0]));
      return {
        opened: (w as unknown as { __opened: Record<string, number> }).__opened,
        startupLongestMs: Math.max(0, ...before.map((e) => e.ms)), startupLongTasks: before.length,
        status: document.querySelector('[data-testid="run-status"]')?.textContent ?? '', frames: t.length,
        maxGapMs: Math.max(0, ...t.slice(1).map((x, i) => x - t[i])),
        longTasks: during.map((e) => e.ms),
        // Each task's own scripts (those of its animation frame that overlap it) and whether the
        // frame's rendering fell in it; the rest of the task ran no script.
        inTasks: during.map((e) => {
          const f = w.__frames.find((x) => x.start <= e.start + 1 && e.start < x.start + x.ms);
          if (!f) return null;
          const end = e.start + e.ms;
          const scripts = f.scripts.filter((x) => x.start < end && x.start + x.ms > e.start);
          const renderMs = f.renderStart > 0 ? Math.max(0, Math.min(end, f.start + f.ms) - Math.max(e.start, f.renderStart)) : 0;
          return { scripts: scripts.map((x) => x.text), scriptMs: scripts.reduce((a, x) => a + x.ms, 0), renderMs };
        }),
      };
    });
    const js = await app.evaluate(async () => {
      const perf = performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: { bytes: number; attribution: { scope: string }[] }[] }> };
      if (!crossOriginIsolated || !perf.measureUserAgentSpecificMemory) return null;
      const r = await perf.measureUserAgentSpecificMemory();
      const byScopeMiB: Record<string, number> = {};
      for (const x of r.breakdown) {
        const scope = x.attribution.map((a) => a.scope).join('+') || 'shared';
        byScopeMiB[scope] = (byScopeMiB[scope] ?? 0) + x.bytes / 2 ** 20;
      }
      return { totalMiB: r.bytes / 2 ** 20, byScopeMiB };
    });
    // An edit as a user makes one (the selected probe's tip 4 mm along x, typed): how soon its 2 mm
    // preview's end state is on show, and when the fine run that refines it is done.
    await app.getByRole('button', { name: 'Plan & probes' }).click();
    const tipX = app.getByTestId('tip-x').first();
    await tipX.fill(String(Number(await tipX.inputValue()) + 4));
    const editStart = Date.now();
    const editPageStart = await app.evaluate(() => performance.now());
    await tipX.press('Enter');
    await statusIs(app, { 'data-preview-shown': 'true' });
    const editPreviewMs = Date.now() - editStart;
    await statusIs(app, { 'data-status': 'done', 'data-coarse': 'false' });
    const editDoneMs = Date.now() - editStart;
    const editLongTasks = await longTasksBetween(app, editPageStart);
    const cdp = await context.newCDPSession(app);
    await cdp.send('HeapProfiler.collectGarbage');
    await new Promise((r) => setTimeout(r, 2000));
    const afterGc = tabFootprint();
    clearInterval(timer);
    const drag = await dragInAxialView(app, appUrl);
    await context.close();
    await previewServer.close();
    const longest = Math.max(0, ...seen.longTasks);
    console.log(`\nApp tab (production build via vite preview, 1280×720, software GL): ${largest.name}, the largest sample (${largest.cells} cells at 1 mm), at its ${largest.spacingMm} mm grid`);
    console.log(`  "${seen.status}": ${seen.frames} frames, largest gap between frames ${seen.maxGapMs.toFixed(0)} ms; ` +
      `main-thread long tasks after the first frame ${seen.longTasks.length}${seen.longTasks.length ? ` (${seen.longTasks.map((ms) => ms.toFixed(0)).join(', ')} ms)` : ''}, longest ${longest.toFixed(0)} ms ` +
      `(page start before it: ${seen.startupLongTasks}, longest ${seen.startupLongestMs.toFixed(0)} ms: module load, WebGL context, shader compile)`);
    seen.longTasks.forEach((ms, i) => {
      const t = seen.inTasks[i];
      console.log(`    the ${ms.toFixed(0)} ms task: ` + (t
        ? `scripts ${t.scriptMs.toFixed(0)} ms (${t.scripts.join('; ') || 'none'}), the frame's rendering ${t.renderMs.toFixed(0)} ms (rAF callbacks among the scripts), ` +
          `no script for the rest (paint, commit, garbage collection, waits on the GPU process)`
        : 'no long animation frame recorded around it'));
    });
    const sec = (ms: number | undefined): string => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);
    console.log(`  opening it (from navigation): the app mounted after ${sec(seen.opened.mounted)}, the 2 mm preview's end state in the page after ${sec(seen.opened.previewShown)} ` +
      `(the next animation frame after ${sec(seen.opened.previewDrawn)}), the 1 mm run refining it done after ${sec(seen.opened.done)}`);
    console.log(`  an edit (a probe's tip moved 4 mm): its 2 mm preview's end state on show after ${editPreviewMs} ms, the 1 mm run refining it done after ${(editDoneMs / 1000).toFixed(1)} s; ` +
      `main-thread long tasks from the edit to the refined run's end ${formatLongTasks(editLongTasks)}`);
    console.log(`  a drag (liver sample, P1's tip in the axial view 12 px right in 12 steps 100 ms apart, held until its 2 mm preview is done): ${drag.runs} runs in ` +
      `${(drag.ms / 1000).toFixed(1)} s; main-thread long tasks ${formatLongTasks(drag.longTasks)}`);
    console.log(`  tab memory = private footprint of the tab's renderer process (RssAnon + VmSwap, page and engine worker; Chrome's task manager "Memory footprint"), sampled every 250 ms: ` +
      `peak ${MiB(peakTab)}, at the end of the run ${MiB(afterRun)}, after a forced GC ${MiB(afterGc)}; renderer RSS peak ${MiB(peakTabRss)} (adds shared binary and font pages)`);
    console.log(`  GPU process private footprint peak ${MiB(peakGpu)} (shared by all tabs; software GL keeps buffers and textures in CPU memory); ` +
      `JS (measureUserAgentSpecificMemory) after the run ${ua(js)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Waits until the app's run status has these attribute values. */
async function statusIs(app: Page, attrs: Record<string, string>): Promise<void> {
  await app.waitForFunction((a) => {
    const el = document.querySelector('[data-testid="run-status"]');
    return Object.entries(a).every(([k, v]) => el?.getAttribute(k) === v);
  }, attrs, { timeout: 1_800_000, polling: 20 });
}

/** Durations of the page's long tasks that began from `fromMs` to `toMs` (performance.now()). */
async function longTasksBetween(page: Page, fromMs: number, toMs = Number.MAX_VALUE): Promise<number[]> {
  return page.evaluate(([a, b]) => (window as unknown as { __longTasks: { start: number; ms: number }[] }).__longTasks
    .filter((e) => e.start >= a && e.start <= b).map((e) => e.ms), [fromMs, toMs]);
}

function formatLongTasks(ms: number[]): string {
  return `${ms.length}${ms.length ? ` (${ms.map((x) => x.toFixed(0)).join(', ')} ms), longest ${Math.max(...ms).toFixed(0)} ms` : ''}`;
}

/**
 * A probe drag as a user makes one, in the app tab: the liver sample opened and its 1 mm run left
 * to finish, then P1's tip (its marker in the axial view at 1280×720, as test/e2e/app.test.ts
 * drags it) moved 12 px right in 12 steps 100 ms apart and held until the last step's 2 mm
 * preview is done (or a minute has passed). The long tasks from the press to then, and how many
 * runs the drag started (none: the press missed the marker, and the row says so).
 */
async function dragInAxialView(app: Page, appUrl: string): Promise<{ ms: number; runs: number; longTasks: number[] }> {
  const { deflateSync } = await import('node:zlib');
  const liver = readFileSync(resolve('public/cases/liver-3probe.cryoplan.json'), 'utf8');
  await app.goto(`${appUrl}#plan=${deflateSync(Buffer.from(liver)).toString('base64url')}`);
  await statusIs(app, { 'data-status': 'done', 'data-coarse': 'false' });
  await app.waitForTimeout(500);
  const box = await app.getByTestId('slice-z').locator('canvas').first().boundingBox();
  if (!box) throw new Error('the axial slice view is not on the page');
  const [x0, y0] = [box.x + box.width * 0.617, box.y + box.height * 0.489];
  const runId = Number(await app.getByTestId('run-status').getAttribute('data-run-id'));
  const start = await app.evaluate(() => performance.now());
  await app.mouse.move(x0, y0);
  await app.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await app.mouse.move(x0 + i, y0, { steps: 2 });
    await app.waitForTimeout(100);
  }
  await app.waitForFunction((id) => {
    const el = document.querySelector('[data-testid="run-status"]');
    return Number(el?.getAttribute('data-run-id')) > id && el?.getAttribute('data-coarse') === 'true' && el.getAttribute('data-status') === 'done';
  }, runId, { timeout: 60_000, polling: 20 }).catch(() => undefined);
  const end = await app.evaluate(() => performance.now());
  const runs = Number(await app.getByTestId('run-status').getAttribute('data-run-id')) - runId;
  const longTasks = await longTasksBetween(app, start, end);
  await app.mouse.up();
  return { ms: end - start, runs, longTasks };
}

async function main(): Promise<void> {
  console.log(`Cryoplan bench — Node ${process.version}, cores (os.availableParallelism) ${availableParallelism()}`);
  console.log(`engineInfo ${JSON.stringify(engineInfo())}`);
  if (ONLY_MULTIRATE) {
    multiRateBench();
    return;
  }
  const machine = machineCheck();
  if (BROWSER_ONLY) {
    await browserBench();
    reportMachine(machine);
    return;
  }
  const js = kernelBench('js');
  const wasm = kernelBench('wasm-simd');
  console.log(`\nKernel at 96³ (1 thread; median of ${KERNEL_REPEATS} × 10 steps):`);
  console.log(`  TypeScript (float32)        ${js.toFixed(0)} Mcell/s`);
  console.log(`  WebAssembly SIMD (f32x4)    ${wasm.toFixed(0)} Mcell/s   (${(wasm / js).toFixed(2)}× TypeScript)`);
  // Threads: N = os.availableParallelism(); the coordinating thread steps a slab (N − 1 workers)
  // or only coordinates (N workers). Per-thread rate = total / slabs.
  const N = Math.max(2, availableParallelism());
  const pools: { label: string; pool: SlabPool }[] = [
    { label: `${N} slabs (main + ${N - 1} worker${N > 2 ? 's' : ''})`, pool: await createNodeSlabPool(N, true) },
    { label: `${N} slabs (${N} workers, main waits)`, pool: await createNodeSlabPool(N, false) },
  ];
  for (const { label, pool } of pools) {
    for (const kind of ['wasm-simd', 'js'] as const) {
      const r = kernelBench(kind, pool);
      const one = kind === 'js' ? js : wasm;
      console.log(`  ${kind.padEnd(9)} ${label.padEnd(30)} ${r.toFixed(0)} Mcell/s total, ${(r / pool.threads).toFixed(0)} per thread (${(r / one).toFixed(2)}× 1 thread)`);
    }
  }
  if (ONLY_KERNEL) {
    for (const { pool } of pools) pool.close();
    reportMachine(machine);
    return;
  }
  console.log(`\nSample plans in Node (wall time of runPlan, default kernel ${engineInfo().kernel}, active region on, multi-rate ${Simulation.multiRate ? 'on' : 'off'}):`);
  for (const { name, plan } of samplePlans()) {
    for (const spacingMm of [2, 1]) {
      const reps = spacingMm === 1 ? REPEATS_1MM : REPEATS;
      const r = planBench(plan, spacingMm, reps, 'auto');
      console.log(`  ${name.padEnd(20)} ${spacingMm} mm: ${r.wallS.toFixed(2)} s median of ${reps}${firstRun(r)}  (${r.cells} cells, ${r.steps} steps)`);
    }
  }
  const liver = samplePlans().find((p) => p.name.startsWith('liver'));
  if (liver) {
    const r = planBench(liver.plan, 2, REPEATS, 'js');
    console.log(`  ${'liver (TS kernel)'.padEnd(20)} 2 mm: ${r.wallS.toFixed(2)} s median of ${REPEATS}  (reference for the ratio)`);
    console.log(`\nLiver with threads (runPlan, wasm; 1 thread again in the same run for the ratio):`);
    for (const spacingMm of [2, 1]) {
      const reps = spacingMm === 1 ? REPEATS_1MM : REPEATS;
      const one = planBench(liver.plan, spacingMm, reps, 'auto');
      console.log(`  ${'1 thread'.padEnd(34)} ${spacingMm} mm: ${one.wallS.toFixed(2)} s median of ${reps}${firstRun(one)}`);
      for (const { label, pool } of pools) {
        const r = planBench(liver.plan, spacingMm, reps, 'auto', pool);
        console.log(`  ${label.padEnd(34)} ${spacingMm} mm: ${r.wallS.toFixed(2)} s median of ${reps}${firstRun(r)}  (${(one.wallS / r.wallS).toFixed(2)}× faster)`);
      }
    }
  }
  for (const { pool } of pools) pool.close();
  multiRateBench();
  if (!NO_BROWSER) await browserBench();
  reportMachine(machine);
}

await main();
