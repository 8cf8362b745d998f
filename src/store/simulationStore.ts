/**
 * What the engine has streamed for the current run, and where the timeline stands. A vanilla
 * zustand store (no React).
 *
 * - Only frames of the current run are accepted (`acceptFrame` returns false for a stale runId).
 * - `latest` is the newest frame (full resolution, a few per second of wall time), kept by
 *   reference: its buffers were transferred from the worker and are never copied here.
 * - `history` keeps the metrics and sensor readings of every sample (every 20 simulated seconds
 *   and at report times; the signed minimum margin only at report times) for charts and the
 *   scrubbed metrics; bounded in count by thinning to every other record when full.
 * - `scrub` keeps every sample's fields (about 2 mm, decimated in the worker; isosurfaces rebuilt
 *   only for the frame shown) for scrubbing back in time, within a byte budget: when a new one
 *   would exceed it, every other retained one is dropped (so they stay spread over the whole
 *   protocol, at a coarser time step). A 1 mm run of the liver sample keeps all 85 in 27 MB.
 * - Scrubbed (not following), the views show the retained sample at or before the timeline
 *   position, never the newest full frame, so what is shown at a time does not depend on when
 *   frames happened to arrive.
 * - `preview`: a run that refines the coarse preview of the same plan (the app's fine runs: after
 *   a drag's last 2 mm run, or after a 2 mm run of their own) keeps that preview's frames, and
 *   shows them wherever the fine run has not yet got to: the ice ball the user placed the probe
 *   by stays on screen, labelled a preview, instead of starting again from 0:00. Dropped when the
 *   fine run has run to its end, or at the next run.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineInfo, FramePicture, RunFrame, SampleSnapshot } from '../engine/workerApi.ts';
import type { RunResult } from '../engine/types.ts';
import { materialize, scrubFrameBytes, toScrubFrame, type ScrubFrame } from './scrubFrames.ts';

/**
 * Bytes of retained samples for scrubbing. The tab should stay < 300 MB: a 1 mm run of the largest
 * sample (renal, 85 samples in 33 MiB) peaks at ~270 MiB (npm run bench), so domains over twice
 * as large keep every other sample instead of growing the tab.
 */
export const DEFAULT_SCRUB_BUDGET_BYTES = 80 * 1024 * 1024;
/** Metric records kept for charts. */
export const DEFAULT_HISTORY_LIMIT = 4096;
/** Simulated seconds per real second while playing. */
export const PLAYBACK_RATE = 60;

export type RunStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface FrameRecord {
  t_s: number;
  /** Without the signed minimum margin except at report times and for the newest frame. */
  snapshot: SampleSnapshot;
  sensors_C: Record<string, number>;
}

/** The coarse run of the same plan that the current run refines (see `preview` above). */
export interface PreviewRun {
  spacingMm: number;
  latest: RunFrame;
  latestRecord: FrameRecord;
  history: FrameRecord[];
  scrub: ScrubFrame[];
}

export interface SimulationState {
  /** Id of the run whose frames are shown; 0 before the first run. */
  runId: number;
  /** Grid spacing of the current run [mm]. */
  spacingMm: number | null;
  /** A coarse preview (while dragging) rather than the run at the plan's spacing. */
  coarse: boolean;
  status: RunStatus;
  error: string | null;
  /** End of the protocol being run [s]. */
  endS: number;
  latest: RunFrame | null;
  /** The newest frame's metrics and sensors (margin included). */
  latestRecord: FrameRecord | null;
  history: FrameRecord[];
  scrub: ScrubFrame[];
  /** The coarse preview this run refines, shown where the run has not yet got to; else null. */
  preview: PreviewRun | null;
  scrubBytes: number;
  scrubBudgetBytes: number;
  historyLimit: number;
  result: RunResult | null;
  /** Wall-clock start of the run [ms since epoch], for "simulated x s in y s". */
  startedAtMs: number;
  /** Wall-clock time of the latest frame [ms since epoch]. */
  latestAtMs: number;
  /** Timeline position [s]. */
  playbackS: number;
  /** The timeline follows the newest frame (true until the user scrubs or plays). */
  following: boolean;
  playing: boolean;
  /** Tumour-surface margin bands of the shown frame, as measured by the 3D view; null if none. */
  marginBands: MarginBandCounts | null;
  /** How the engine computes (kernel, threads, and why not more); null until it says. */
  engine: EngineInfo | null;
}

/** Tumour surface points per signed-margin band: [< 0, 0 to margin, ≥ margin], and the minimum [mm]. */
export interface MarginBandCounts {
  counts: [number, number, number];
  minSignedMm: number;
}

