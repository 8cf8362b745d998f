import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/types.ts';
import {
  availableS, chartRecords, createSimulationStore, displayedFrame, displayedRecord, PLAYBACK_RATE, shownPreview, shownTimeS, viewMarginMm,
} from '../../src/store/simulationStore.ts';
import { scrubFrameBytes, toScrubFrame } from '../../src/store/scrubFrames.ts';
import { frame } from './fixtures.ts';

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

  it("keeps every sample of a frame, in order, for charts and scrubbing; the frame's own metrics for following", () => {
    const s = createSimulationStore();
    s.getState().startRun(1, { spacingMm: 1, coarse: false, endS: 1200 });
    s.getState().acceptFrame(frame(1, 0));
    const f = frame(1, 60, 1200, [20, 40, 60]);
    s.getState().acceptFrame(f);
    expect(s.getState().history.map((r) => r.t_s)).toEqual([0, 20, 40, 60]);
    expect(s.getState().scrub.map((r) => r.t_s)).toEqual([0, 20, 40, 60]);
    expect(s.getState().scrub[3].temperature_cC).toBe(f.samples[2].temperature_cC); // by reference
    expect(s.getState().scrub[3].isoLevels_C).toEqual([0]);
    expect(s.getState().scrub[3].ablationLevel_C).toBe(-40);
    expect(displayedRecord(s.getState())?.snapshot).toBe(f.snapshot); // following: margin included
    expect(displayedRecord(s.getState())?.snapshot.coverage?.min_margin_mm).toBe(1.5);
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

  it('keeps retained fields within the byte budget, spread over the whole run', () => {
    const f0 = frame(1, 0);
    const one = scrubFrameBytes(toScrubFrame(f0.samples[0], f0));
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
    expect(s.getState().history).toHaveLength(60); // metrics are kept for every sample
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
    // Scrubbed at the newest time while running: the retained sample, not the newest frame, so
    // what is shown at a time does not depend on when frames arrived.
    s.getState().seek(600);
    expect(s.getState().following).toBe(false);
    expect(displayedFrame(s.getState())).not.toBe(s.getState().latest);
    expect(displayedFrame(s.getState())?.grid.spacingMm).toBe(2);
    expect(displayedRecord(s.getState())?.snapshot.coverage).not.toHaveProperty('min_margin_mm');
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
    expect(s.getState().following).toBe(true); // at the end: the newest frame again
    s.getState().togglePlay(); // at the end: starts again from 0
    expect(s.getState().playing).toBe(true);
    expect(s.getState().playbackS).toBe(0);
    s.getState().togglePlay();
    expect(s.getState().playing).toBe(false);
  });
});

