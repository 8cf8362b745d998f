import { describe, expect, it } from 'vitest';
import { createSimulationStore, displayedFrame, displayedRecord, PLAYBACK_RATE } from '../../src/store/simulationStore.ts';
import { scrubFrameBytes, toScrubFrame } from '../../src/store/scrubFrames.ts';
import type { RunFrame } from '../../src/engine/workerApi.ts';

const CELLS = 1000; // 4 kB per field

function frame(runId: number, t_s: number, end_s = 1200): RunFrame {
  return {
    runId,
    t_s,
    end_s,
    grid: { dims: [10, 10, 10], spacingMm: 1, originMm: [0, 0, 0] },
    snapshot: { t_s, isotherms: { '0': { volume_ml: t_s / 100, bbox_mm: null } }, structures: {} },
    temperature_C: new Float32Array(CELLS),
    minTemperature_C: new Float32Array(CELLS),
    isosurfaces: [],
    sensors_C: { TC1: 37 - t_s / 100 },
  };
}

describe('simulation store', () => {
  it('accepts frames of the current run only', () => {
    const s = createSimulationStore();
    s.getState().startRun(1, { spacingMm: 2, coarse: true, endS: 1200 });
    expect(s.getState().acceptFrame(frame(1, 20))).toBe(true);
    s.getState().startRun(2, { spacingMm: 1, coarse: false, endS: 1200 });
    expect(s.getState().latest).toBeNull();
    expect(s.getState().acceptFrame(frame(1, 40))).toBe(false); // late frame of the cancelled run
    expect(s.getState().latest).toBeNull();
    const f = frame(2, 20);
    expect(s.getState().acceptFrame(f)).toBe(true);
    expect(s.getState().latest).toBe(f); // by reference: buffers are not copied
    expect(s.getState().history).toHaveLength(1);
    expect(s.getState().spacingMm).toBe(1);
    // A stale finish does not end the current run.
    s.getState().finishRun(1, null);
    expect(s.getState().status).toBe('running');
    s.getState().failRun(1, 'boom');
    expect(s.getState().status).toBe('running');
    s.getState().finishRun(2, null);
    expect(s.getState().status).toBe('cancelled');
    expect(s.getState().acceptFrame(frame(2, 40))).toBe(false); // finished: nothing more
  });

  it('keeps every metric record, thinning only past the count limit', () => {
    const s = createSimulationStore({ historyLimit: 8 });
    s.getState().startRun(1, { spacingMm: 1, coarse: false, endS: 1200 });
    for (let t = 20; t <= 200; t += 20) s.getState().acceptFrame(frame(1, t));
    const h = s.getState().history;
    expect(h.length).toBeLessThanOrEqual(8);
    expect(h[0].t_s).toBe(20);
    expect(h[h.length - 1].t_s).toBe(200);
    expect(h[h.length - 1].sensors_C.TC1).toBeCloseTo(35, 12);
  });

  it('keeps scrub fields at about 2 mm: every other cell of a 1 mm grid, real cell values', () => {
    const f = frame(1, 20);
    for (let i = 0; i < CELLS; i++) f.temperature_C[i] = i; // value = flat index
    const s = toScrubFrame(f);
    expect(s.grid).toEqual({ dims: [5, 5, 5], spacingMm: 2, originMm: [0, 0, 0] });
    // Cell (i, j, k) of the scrub grid is cell (2i, 2j, 2k) of the run grid.
    expect(s.temperature_C[1 + 5 * (2 + 5 * 3)]).toBe(2 + 10 * (4 + 10 * 6));
    expect(scrubFrameBytes(s)).toBe(2 * 125 * 4);
    const coarse = { ...frame(1, 20), grid: { dims: [10, 10, 10] as [number, number, number], spacingMm: 2, originMm: [0, 0, 0] as [number, number, number] } };
    expect(toScrubFrame(coarse).temperature_C).toBe(coarse.temperature_C); // already 2 mm: kept as is
  });

  it('keeps retained fields within the byte budget, spread over the whole run', () => {
    const one = scrubFrameBytes(toScrubFrame(frame(1, 0)));
    const s = createSimulationStore({ scrubBudgetBytes: one * 10 });
    s.getState().startRun(1, { spacingMm: 1, coarse: false, endS: 1200 });
    for (let t = 20; t <= 1200; t += 20) {
      s.getState().acceptFrame(frame(1, t));
      expect(s.getState().scrubBytes).toBeLessThanOrEqual(one * 10);
    }
    const times = s.getState().scrub.map((f) => f.t_s);
    expect(times.length).toBeGreaterThanOrEqual(5);
    expect(times[0]).toBe(20);
    expect(times[times.length - 1]).toBe(1200);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(s.getState().history).toHaveLength(60); // metrics are kept for every frame
  });

  it('shows the newest frame while following, and the retained frame at or before the playback time', () => {
    const s = createSimulationStore();
    s.getState().startRun(1, { spacingMm: 1, coarse: false, endS: 1200 });
    for (let t = 100; t <= 600; t += 100) s.getState().acceptFrame(frame(1, t));
    expect(displayedFrame(s.getState())?.t_s).toBe(600);
    s.getState().seek(350);
    expect(s.getState().following).toBe(false);
    expect(displayedFrame(s.getState())?.t_s).toBe(300);
    expect(displayedRecord(s.getState())?.t_s).toBe(300);
    s.getState().seek(50); // before the first frame: the first one
    expect(displayedFrame(s.getState())?.t_s).toBe(100);
    s.getState().seek(5000); // clamped to the protocol end
    expect(s.getState().playbackS).toBe(1200);
    s.getState().follow();
    expect(s.getState().following).toBe(true);
  });

  it('plays from the start at the playback rate, waits for frames, and stops at the end of a finished run', () => {
    const s = createSimulationStore();
    s.getState().startRun(1, { spacingMm: 1, coarse: false, endS: 600 });
    for (let t = 100; t <= 300; t += 100) s.getState().acceptFrame(frame(1, t, 600));
    s.getState().play();
    expect(s.getState().playbackS).toBe(0);
    s.getState().tick(1);
    expect(s.getState().playbackS).toBe(PLAYBACK_RATE);
    s.getState().tick(100);
    expect(s.getState().playbackS).toBe(300); // not past what has been computed
    expect(s.getState().playing).toBe(true); // still running: waits
    s.getState().acceptFrame(frame(1, 600, 600));
    s.getState().finishRun(1, null);
    s.getState().tick(100);
    expect(s.getState().playbackS).toBe(600);
    expect(s.getState().playing).toBe(false);
    s.getState().togglePlay(); // at the end: starts again from 0
    expect(s.getState().playing).toBe(true);
    expect(s.getState().playbackS).toBe(0);
    s.getState().togglePlay();
    expect(s.getState().playing).toBe(false);
  });
});