export interface SimulationActions {
  /**
   * A new run becomes current. With `refines` (a finer run of the plan the current coarse run
   * previews) that run's frames stay on as the preview; otherwise any preview goes.
   */
  startRun(runId: number, info: { spacingMm: number; coarse: boolean; endS: number; refines?: boolean }): void;
  /** Stores a frame of the current run; false (and nothing stored) for a stale run. */
  acceptFrame(frame: RunFrame): boolean;
  finishRun(runId: number, result: RunResult | null): void;
  failRun(runId: number, message: string): void;
  /** Moves the timeline; following stops unless t is at or past the newest frame of a finished run. */
  seek(t_s: number): void;
  /** Back to following the newest frame. */
  follow(): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  /** Advances playback by `realSeconds` of wall time. */
  tick(realSeconds: number): void;
  setMarginBands(bands: MarginBandCounts | null): void;
  setEngineInfo(info: EngineInfo): void;
}

export type SimulationStore = StoreApi<SimulationState & SimulationActions>;


/** Keeps indices 0, 2, 4, … and always the last element. */
function thin<T>(list: T[]): T[] {
  const out = list.filter((_, i) => i % 2 === 0);
  if (list.length % 2 === 0 && list.length > 0) out.push(list[list.length - 1]);
  return out;
}

export function createSimulationStore(
  options: { scrubBudgetBytes?: number; historyLimit?: number; now?: () => number } = {},
): SimulationStore {
  const now = options.now ?? (() => Date.now());
  return createStore<SimulationState & SimulationActions>()((set, get) => ({
    runId: 0,
    spacingMm: null,
    coarse: false,
    status: 'idle',
    error: null,
    endS: 0,
    latest: null,
    latestRecord: null,
    history: [],
    scrub: [],
    preview: null,
    scrubBytes: 0,
    scrubBudgetBytes: options.scrubBudgetBytes ?? DEFAULT_SCRUB_BUDGET_BYTES,
    historyLimit: options.historyLimit ?? DEFAULT_HISTORY_LIMIT,
    result: null,
    startedAtMs: 0,
    latestAtMs: 0,
    playbackS: 0,
    following: true,
    playing: false,
    marginBands: null,
    engine: null,

    startRun(runId, info) {
      const s = get();
      const { latest, latestRecord, spacingMm } = s;
      const keep = info.refines === true && !info.coarse && s.coarse && latest !== null && latestRecord !== null && spacingMm !== null;
      set({
        preview: keep ? { spacingMm, latest, latestRecord, history: s.history, scrub: s.scrub } : null,
        runId,
        spacingMm: info.spacingMm,
        coarse: info.coarse,
        endS: info.endS,
        status: 'running',
        error: null,
        latest: null,
        latestRecord: null,
        history: [],
        scrub: [],
        scrubBytes: 0,
        result: null,
        startedAtMs: now(),
        latestAtMs: now(),
        playbackS: Math.min(s.playbackS, info.endS),
      });
    },
    acceptFrame(frame) {
      const s = get();
      if (frame.runId !== s.runId || s.status !== 'running') return false;
      let history = s.history.slice();
      let scrub = s.scrub.slice();
      let scrubBytes = s.scrubBytes;
      for (const sample of frame.samples) {
        history.push({ t_s: sample.t_s, snapshot: sample.snapshot, sensors_C: sample.sensors_C });
        if (history.length > s.historyLimit) history = thin(history);
        const kept = toScrubFrame(sample, frame);
        const bytes = scrubFrameBytes(kept);
        while (scrub.length > 1 && scrubBytes + bytes > s.scrubBudgetBytes) {
          scrub = thin(scrub);
          scrubBytes = scrub.reduce((n, f) => n + scrubFrameBytes(f), 0);
        }
        if (scrubBytes + bytes > s.scrubBudgetBytes) {
          scrub = [];
          scrubBytes = 0;
        }
        // The newest state is always displayable through `latest`; a sample joins `scrub` only if it fits.
        if (bytes <= s.scrubBudgetBytes) {
          scrub.push(kept);
          scrubBytes += bytes;
        }
      }
      const latestRecord = { t_s: frame.t_s, snapshot: frame.snapshot, sensors_C: frame.sensors_C };
      set({ latest: frame, latestRecord, history, scrub, scrubBytes, endS: frame.end_s, latestAtMs: now() });
      return true;
    },
    finishRun(runId, result) {
      const s = get();
      if (runId !== s.runId || s.status !== 'running') return;
      // A finished run covers the whole protocol: its preview has nothing left to show.
      set({ status: result ? 'done' : 'cancelled', result, preview: result ? null : s.preview });
    },
    failRun(runId, message) {
      if (runId !== get().runId) return;
      set({ status: 'error', error: message, playing: false });
    },
    seek(t_s) {
      const s = get();
      const t = Math.max(0, Math.min(t_s, s.endS));
      const atLiveEdge = s.status !== 'running' && s.latest !== null && t >= s.latest.t_s;
      set({ playbackS: t, following: atLiveEdge });
    },
    follow() {
      const s = get();
      set({ following: true, playing: false, playbackS: s.latest || s.preview ? availableS(s) : s.playbackS });
    },
    play() {
      const s = get();
      const end = availableS(s);
      const fromStart = s.following || s.playbackS >= end;
      set({ playing: true, following: false, playbackS: fromStart ? 0 : s.playbackS });
    },
    pause() {
      set({ playing: false });
    },
    togglePlay() {
      if (get().playing) get().pause();
      else get().play();
    },
    tick(realSeconds) {
      const s = get();
      if (!s.playing) return;
      const available = availableS(s);
      const t = Math.min(s.playbackS + realSeconds * PLAYBACK_RATE, available);
      // Reached the end of a finished run (or of its preview): stop there, showing the newest frame.
      const done = (s.status !== 'running' || (s.preview !== null && s.preview.latest.t_s >= available)) && t >= available;
      set({ playbackS: t, playing: !done, following: done });
    },
    setMarginBands(bands) {
      set({ marginBands: bands });
    },
    setEngineInfo(info) {
      set({ engine: info });
    },
  }));
}

