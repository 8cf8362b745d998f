import { describe, expect, it, vi } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import type { RunResult } from '../../src/engine/types.ts';
import type { RunSample } from '../../src/engine/workerApi.ts';
import { createPlanStore } from '../../src/store/planStore.ts';
import { createSimulationStore } from '../../src/store/simulationStore.ts';
import { frame, twoProbePlan } from '../store/fixtures.ts';

const fieldBuffers = (samples: RunSample[]): ArrayBufferLike[] => samples.flatMap((s) => [s.temperature_cC.buffer, s.minTemperature_cC.buffer]);

/** Whether `got` holds exactly the buffers of `samples`' fields (by identity), each once. */
function areFieldsOf(got: unknown, samples: RunSample[]): boolean {
  const expected = fieldBuffers(samples);
  const list = got as ArrayBufferLike[];
  return list.length === expected.length && new Set(list).size === list.length && list.every((b) => expected.includes(b));
}

/** Services on `sim` with an engine that records what it is handed back. */
function servicesOn(sim: ReturnType<typeof createSimulationStore>) {
  const engine = { recycle: vi.fn(), recycleSamples: vi.fn() };
  // Comlink's remote type adds proxy methods the services never call.
  createServices({ plan: createPlanStore(twoProbePlan()), sim, baseUrl: '/', engine: engine as unknown as Parameters<typeof createServices>[0]['engine'] });
  return engine;
}

describe('app services', () => {
  it("give the engine back the fields of the samples the timeline drops: a new run's start, thinning to its budget", () => {
    // Room for four samples' fields.
    const sim = createSimulationStore({ scrubBudgetBytes: 4 * 500 });
    const engine = servicesOn(sim);
    sim.getState().startRun(1, { spacingMm: 1, coarse: false, endS: 1200 });
    const first = frame(1, 40, 1200, [0, 20, 40]);
    sim.getState().acceptFrame(first);
    expect(engine.recycleSamples).not.toHaveBeenCalled();
    // The fifth does not fit: the timeline thins to every other sample and the last (0, 40, 60),
    // then keeps 80, and hands back 20's fields.
    const second = frame(1, 80, 1200, [60, 80]);
    sim.getState().acceptFrame(second);
    expect(sim.getState().scrub.map((f) => f.t_s)).toEqual([0, 40, 60, 80]);
    expect(engine.recycleSamples).toHaveBeenCalledTimes(1);
    expect(areFieldsOf(engine.recycleSamples.mock.calls[0][0], [first.samples[1]])).toBe(true);
    // A new run: everything the timeline kept goes back.
    sim.getState().startRun(2, { spacingMm: 2, coarse: true, endS: 1200 });
    expect(engine.recycleSamples).toHaveBeenCalledTimes(2);
    expect(areFieldsOf(engine.recycleSamples.mock.calls[1][0], [first.samples[0], first.samples[2], ...second.samples])).toBe(true);
    expect(engine.recycle).not.toHaveBeenCalled();
  });

  it("keep a refined preview's samples while it is on show, and give them back once the fine run has finished", () => {
    const sim = createSimulationStore();
    const engine = servicesOn(sim);
    sim.getState().startRun(1, { spacingMm: 2, coarse: true, endS: 1200 });
    const preview = frame(1, 1200, 1200, [0, 600, 1200]);
    sim.getState().acceptFrame(preview);
    sim.getState().finishRun(1, null);
    sim.getState().startRun(2, { spacingMm: 1, coarse: false, endS: 1200, refines: true });
    expect(engine.recycleSamples).not.toHaveBeenCalled(); // the preview still shows them
    const fine = frame(2, 1200, 1200, [0, 1200]);
    sim.getState().acceptFrame(fine);
    expect(engine.recycleSamples).not.toHaveBeenCalled();
    sim.getState().finishRun(2, { format: 'cryoplan-result/1' } as RunResult);
    expect(engine.recycleSamples).toHaveBeenCalledTimes(1);
    expect(areFieldsOf(engine.recycleSamples.mock.calls[0][0], preview.samples)).toBe(true);
  });

  it("give back at once the buffers of a refining run's frames that were never drawn (the preview was on show)", () => {
    const sim = createSimulationStore();
    const engine = servicesOn(sim);
    sim.getState().startRun(1, { spacingMm: 2, coarse: true, endS: 1200 });
    sim.getState().acceptFrame(frame(1, 1200));
    sim.getState().startRun(2, { spacingMm: 1, coarse: false, endS: 1200, refines: true });
    const hidden = frame(2, 400);
    sim.getState().acceptFrame(hidden);
    expect(engine.recycle).not.toHaveBeenCalled(); // the newest: the timeline may yet show it
    const caughtUp = frame(2, 1200);
    sim.getState().acceptFrame(caughtUp);
    expect(engine.recycle).toHaveBeenCalledTimes(1);
    const given = engine.recycle.mock.calls[0][0] as ArrayBuffer[];
    expect(given).toHaveLength(2);
    expect(given[0]).toBe(hidden.temperature_C.buffer);
    expect(given[1]).toBe(hidden.minTemperature_C.buffer);
    sim.getState().acceptFrame(frame(2, 1200)); // the caught-up frame may have been drawn: the views hand it back
    expect(engine.recycle).toHaveBeenCalledTimes(1);
  });
});
