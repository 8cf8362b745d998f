/**
 * Keeps the simulation in step with the plan: on every plan change the old run is cancelled and
 * a new one started — coarse (2 mm) while a gesture (a drag) is in progress, at the plan's own
 * spacing when it ends. Frames go to the simulation store, which refuses those of a stale run, so
 * a late frame of a cancelled run is never shown.
 *
 * Bursts of changes in one task start one run (microtask coalescing); during a drag, runs start
 * at most every `dragThrottleMs`, the last position always getting its run.
 *
 * Runs never overlap in the worker: a new run is sent only once the cancelled one has returned
 * (at its next chunk boundary, ~40 ms). Two live simulations would double the worker's memory and
 * share its CPU; waiting costs at most one chunk. If several changes arrive meanwhile, only the
 * newest is run.
 *
 * Fine runs refine a coarse preview of the same plan, which stays on show where the fine run has
 * not yet got to (SimulationState.preview): when a drag ends, the drag's last preview if it was
 * of the plan the drag ends on (left to finish rather than cancelled: a 2 mm run, a few hundred
 * ms); otherwise (on open, after an edit) a preview run first (`previewEdits`).
 */

import { proxy } from 'comlink';
import type { RunFrame, RunOptions } from '../engine/workerApi.ts';
import type { RunResult } from '../engine/types.ts';
import type { Plan } from '../plan/types.ts';
import { protocolEndS } from '../plan/parse.ts';
import type { PlanStore } from '../store/planStore.ts';
import type { SimulationStore } from '../store/simulationStore.ts';
import { DEFAULT_ISOTHERMS_C, type ViewStore } from '../store/viewStore.ts';

/** The part of the (comlink-wrapped) worker API the controller calls. */
export interface EngineCalls {
  run(plan: Plan, options: RunOptions, onFrame: (frame: RunFrame) => void): Promise<RunResult | null>;
  cancel(runId: number): unknown;
}

export interface RunControllerOptions {
  engine: EngineCalls;
  plan: PlanStore;
  sim: SimulationStore;
  view: ViewStore;
  /** Spacing of preview runs during a drag [mm]. */
  coarseSpacingMm?: number;
  /**
   * Whether a run finer than the coarse spacing (on open, after an edit) is preceded by a coarse
   * preview of the same plan, which it then refines (default true).
   */
  previewEdits?: boolean;
  /**
   * Wall-clock milliseconds between streamed frames of a fine run that has no preview (engine
   * default when absent); a run refining a preview streams every REFINE_FRAME_EVERY_MS.
   */
  frameEveryMs?: number;
  dragThrottleMs?: number;
  /** Marks the frame callback for transfer to the worker (comlink.proxy; identity in tests). */
  wrapCallback?: (fn: (frame: RunFrame) => void) => (frame: RunFrame) => void;
}

export const COARSE_SPACING_MM = 2;
/**
 * Wall-clock milliseconds between frames of a coarse (drag) run: a run is superseded every drag
 * step (dragThrottleMs), so frames come often enough to show the ice growing within one step.
 */
export const COARSE_FRAME_EVERY_MS = 60;
/**
 * Wall-clock milliseconds between frames of a run that refines a preview. The preview covers the
 * protocol, so the views show it, or the run's samples when scrubbed, until the run's last frame;
 * its other frames only bring the samples and the progress. Each 1 mm frame costs the engine ~25
 * ms (field copies, isosurfaces, metrics) and the page a store update: at the engine's 250 ms a
 * liver run built 15–17 of them (Node, 4.10–4.95 s), at 1 s five (3.87–3.98 s).
 */
export const REFINE_FRAME_EVERY_MS = 1000;
/**
 * Simulated seconds between the timeline samples of a coarse (drag) run (plus report times): a
 * preview is replaced within a drag step or by the fine run, and 85 samples cost a 2 mm run about
 * a quarter of its time; 14 still draw the charts.
 */
export const COARSE_SAMPLE_EVERY_S = 120;

export interface RunController {
  dispose(): void;
}

