// Bench page (served by src/cli/bench.ts through vite; not part of the product UI): runs the liver
// sample in the real engine worker at the spacings in ?spacing=, records wall time, main-thread
// long tasks and, where allowed, measureUserAgentSpecificMemory. Results land in window.__bench.
import * as Comlink from 'comlink';
import { parsePlanText } from '../src/plan/parse.ts';
import type { EngineInfo, EngineWorkerApi } from '../src/engine/workerApi.ts';

interface BenchRun {
  threads: number;
  spacingMm: number;
  wallMs: number;
  frames: number;
  steps: number;
  longTasks: number;
  longestTaskMs: number;
}

const w = window as unknown as { __bench?: unknown; __benchError?: string };
const out = document.getElementById('out')!;

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const spacings = (params.get('spacing') ?? '2,1').split(',').map(Number);
  const repeats = Number(params.get('repeats') ?? '1');
  // Thread counts to compare ('N' = navigator.hardwareConcurrency); each switched by setThreads.
  const threadCounts = (params.get('threads') ?? '1,N').split(',').map((t) => (t === 'N' ? navigator.hardwareConcurrency : Number(t)));
  const text = await (await fetch('/cases/liver-3probe.cryoplan.json')).text();
  const parsed = parsePlanText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const worker = new Worker(new URL('../workers/engine.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<EngineWorkerApi & { setThreads(n: number): Promise<EngineInfo> }>(worker);
  const info: EngineInfo[] = [];
  const longTasks: PerformanceEntry[] = [];
  new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: false });
  const runs: BenchRun[] = [];
  let runId = 0;
  for (const spacingMm of spacings) for (const threads of threadCounts) {
    const got = await api.setThreads(threads);
    info.push(got);
    for (let r = 0; r < repeats; r++) {
      longTasks.length = 0;
      let frames = 0;
      const t0 = performance.now();
      const result = await api.run(parsed.plan, { runId: ++runId, spacingMm, frameEveryS: 20 }, Comlink.proxy(() => void frames++));
      const wallMs = performance.now() - t0;
      // Let the observer deliver the last entries.
      await new Promise((res) => setTimeout(res, 50));
      runs.push({
        threads: got.threads, spacingMm, wallMs, frames, steps: result?.solver.steps ?? -1,
        longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks.map((e) => e.duration)),
      });
      out.textContent = JSON.stringify(runs, null, 1);
    }
  }
  let memoryBytes: number | null = null;
  const perf = performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
  if (crossOriginIsolated && perf.measureUserAgentSpecificMemory) {
    try {
      memoryBytes = (await perf.measureUserAgentSpecificMemory()).bytes;
    } catch {
      memoryBytes = null;
    }
  }
  w.__bench = { crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, info, runs, memoryBytes };
}

main().catch((e: unknown) => {
  w.__benchError = String(e instanceof Error ? e.stack : e);
  out.textContent = w.__benchError;
});