/** The newest simulated time there is anything to show for [s]: the run's or its preview's. */
export function availableS(s: SimulationState): number {
  return Math.max(s.latest?.t_s ?? 0, s.preview?.latest.t_s ?? 0);
}

/**
 * The preview when the timeline position is shown from it (the run refining it has not got there
 * yet, and the preview has got further), else null.
 */
export function shownPreview(s: SimulationState): PreviewRun | null {
  const p = s.preview;
  if (!p) return null;
  const runS = s.latest?.t_s ?? -Infinity;
  return p.latest.t_s > runS && (s.following || s.playbackS > runS + 1e-9) ? p : null;
}

/**
 * The metric records the charts draw: at every time the one the timeline would show there. The
 * run's own, then, while it refines a preview, the preview's after the run's newest frame. A
 * refining run without frames yet charts the preview's own list (the same array), so the charts
 * do not change when the refinement starts.
 */
export function chartRecords(history: FrameRecord[], previewHistory: FrameRecord[] | null, runLatestS: number | null): FrameRecord[] {
  if (!previewHistory) return history;
  if (runLatestS === null) return previewHistory;
  const ahead = previewHistory.filter((r) => r.t_s > runLatestS + 1e-9);
  return ahead.length === 0 ? history : [...history, ...ahead];
}

/** The timeline position shown [s]: the newest frame's time when following. */
export function shownTimeS(s: SimulationState): number {
  if (!s.following) return s.playbackS;
  return (shownPreview(s) ?? s).latest?.t_s ?? 0;
}

/** The entry of a time-ordered list at or before t, else its first. */
function atOrBefore<E extends { t_s: number }>(list: readonly E[], t: number): E | undefined {
  let best: E | undefined;
  for (const e of list) {
    if (e.t_s <= t + 1e-9) best = e;
    else break;
  }
  return best ?? list[0];
}

/**
 * The picture shown at the timeline position: the newest frame (full resolution) when following,
 * else the retained ~2 mm sample at or before it (the first one before any), with its
 * isosurfaces rebuilt; from the preview where it shows (shownPreview).
 */
export function displayedFrame(s: SimulationState): FramePicture | null {
  const from = shownPreview(s) ?? s;
  if (s.following || !from.latest) return from.latest;
  const pick = atOrBefore(from.scrub, s.playbackS);
  return pick ? materialize(pick) : from.latest;
}

/**
 * The metric record shown at the timeline position: the newest frame's when following, else the
 * sample at or before it (every sample's metrics are kept, so finer than `scrub` once thinned);
 * from the preview where it shows.
 */
export function displayedRecord(s: SimulationState): FrameRecord | null {
  const from = shownPreview(s) ?? s;
  if (s.following) return from.latestRecord;
  return atOrBefore(from.history, s.playbackS) ?? null;
}

/**
 * The signed minimum margin measured on the picture shown (the 3D view's tumour-surface bands),
 * for a record without one: null when the picture has no lethal zone, undefined when unknown
 * (no bands, or the picture is of another time than the record).
 */
export function viewMarginMm(s: SimulationState): number | null | undefined {
  const picture = displayedFrame(s);
  const record = displayedRecord(s);
  if (!picture || !record || !s.marginBands || picture.t_s !== record.t_s) return undefined;
  const ablation = picture.isosurfaces.find((x) => x.field === 'ablation');
  return ablation && ablation.positions.length > 0 ? s.marginBands.minSignedMm : null;
}