export function startRunController(o: RunControllerOptions): RunController {
  const coarseMm = o.coarseSpacingMm ?? COARSE_SPACING_MM;
  const previewEdits = o.previewEdits ?? true;
  const throttleMs = o.dragThrottleMs ?? 120;
  const wrapCallback = o.wrapCallback ?? ((fn) => proxy(fn));
  let last: { plan: Plan; spacingMm: number; levels: string; coarse: boolean } | null = null;
  let currentId = o.sim.getState().runId;
  /** A coarse preview left to finish because the run after it refines it (0: none). */
  let finishingId = 0;
  let microtaskQueued = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastStartMs = -Infinity;
  let disposed = false;
  /** Settles when the run last sent to the worker has returned (or failed). */
  let previous: Promise<unknown> = Promise.resolve();

  const isoLevels = (): number[] =>
    [...new Set([...DEFAULT_ISOTHERMS_C, ...o.view.getState().visibleIsotherms_C])].sort((a, b) => b - a);

  /** Counts start() calls: a run whose start() has been superseded is not sent. */
  let generation = 0;

  /**
   * Queues a run of `plan` (sent once the previous one has returned). A refining run becomes
   * current when it is sent, so that the last frames of the preview it refines count. Only a
   * drag's runs stream frames every COARSE_FRAME_EVERY_MS; a preview before a fine run is there
   * for its end state, and on software GL its frames at that cadence delayed it ~1.2 s against
   * ~0.65 s (liver, medians of 4 edits each).
   */
  const launch = (plan: Plan, spacingMm: number, levels: number[], kind: { coarse: boolean; refines: boolean; dragStep: boolean }): void => {
    const { coarse, refines, dragStep } = kind;
    const runId = ++currentId;
    const gen = generation;
    const info = { spacingMm, coarse, endS: protocolEndS(plan) };
    if (!refines) o.sim.getState().startRun(runId, info);
    const onFrame = wrapCallback((frame: RunFrame) => {
      o.sim.getState().acceptFrame(frame);
    });
    const send = (): Promise<unknown> => {
      // Superseded while waiting for the previous run to stop: the newer one will be sent instead.
      if (disposed || gen !== generation) return Promise.resolve();
      if (refines) {
        finishingId = 0;
        o.sim.getState().startRun(runId, { ...info, refines: true });
      }
      return o.engine
        .run(plan, {
          runId, spacingMm, isoLevels_C: levels,
          frameEveryMs: dragStep ? COARSE_FRAME_EVERY_MS : refines ? REFINE_FRAME_EVERY_MS : o.frameEveryMs,
          sampleEveryS: coarse ? COARSE_SAMPLE_EVERY_S : undefined,
        }, onFrame)
        .then(
          (result) => o.sim.getState().finishRun(runId, result),
          (error: unknown) => o.sim.getState().failRun(runId, error instanceof Error ? error.message : String(error)),
        );
    };
    previous = previous.then(send, send);
  };

  const start = (): void => {
    microtaskQueued = false;
    if (disposed) return;
    const s = o.plan.getState();
    const plan = s.plan;
    const dragging = s.gestureBase !== null;
    const spacingMm = dragging ? Math.max(coarseMm, plan.grid.spacing_mm) : plan.grid.spacing_mm;
    const levels = isoLevels();
    const levelsKey = levels.join(',');
    if (last && last.plan === plan && last.spacingMm === spacingMm && last.levels === levelsKey) return;
    // A finer run of exactly the plan (and isotherms) the last coarse run previews refines it; any
    // other run finer than a preview gets a preview of its own first.
    const refines = !dragging && last !== null && last.coarse && last.plan === plan && last.levels === levelsKey && last.spacingMm > spacingMm;
    const previewFirst = !dragging && !refines && previewEdits && spacingMm < coarseMm;
    last = { plan, spacingMm, levels: levelsKey, coarse: dragging };
    generation++;
    if (finishingId > 0) o.engine.cancel(finishingId);
    finishingId = 0;
    if (refines) finishingId = currentId;
    else if (currentId > 0) o.engine.cancel(currentId);
    lastStartMs = performance.now();
    if (previewFirst) {
      launch(plan, coarseMm, levels, { coarse: true, refines: false, dragStep: false });
      finishingId = currentId;
      launch(plan, spacingMm, levels, { coarse: false, refines: true, dragStep: false });
    } else {
      launch(plan, spacingMm, levels, { coarse: dragging, refines, dragStep: dragging });
    }
  };

  const schedule = (): void => {
    if (disposed) return;
    const dragging = o.plan.getState().gestureBase !== null;
    if (dragging) {
      if (timer !== null) return;
      const wait = Math.max(0, lastStartMs + throttleMs - performance.now());
      timer = setTimeout(() => {
        timer = null;
        start();
      }, wait);
      return;
    }
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (!microtaskQueued) {
      microtaskQueued = true;
      queueMicrotask(start);
    }
  };

  const unsubPlan = o.plan.subscribe((s, prev) => {
    if (s.plan !== prev.plan || (s.gestureBase === null) !== (prev.gestureBase === null)) schedule();
  });
  const unsubView = o.view.subscribe((s, prev) => {
    if (s.visibleIsotherms_C !== prev.visibleIsotherms_C && last && isoLevels().join(',') !== last.levels) schedule();
  });
  schedule();

  return {
    dispose() {
      disposed = true;
      unsubPlan();
      unsubView();
      if (timer !== null) clearTimeout(timer);
      if (finishingId > 0) o.engine.cancel(finishingId);
      if (currentId > 0) o.engine.cancel(currentId);
    },
  };
}
