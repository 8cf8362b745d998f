import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COARSE_FRAME_EVERY_MS, COARSE_SAMPLE_EVERY_S, REFINE_FRAME_EVERY_MS, startRunController, type EngineCalls } from '../../src/app/runController.ts';
import type { RunFrame, RunOptions } from '../../src/engine/workerApi.ts';
import type { RunResult } from '../../src/engine/types.ts';
import type { Plan } from '../../src/plan/types.ts';
import { createPlanStore } from '../../src/store/planStore.ts';
import { createSimulationStore, displayedFrame } from '../../src/store/simulationStore.ts';
import { createViewStore } from '../../src/store/viewStore.ts';
import { twoProbePlan } from '../store/fixtures.ts';

interface Call {
  plan: Plan;
  options: RunOptions;
  onFrame: (f: RunFrame) => void;
  resolve: (r: RunResult | null) => void;
}

/**
 * An engine that records calls; the test pushes frames and finishes runs by hand. Like the real
 * one, a cancelled run returns null (at once, or only when the test says so with `stopLater`).
 */
function fakeEngine(stopLater = false) {
  const calls: Call[] = [];
  const cancelled: number[] = [];
  let live = 0;
  let maxLive = 0;
  const engine: EngineCalls = {
    run(plan, options, onFrame) {
      live++;
      maxLive = Math.max(maxLive, live);
      return new Promise<RunResult | null>((resolve) => calls.push({ plan, options, onFrame, resolve })).finally(() => live--);
    },
    cancel(runId) {
      cancelled.push(runId);
      if (!stopLater) calls.find((c) => c.options.runId === runId)?.resolve(null);
    },
  };
  return { engine, calls, cancelled, maxLive: () => maxLive };
}

