/**
 * Composition root: picks the plan to open, creates the stores, the engine worker and the run
 * controller, autosaves, and mounts the screen. Nothing else in the app creates workers or
 * touches localStorage.
 */

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { serializePlan } from '../plan/parse.ts';
import type { Plan, Vec3 } from '../plan/types.ts';
import { startAutosave, type KeyValueStorage } from '../store/autosave.ts';
import { createPlanStore } from '../store/planStore.ts';
import { activeZoneCentre, catalogSpec } from '../store/probeGeometry.ts';
import { createSimulationStore } from '../store/simulationStore.ts';
import { createViewStore } from '../store/viewStore.ts';
import { AppShell, DISCLAIMER } from '../ui/AppShell.tsx';
import { AppProvider } from '../ui/context.tsx';
import { createEngineClient, engineThreadsFor } from './engineClient.ts';
import { loadInitialPlan } from './initialPlan.ts';
import { startRunController } from './runController.ts';
import { createServices } from './services.ts';
import { decodePlanHash } from './shareLink.ts';

/** Where the slices first cut: the tumour centre, else the middle of the probes' active zones. */
export function planFocus(plan: Plan): Vec3 {
  const t = plan.tumor;
  if (t && 'ellipsoid' in t) return [...t.ellipsoid.center_mm];
  if (t && 'mesh' in t && plan.meshes?.[t.mesh]) {
    const v = plan.meshes[t.mesh].vertices_mm;
    const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < v.length; i++) {
      lo[i % 3] = Math.min(lo[i % 3], v[i]);
      hi[i % 3] = Math.max(hi[i % 3], v[i]);
    }
    return [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
  }
  const c = plan.probes.map((p) => activeZoneCentre(p, catalogSpec(p.type)));
  const n = Math.max(1, c.length);
  return [0, 1, 2].map((a) => c.reduce((s, p) => s + p[a], 0) / n) as Vec3;
}

function browserStorage(): KeyValueStorage | null {
  try {
    const s = window.localStorage;
    s.getItem('cryoplan.probe');
    return s;
  } catch {
    return null; // storage disabled (private mode, policy): run without autosave
  }
}

function Message({ title, text }: { title: string; text: string }) {
  return (
    <div className="boot">
      <h1>{title}</h1>
      <p>{text}</p>
      <p className="disclaimer">{DISCLAIMER}</p>
    </div>
  );
}

export async function startApp(container: HTMLElement): Promise<void> {
  const root = createRoot(container);
  root.render(<Message title="Cryoplan" text="Opening the case…" />);
  const storage = browserStorage();
  const baseUrl = import.meta.env.BASE_URL;
  let initial;
  try {
    initial = await loadInitialPlan({ hash: location.hash, storage, baseUrl });
  } catch (e) {
    root.render(<Message title="Cryoplan could not open a case" text={e instanceof Error ? e.message : String(e)} />);
    return;
  }

  const plan = createPlanStore(initial.plan);
  const sim = createSimulationStore();
  const view = createViewStore({ sliceCursorMm: planFocus(initial.plan) });
  if (storage) startAutosave(plan, { storage, serialize: serializePlan, onError: (e) => console.warn('autosave failed', e) });
  plan.subscribe((s, prev) => {
    if (s.documentId !== prev.documentId) view.getState().setSliceCursor(planFocus(s.plan));
  });

  // A worker that cannot start makes every run fail with its message (comlink would wait forever).
  let engineFailure: string | null = null;
  const engine = createEngineClient((message) => {
    engineFailure = message;
    sim.getState().failRun(sim.getState().runId, message);
  });
  sim.subscribe((s, prev) => {
    if (engineFailure && s.status === 'running' && s.runId !== prev.runId) s.failRun(s.runId, engineFailure);
  });
  // A pool sized to the machine. Sent before any run, so the worker has it first; a run that
  // starts while the pool is still being built simply runs on one thread (no pool existed before,
  // so none is swapped under a run). The controller starts at once: edits made meanwhile are runs.
  void engine.api
    .setThreads(engineThreadsFor(navigator.hardwareConcurrency))
    .then((info) => sim.getState().setEngineInfo(info), (e: unknown) => console.warn('engine threads', e));
  startRunController({ engine: engine.api, plan, sim, view });

  window.addEventListener('hashchange', () => {
    void decodePlanHash(location.hash).then((r) => {
      if (r?.ok) plan.getState().load(r.plan);
    });
  });

  const services = createServices({ plan, sim, baseUrl, engine: engine.api });
  if (import.meta.env.DEV) Object.assign(window, { __cryoplan: { plan, sim, view, initialSource: initial.source } });
  const startupNotice = initial.linkIssues
    ? `The shared link could not be opened (${initial.linkIssues.map((i) => `${i.path}: ${i.message}`).join('; ')}); showing ${initial.source === 'autosave' ? 'your last plan' : 'the sample case'} instead.`
    : undefined;
  root.render(
    <StrictMode>
      <AppProvider value={{ plan, sim, view, services, startupNotice }}>
        <AppShell />
      </AppProvider>
    </StrictMode>,
  );
}
