// Bench page (served by src/cli/bench.ts through vite; not part of the product UI): runs the liver
// sample in the real engine worker at the spacings in ?spacing=, with the engine's default frame
// cadence (and at 2 mm also with the app's cadence for a drag's preview), and records wall time,
// frames and samples, the largest gap between frames, main-thread long tasks, how fast a
// superseded run stops, and measureUserAgentSpecificMemory (JS heaps and buffers of this page and
// its worker, measured mid-run and after). At 2 mm one run per thread
// count first warms the JIT (a live drag runs back to back); its time is reported apart. Results
// land in window.__bench.
import * as Comlink from 'comlink';
import { fieldBuffersOf, sampleBuffersOf, surfaceBuffersOf } from '../src/engine/frameBuffers.ts';
import { parsePlanText } from '../src/plan/parse.ts';
import type { EngineInfo, EngineWorkerApi, RunFrame, RunOptions, RunSample } from '../src/engine/workerApi.ts';
import { COARSE_FRAME_EVERY_MS, COARSE_SAMPLE_EVERY_S } from '../src/app/runController.ts';

interface BenchRun {
  threads: number;
  spacingMm: number;
  /** Run as the app runs a drag's preview (its coarse frame and sample cadence), not a plain run. */
  drag: boolean;
  wallMs: number;
  frames: number;
  samples: number;
  /** Largest wall-clock gap between two frames arriving on this page [ms]. */
  maxFrameGapMs: number;
  steps: number;
  longTasks: number;
  longestTaskMs: number;
  /** FNV-1a of the result without its wall time: equal for equal numbers (threads are bit-identical). */
  resultHash: string;
}

/** FNV-1a (32-bit) of a string, as hex. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

interface UaMemory {
  totalMiB: number;
  /** MiB by scope: 'Window' (this page) and 'DedicatedWorkerGlobalScope' (the engine). */
  byScopeMiB: Record<string, number>;
}

const w = window as unknown as { __bench?: unknown; __benchError?: string };
const out = document.getElementById('out')!;
const MiB = 2 ** 20;