function frame(runId: number, t_s: number): RunFrame {
  return {
    runId, t_s, end_s: 1680,
    grid: { dims: [3, 3, 3], spacingMm: 1, originMm: [0, 0, 0] },
    snapshot: { t_s, isotherms: {}, structures: {} },
    temperature_C: new Float32Array(27), minTemperature_C: new Float32Array(27), isosurfaces: [], sensors_C: {}, samples: [],
  };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('run controller', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  /** Without previews before fine runs unless asked (most tests here are about cancelling and stale runs). */
  function setup(stopLater = false, previewEdits = false) {
    const plan = createPlanStore(twoProbePlan());
    const sim = createSimulationStore();
    const view = createViewStore();
    const fake = fakeEngine(stopLater);
    const ctl = startRunController({ engine: fake.engine, plan, sim, view, wrapCallback: (f) => f, previewEdits });
    return { plan, sim, view, ...fake, ctl };
  }

  it('starts a fine run on open, at the plan spacing, with the default isotherms', async () => {
    const { calls, sim } = setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    // No preview to refine: its frames are what the views show, at the engine's cadence.
    expect(calls[0].options).toMatchObject({ runId: 1, spacingMm: 1, isoLevels_C: [0, -20, -40], frameEveryMs: undefined });
    expect(sim.getState()).toMatchObject({ runId: 1, status: 'running', coarse: false, endS: 1680 });
  });

  it('each plan change cancels the old run and starts a new one; a burst in one task starts one run', async () => {
    const { calls, cancelled, plan } = setup();
    await vi.advanceTimersByTimeAsync(0);
    plan.getState().setLethal(-30);
    plan.getState().setMargin(6);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    expect(cancelled).toEqual([1]);
    expect(calls[1].plan.lethal_C).toBe(-30);
    expect(calls[1].plan.margin_mm).toBe(6);
  });

  it('sends a new run only after the cancelled one has returned, and only the newest of those waiting', async () => {
    const { calls, cancelled, plan, maxLive } = setup(true);
    await vi.advanceTimersByTimeAsync(0);
    plan.getState().setLethal(-30);
    await vi.advanceTimersByTimeAsync(0);
    plan.getState().setLethal(-25);
    await vi.advanceTimersByTimeAsync(0);
    expect(cancelled).toEqual([1, 2]);
    expect(calls).toHaveLength(1); // run 1 has not returned yet
    calls[0].resolve(null); // run 1 stops at its next chunk
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    expect(calls[1].options.runId).toBe(3); // run 2 was superseded before it was sent
    expect(calls[1].plan.lethal_C).toBe(-25);
    expect(maxLive()).toBe(1);
  });

  it('never shows a frame of a stale run', async () => {
    const { calls, plan, sim } = setup(true);
    await vi.advanceTimersByTimeAsync(0);
    const first = frame(1, 20);
    calls[0].onFrame(first);
    expect(displayedFrame(sim.getState())).toBe(first);
    plan.getState().setLethal(-30);
    await vi.advanceTimersByTimeAsync(0);
    calls[0].onFrame(frame(1, 40)); // arrives after the cancel
    expect(sim.getState().latest).toBeNull();
    calls[0].resolve(null);
    await flush();
    expect(sim.getState().status).toBe('running'); // the stale run's end does not end the new one
    const second = frame(2, 20);
    calls[1].onFrame(second);
    expect(displayedFrame(sim.getState())).toBe(second);
  });

  it('runs coarse (2 mm) during a drag, throttled, and fine at the plan spacing when it ends', async () => {
    const { calls, cancelled, plan } = setup();
    await vi.advanceTimersByTimeAsync(0);
    plan.getState().beginGesture();
    for (let k = 0; k < 10; k++) {
      plan.getState().translateProbe('P1', [-6 + k, 0, -15]);
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(200);
    const coarse = calls.slice(1);
    expect(coarse.length).toBeGreaterThanOrEqual(1);
    expect(coarse.length).toBeLessThanOrEqual(3); // 200 ms of moves at ≤ 1 run / 120 ms
    for (const c of coarse) expect(c.options).toMatchObject({ spacingMm: 2, frameEveryMs: COARSE_FRAME_EVERY_MS, sampleEveryS: COARSE_SAMPLE_EVERY_S });
    expect(coarse[coarse.length - 1].plan.probes[0].tip_mm).toEqual([3, 0, -15]); // the last position got its run
    plan.getState().endGesture();
    await vi.advanceTimersByTimeAsync(0);
    // The last preview is of this very plan: it finishes first (not cancelled), then the fine run.
    const preview = calls[calls.length - 1];
    expect(cancelled).not.toContain(preview.options.runId);
    preview.resolve({ format: 'cryoplan-result/1' } as RunResult);
    await flush();
    const fine = calls[calls.length - 1];
    expect(fine).not.toBe(preview);
    expect(fine.options).toMatchObject({ spacingMm: 1, frameEveryMs: REFINE_FRAME_EVERY_MS, sampleEveryS: undefined });
    expect(fine.plan.probes[0].tip_mm).toEqual([3, 0, -15]);
  });

  /** A drag of P1 to x = 3 whose last position has had its coarse preview started. */
  async function dragged(stopLater = false, previewEdits = false) {
    const t = setup(stopLater, previewEdits);
    await vi.advanceTimersByTimeAsync(0);
    t.plan.getState().beginGesture();
    t.plan.getState().translateProbe('P1', [3, 0, -15]);
    await vi.advanceTimersByTimeAsync(200);
    if (stopLater) {
      t.calls[0].resolve(null); // the first run stops at its next chunk
      await flush();
    }
    const preview = t.calls[t.calls.length - 1];
    expect(preview.options.spacingMm).toBe(2);
    return { ...t, preview };
  }

  it('when a drag ends, the fine run refines its last preview, which stays on show where the fine run has not got to', async () => {
    const { calls, sim, plan, preview } = await dragged();
    preview.onFrame(frame(preview.options.runId, 1680));
    plan.getState().endGesture();
    await vi.advanceTimersByTimeAsync(0);
    expect(sim.getState()).toMatchObject({ runId: preview.options.runId, coarse: true }); // the preview is still current
    preview.resolve({ format: 'cryoplan-result/1' } as RunResult);
    await flush();
    const fine = calls[calls.length - 1];
    expect(fine.options.spacingMm).toBe(1);
    expect(sim.getState()).toMatchObject({ runId: fine.options.runId, coarse: false, status: 'running' });
    expect(sim.getState().preview?.latest.t_s).toBe(1680);
    const early = frame(fine.options.runId, 200);
    fine.onFrame(early);
    expect(displayedFrame(sim.getState())?.t_s).toBe(1680); // the preview's end, not the fine run's 3:20
    const last = frame(fine.options.runId, 1680);
    fine.onFrame(last);
    expect(displayedFrame(sim.getState())).toBe(last); // caught up: the fine run's own frame
    fine.resolve({ format: 'cryoplan-result/1' } as RunResult);
    await flush();
    expect(sim.getState().preview).toBeNull();
  });

  it('a change while the last preview finishes cancels it and the refining run; nothing of the old plan stays', async () => {
    const { calls, cancelled, sim, plan, preview, maxLive } = await dragged(true);
    preview.onFrame(frame(preview.options.runId, 600));
    plan.getState().endGesture();
    await vi.advanceTimersByTimeAsync(0);
    const refiningId = preview.options.runId + 1;
    plan.getState().setLethal(-30);
    await vi.advanceTimersByTimeAsync(0);
    expect(cancelled).toContain(preview.options.runId);
    expect(cancelled).toContain(refiningId);
    expect(sim.getState()).toMatchObject({ runId: refiningId + 1, preview: null, latest: null });
    preview.resolve(null);
    await flush();
    const next = calls[calls.length - 1];
    expect(next.options.runId).toBe(refiningId + 1); // the refining run was never sent
    expect(next.plan.lethal_C).toBe(-30);
    expect(maxLive()).toBe(1);
  });

  it('a drag that ends before its last position got a preview starts the fine run at once, without a preview', async () => {
    const { calls, cancelled, sim, plan, preview } = await dragged();
    preview.onFrame(frame(preview.options.runId, 1680));
    plan.getState().translateProbe('P1', [4, 0, -15]); // throttled: no preview of this position yet
    plan.getState().endGesture();
    await vi.advanceTimersByTimeAsync(0);
    expect(cancelled).toContain(preview.options.runId);
    const fine = calls[calls.length - 1];
    expect(fine.options.spacingMm).toBe(1);
    expect(fine.plan.probes[0].tip_mm).toEqual([4, 0, -15]);
    expect(sim.getState()).toMatchObject({ runId: fine.options.runId, preview: null, latest: null });
  });

  it('on open and after an edit a 2 mm preview runs first, and the fine run refines it', async () => {
    const { calls, cancelled, sim, plan } = setup(false, true);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    // Its end state is what it is for: frames at the engine's cadence, not a drag's.
    expect(calls[0].options).toMatchObject({ runId: 1, spacingMm: 2, frameEveryMs: undefined, sampleEveryS: COARSE_SAMPLE_EVERY_S });
    expect(sim.getState()).toMatchObject({ runId: 1, coarse: true });
    calls[0].onFrame(frame(1, 1680));
    calls[0].resolve({ format: 'cryoplan-result/1' } as RunResult);
    await flush();
    expect(calls[1].options).toMatchObject({ runId: 2, spacingMm: 1, frameEveryMs: REFINE_FRAME_EVERY_MS, sampleEveryS: undefined });
    expect(calls[1].plan).toBe(calls[0].plan);
    expect(sim.getState()).toMatchObject({ runId: 2, coarse: false, status: 'running' });
    expect(sim.getState().preview?.latest.t_s).toBe(1680);
    // An edit while the fine run refines: both stop, and the new plan's preview runs first.
    plan.getState().setLethal(-30);
    await vi.advanceTimersByTimeAsync(0);
    expect(cancelled).toEqual([2]);
    expect(sim.getState()).toMatchObject({ runId: 3, coarse: true, preview: null });
    expect(calls[2].options).toMatchObject({ runId: 3, spacingMm: 2 });
    expect(calls[2].plan.lethal_C).toBe(-30);
  });

  it('an edit while the preview before a fine run still runs cancels it, and the fine run is never sent', async () => {
    const { calls, cancelled, sim, plan, maxLive } = setup(true, true);
    await vi.advanceTimersByTimeAsync(0);
    plan.getState().setLethal(-30);
    await vi.advanceTimersByTimeAsync(0);
    expect(cancelled).toEqual([1, 2]);
    calls[0].resolve(null);
    await flush();
    expect(calls.map((c) => c.options.runId)).toEqual([1, 3]);
    expect(sim.getState()).toMatchObject({ runId: 3, coarse: true });
    expect(maxLive()).toBe(1);
  });

  it('with previews before fine runs, a drag that ends where no preview ran gets one of its own first', async () => {
    const { calls, cancelled, sim, plan, preview } = await dragged(false, true);
    plan.getState().translateProbe('P1', [4, 0, -15]);
    plan.getState().endGesture();
    await vi.advanceTimersByTimeAsync(0);
    expect(cancelled).toContain(preview.options.runId);
    const own = calls[calls.length - 1];
    expect(own.options).toMatchObject({ runId: preview.options.runId + 1, spacingMm: 2 });
    expect(own.plan.probes[0].tip_mm).toEqual([4, 0, -15]);
    own.resolve({ format: 'cryoplan-result/1' } as RunResult);
    await flush();
    expect(calls[calls.length - 1].options).toMatchObject({ runId: own.options.runId + 1, spacingMm: 1 });
    expect(sim.getState().runId).toBe(own.options.runId + 1);
  });

  it('a finished run is marked done; an engine error is shown as a failed run', async () => {
    const { calls, plan, sim } = setup();
    await vi.advanceTimersByTimeAsync(0);
    calls[0].resolve({ format: 'cryoplan-result/1' } as RunResult);
    await flush();
    expect(sim.getState().status).toBe('done');
    plan.getState().setLethal(-30);
    await vi.advanceTimersByTimeAsync(0);
    const failing: EngineCalls = { run: () => Promise.reject(new Error('out of memory')), cancel: () => undefined };
    const s2 = createSimulationStore();
    startRunController({ engine: failing, plan, sim: s2, view: createViewStore(), wrapCallback: (f) => f });
    await vi.advanceTimersByTimeAsync(0);
    await flush();
    expect(s2.getState()).toMatchObject({ status: 'error', error: 'out of memory' });
  });

  it('asks for a new isotherm level when one is shown that the run does not extract', async () => {
    const { calls, view } = setup();
    await vi.advanceTimersByTimeAsync(0);
    view.getState().toggleIsotherm(-20); // hide a default level: no new run
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    view.getState().toggleIsotherm(-30);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    expect(calls[1].options.isoLevels_C).toEqual([0, -20, -30, -40]);
  });
});