describe('a preview refined by a finer run of the same plan', () => {
  /** A finished coarse run (samples every 300 s) and a fine run that refines it, at 400 s so far. */
  function refining() {
    const s = createSimulationStore();
    s.getState().startRun(1, { spacingMm: 2, coarse: true, endS: 1200 });
    const coarseEnd = frame(1, 1200, 1200, [0, 300, 600, 900, 1200]);
    s.getState().acceptFrame(coarseEnd);
    s.getState().finishRun(1, { format: 'cryoplan-result/1' } as RunResult);
    s.getState().startRun(2, { spacingMm: 1, coarse: false, endS: 1200, refines: true });
    s.getState().acceptFrame(frame(2, 400, 1200, [0, 200, 400]));
    return { s, coarseEnd };
  }

  it('is shown where the fine run has not got to: following, scrubbed past it and played into', () => {
    const { s, coarseEnd } = refining();
    expect(s.getState().preview?.spacingMm).toBe(2);
    expect(displayedFrame(s.getState())).toBe(coarseEnd); // following: the preview's end, not 400 s
    expect(displayedRecord(s.getState())?.t_s).toBe(1200);
    expect(shownTimeS(s.getState())).toBe(1200);
    expect(availableS(s.getState())).toBe(1200);
    s.getState().seek(700); // past the fine run: the preview's sample at or before it
    expect(shownPreview(s.getState())).not.toBeNull();
    expect(displayedFrame(s.getState())?.t_s).toBe(600);
    expect(displayedRecord(s.getState())?.t_s).toBe(600);
    s.getState().seek(300); // within the fine run: its own sample
    expect(shownPreview(s.getState())).toBeNull();
    expect(displayedFrame(s.getState())?.t_s).toBe(200);
    s.getState().play();
    s.getState().tick(1000 / PLAYBACK_RATE); // plays on into the preview, to its end, and stops there
    expect(s.getState().playbackS).toBe(1200);
    expect(s.getState().playing).toBe(false);
    expect(displayedFrame(s.getState())).toBe(coarseEnd);
  });

  it("is charted after the fine run's newest time, and the charts keep the preview's list until the fine run has frames", () => {
    const { s } = refining();
    const charted = (st: ReturnType<typeof s.getState>) => chartRecords(st.history, st.preview?.history ?? null, st.latest?.t_s ?? null);
    expect(charted(s.getState()).map((r) => r.t_s)).toEqual([0, 200, 400, 600, 900, 1200]);
    expect(charted(s.getState()).slice(0, 3)).toEqual(s.getState().history); // the fine run's own records first
    s.getState().acceptFrame(frame(2, 1200, 1200, [600, 800, 1000, 1200]));
    expect(charted(s.getState())).toBe(s.getState().history); // caught up: nothing of the preview
    const fresh = createSimulationStore();
    fresh.getState().startRun(1, { spacingMm: 2, coarse: true, endS: 1200 });
    fresh.getState().acceptFrame(frame(1, 1200, 1200, [0, 600, 1200]));
    const previewList = fresh.getState().history;
    fresh.getState().startRun(2, { spacingMm: 1, coarse: false, endS: 1200, refines: true });
    expect(charted(fresh.getState())).toBe(previewList); // the same array: the charts do not redraw
    expect(chartRecords(previewList, null, 1200)).toBe(previewList); // no preview: the run's own
  });

  it('gives way to the fine run as it catches up, and goes when it finishes or another run starts', () => {
    const { s } = refining();
    const caughtUp = frame(2, 1200, 1200, [600, 800, 1000, 1200]);
    s.getState().acceptFrame(caughtUp);
    expect(displayedFrame(s.getState())).toBe(caughtUp);
    s.getState().finishRun(2, null); // cancelled: a next run decides
    expect(s.getState().preview).not.toBeNull();
    s.getState().startRun(3, { spacingMm: 1, coarse: false, endS: 1200, refines: true }); // not after a coarse run
    expect(s.getState().preview).toBeNull();
    const again = refining().s;
    again.getState().finishRun(2, { format: 'cryoplan-result/1' } as RunResult);
    expect(again.getState().preview).toBeNull();
    const other = refining().s;
    other.getState().startRun(3, { spacingMm: 2, coarse: true, endS: 1200 }); // a new drag
    expect(other.getState().preview).toBeNull();
  });
});

describe('minimum margin of the picture shown', () => {
  it('comes from the view bands when the record has none, only for the same time, null without a lethal zone', () => {
    const s = createSimulationStore();
    s.getState().startRun(1, { spacingMm: 1, coarse: false, endS: 1200 });
    s.getState().acceptFrame(frame(1, 100));
    const f = frame(1, 200);
    f.samples[0].minTemperature_cC[62] = -6000; // −60 °C in the centre cell of the 5³ sample grid: a lethal zone
    s.getState().acceptFrame(f);
    s.getState().setMarginBands({ counts: [1, 2, 3], minSignedMm: -2.5 });
    s.getState().seek(150);
    // The picture (sample at 100 s) has an empty lethal isosurface: no lethal zone.
    expect(viewMarginMm(s.getState())).toBeNull();
    s.getState().seek(250);
    expect(displayedFrame(s.getState())?.t_s).toBe(200);
    expect(viewMarginMm(s.getState())).toBe(-2.5);
    s.getState().setMarginBands(null);
    expect(viewMarginMm(s.getState())).toBeUndefined();
  });
});
