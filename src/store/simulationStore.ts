/**
 * What the engine has streamed for the current run, and where the timeline stands. A vanilla
 * zustand store (no React).
 *
 * - Only frames of the current run are accepted (`acceptFrame` returns false for a stale runId).
 * - `latest` is the newest frame, kept by reference: its buffers were transferred from the
 *   worker and are never copied here.
 * - `history` keeps the small part of every frame (snapshot metrics, sensor readings) for charts;
 *   bounded in count by thinning to every other record when full.
 * - `scrub` keeps every frame's fields at about 2 mm (scrubFrames.ts: 1/8 of a 1 mm frame;
 *   isosurfaces rebuilt only for the frame shown) for scrubbing back in time, within a byte
 *   budget: when a new frame would exceed it, every other retained frame is dropped (so the
 *   retained frames stay spread over the whole protocol, at a coarser time step). A full 1 mm
 *   run of the liver sample keeps all 85 frames in about 110 MB.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunFrame } from '../engine/workerApi.ts';
import type { RunResult, Snapshot } from '../engine/types.ts';
import { materialize, scrubFrameBytes, toScrubFrame, type ScrubFrame } from './scrubFrames.ts';

/** Bytes of retained frames for scrubbing (the app's whole heap should stay < 300 MB). */
export const DEFAULT_SCRUB_BUDGET_BYTES = 160 * 1024 * 1024;
/** Metric records kept for charts. */
export const DEFAULT_HISTORY_LIMIT = 4096;
/** Simulated seconds per real second while playing. */
export const PLAYBACK_RATE = 60;

export type RunStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface FrameRecord {
  t_s: number;
  snapshot: Snapshot;
  sensors_C: Record<string, number>;
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
  history: FrameRecord[];
  scrub: ScrubFrame[];
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
}

/** Tumour surface points per signed-margin band: [< 0, 0 to margin, ≥ margin], and the minimum [mm]. */
export interface MarginBandCounts {
  counts: [number, number, number];
  minSignedMm: number;
}

export interface SimulationActions {
  startRun(runId: number, info: { spacingMm: number; coarse: boolean; endS: number }): void;
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
    history: [],
    scrub: [],
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

    startRun(runId, info) {
      const s = get();
      set({
        runId,
        spacingMm: info.spacingMm,
        coarse: info.coarse,
        endS: info.endS,
        status: 'running',
        error: null,
        latest: null,
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
      let history = s.history.concat({ t_s: frame.t_s, snapshot: frame.snapshot, sensors_C: frame.sensors_C });
      if (history.length > s.historyLimit) history = thin(history);
      const kept = toScrubFrame(frame);
      const bytes = scrubFrameBytes(kept);
      let scrub = s.scrub;
      let scrubBytes = s.scrubBytes;
      while (scrub.length > 1 && scrubBytes + bytes > s.scrubBudgetBytes) {
        scrub = thin(scrub);
        scrubBytes = scrub.reduce((n, f) => n + scrubFrameBytes(f), 0);
      }
      if (scrubBytes + bytes > s.scrubBudgetBytes) {
        scrub = [];
        scrubBytes = 0;
      }
      // The newest frame is always displayable through `latest`; it joins `scrub` only if it fits.
      if (bytes <= s.scrubBudgetBytes) {
        scrub = scrub.concat(kept);
        scrubBytes += bytes;
      }
      set({ latest: frame, history, scrub, scrubBytes, endS: frame.end_s, latestAtMs: now() });
      return true;
    },
    finishRun(runId, result) {
      const s = get();
      if (runId !== s.runId || s.status !== 'running') return;
      set({ status: result ? 'done' : 'cancelled', result });
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
      set({ following: true, playing: false, playbackS: get().latest?.t_s ?? get().playbackS });
    },
    play() {
      const s = get();
      const end = s.latest?.t_s ?? 0;
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
      const available = s.latest?.t_s ?? 0;
      const t = Math.min(s.playbackS + realSeconds * PLAYBACK_RATE, available);
      // Reached the end of a finished run: stop there.
      const done = s.status !== 'running' && t >= available;
      set({ playbackS: t, playing: !done });
    },
    setMarginBands(bands) {
      set({ marginBands: bands });
    },
  }));
}

/**
 * The frame shown at the timeline position: the newest (full resolution) when following or at
 * its time, else the retained ~2 mm frame at or before it, with its isosurfaces rebuilt.
 */
export function displayedFrame(s: SimulationState): RunFrame | null {
  if (s.following || !s.latest) return s.latest;
  if (s.playbackS >= s.latest.t_s) return s.latest;
  let best: ScrubFrame | null = null;
  for (const f of s.scrub) {
    if (f.t_s <= s.playbackS + 1e-9) best = f;
    else break;
  }
  const pick = best ?? s.scrub[0];
  return pick ? materialize(pick) : s.latest;
}

/** The metric record shown at the timeline position (every frame is kept, so finer than `scrub`). */
export function displayedRecord(s: SimulationState): FrameRecord | null {
  const frame = displayedFrame(s);
  if (!frame) return null;
  if (s.following) return s.history[s.history.length - 1] ?? null;
  let best: FrameRecord | null = null;
  for (const r of s.history) {
    if (r.t_s <= s.playbackS + 1e-9) best = r;
    else break;
  }
  return best ?? s.history[0] ?? null;
}