/** measureUserAgentSpecificMemory by scope, or null where the page may not call it. */
async function uaMemory(): Promise<UaMemory | null> {
  const perf = performance as unknown as {
    measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: { bytes: number; attribution: { scope: string }[] }[] }>;
  };
  if (!crossOriginIsolated || !perf.measureUserAgentSpecificMemory) return null;
  const r = await perf.measureUserAgentSpecificMemory();
  const byScopeMiB: Record<string, number> = {};
  for (const b of r.breakdown) {
    const scope = b.attribution.map((a) => a.scope).join('+') || 'shared';
    byScopeMiB[scope] = (byScopeMiB[scope] ?? 0) + b.bytes / MiB;
  }
  return { totalMiB: r.bytes / MiB, byScopeMiB };
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const spacings = (params.get('spacing') ?? '2,1').split(',').map(Number);
  const repeats = Number(params.get('repeats') ?? '1');
  // Thread counts to compare ('N' = navigator.hardwareConcurrency); each switched by setThreads.
  const threadCounts = (params.get('threads') ?? '1,N').split(',').map((t) => (t === 'N' ? navigator.hardwareConcurrency : Number(t)));
  const text = await (await fetch('/cases/liver-3probe.cryoplan.json')).text();
  const parsed = parsePlanText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const plan = parsed.plan;
  const worker = new Worker(new URL('../workers/engine.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<EngineWorkerApi>(worker);
  const info: EngineInfo[] = [];
  const longTasks: PerformanceEntry[] = [];
  new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: false });
  const runs: BenchRun[] = [];
  /** At 2 mm (a live drag: runs back to back) one run per thread count first warms the JIT: its wall time [ms]. */
  const firstRuns: { threads: number; spacingMm: number; wallMs: number }[] = [];
  let runId = 0;
  let memoryMidRun: UaMemory | null = null;
  for (const spacingMm of spacings) for (const threads of threadCounts) {
    const got = await api.setThreads(threads);
    info.push(got);
    if (spacingMm >= 2) {
      const t0 = performance.now();
      await api.run(plan, { runId: ++runId, spacingMm }, Comlink.proxy(() => undefined));
      firstRuns.push({ threads: got.threads, spacingMm, wallMs: performance.now() - t0 });
    }
    // At 2 mm also as the app runs a drag's preview: frames more often, samples less often.
    const modes = spacingMm >= 2 ? [false, true] : [false];
    for (const drag of modes) for (let r = 0; r < repeats; r++) {
      const options: RunOptions = drag
        ? { runId: ++runId, spacingMm, frameEveryMs: COARSE_FRAME_EVERY_MS, sampleEveryS: COARSE_SAMPLE_EVERY_S }
        : { runId: ++runId, spacingMm };
      longTasks.length = 0;
      let frames = 0, samples = 0, lastFrameMs = 0, maxFrameGapMs = 0;
      let shown: RunFrame | null = null;
      // As the app's timeline does: a run's samples kept until the next run starts.
      let kept: RunSample[] = [];
      const onFrame = (f: RunFrame): void => {
        const now = performance.now();
        if (frames > 0) maxFrameGapMs = Math.max(maxFrameGapMs, now - lastFrameMs);
        lastFrameMs = now;
        frames++;
        samples += f.samples.length;
        kept.push(...f.samples);
        // As the app's views do: the frame shown until now gives its fields and surfaces of T back.
        if (shown) {
          const buffers = [...fieldBuffersOf(shown), ...surfaceBuffersOf(shown)];
          void api.recycle(Comlink.transfer(buffers, buffers));
        }
        shown = f;
      };
      const t0 = performance.now();
      let endedMs = 0;
      const running = api.run(plan, options, Comlink.proxy(onFrame)).then((r) => ((endedMs = performance.now()), r));
      // Once, 3 s into the finest run on one thread: the engine's memory while it works. Not with
      // slab threads: they park in Atomics.wait between commands, never answer the measurement,
      // and it then waits ~60 s for them.
      if (memoryMidRun === null && spacingMm === Math.min(...spacings) && got.threads === 1) {
        await new Promise((res) => setTimeout(res, 3000));
        memoryMidRun = await uaMemory();
      }
      const result = await running;
      // Its proxy (and so this closure) outlives the run: let the last frame go. Its samples'
      // fields go back to the engine, as the app's timeline gives them back at the next run.
      shown = null;
      const sampleBuffers = sampleBuffersOf(kept);
      kept = [];
      void api.recycleSamples(Comlink.transfer(sampleBuffers, sampleBuffers));
      // The run's own end, not the memory measurement's.
      const wallMs = endedMs - t0;
      const resultHash = result ? fnv1a(JSON.stringify({ ...result, solver: { ...result.solver, wall_s: 0 } })) : 'none';
      // Let the observer deliver the last entries.
      await new Promise((res) => setTimeout(res, 50));
      runs.push({
        threads: got.threads, spacingMm, drag, wallMs, frames, samples, maxFrameGapMs, steps: result?.solver.steps ?? -1,
        longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks.map((e) => e.duration)), resultHash,
      });
      out.textContent = JSON.stringify(runs, null, 1);
    }
  }
  // A superseded run must stop within 100 ms: cancel a 1 mm run after a while, time its end (at 1 mm
  // whatever spacings were asked for: a 2 mm run is over before the later cancels).
  await api.setThreads(1);
  const cancelMs: number[] = [];
  for (const afterMs of [400, 900, 1400]) {
    const id = ++runId;
    const running = api.run(plan, { runId: id, spacingMm: 1 }, Comlink.proxy(() => undefined));
    await new Promise((res) => setTimeout(res, afterMs));
    const t0 = performance.now();
    await api.cancel(id);
    if ((await running) !== null) throw new Error('a cancelled run returned a result');
    cancelMs.push(performance.now() - t0);
  }
  const memoryAfter = await uaMemory();
  w.__bench = {
    crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, info, runs, firstRuns, cancelMs, memoryMidRun, memoryAfter,
  };
}

main().catch((e: unknown) => {
  w.__benchError = String(e instanceof Error ? e.stack : e);
  out.textContent = w.__benchError;
});
