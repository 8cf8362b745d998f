/**
 * How the result is looked at (not part of the plan, not undoable): the slice cursor shared by
 * the three slice views, the 3D clip plane and which isotherms are drawn. Vanilla zustand store.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Vec3 } from '../plan/types.ts';

export type Axis = 'x' | 'y' | 'z';

export interface ClipPlane {
  enabled: boolean;
  /** Normal axis of the plane. */
  axis: Axis;
  /** Plane position along the axis [mm]; the side below it is cut away. */
  offsetMm: number;
}

/** Isotherms drawn by default [°C]: the ice edge, −20 °C and −40 °C (physics.md §4). */
export const DEFAULT_ISOTHERMS_C: readonly number[] = [0, -20, -40];

export interface ViewState {
  /** Point the axial (z), coronal (y) and sagittal (x) slices pass through [mm]. */
  sliceCursorMm: Vec3;
  clip: ClipPlane;
  /** Isotherm levels drawn in the views [°C]. */
  visibleIsotherms_C: number[];
  /** Draw the ablation zone (minimum temperature so far at the lethal threshold). */
  showAblation: boolean;
  /** The next click on a slice places a virtual thermocouple instead of only moving the cursor. */
  placingSensor: boolean;
}

export interface ViewActions {
  setSliceCursor(p: Vec3): void;
  /** Moves one coordinate of the slice cursor [mm]. */
  setSliceCoordinate(axis: Axis, mm: number): void;
  setClip(clip: Partial<ClipPlane>): void;
  toggleIsotherm(level_C: number): void;
  setVisibleIsotherms(levels_C: number[]): void;
  setShowAblation(show: boolean): void;
  setPlacingSensor(on: boolean): void;
}

export type ViewStore = StoreApi<ViewState & ViewActions>;

const AXIS_INDEX: Record<Axis, number> = { x: 0, y: 1, z: 2 };

export function createViewStore(initial: Partial<ViewState> = {}): ViewStore {
  return createStore<ViewState & ViewActions>()((set, get) => ({
    sliceCursorMm: initial.sliceCursorMm ?? [0, 0, 0],
    clip: initial.clip ?? { enabled: false, axis: 'y', offsetMm: 0 },
    visibleIsotherms_C: initial.visibleIsotherms_C ?? [...DEFAULT_ISOTHERMS_C],
    showAblation: initial.showAblation ?? true,
    placingSensor: false,

    setPlacingSensor(on) {
      set({ placingSensor: on });
    },

    setSliceCursor(p) {
      if (p.every(Number.isFinite)) set({ sliceCursorMm: [p[0], p[1], p[2]] });
    },
    setSliceCoordinate(axis, mm) {
      if (!Number.isFinite(mm)) return;
      const next = [...get().sliceCursorMm] as Vec3;
      next[AXIS_INDEX[axis]] = mm;
      set({ sliceCursorMm: next });
    },
    setClip(clip) {
      set({ clip: { ...get().clip, ...clip } });
    },
    toggleIsotherm(level_C) {
      const v = get().visibleIsotherms_C;
      set({
        visibleIsotherms_C: v.includes(level_C) ? v.filter((l) => l !== level_C) : [...v, level_C].sort((a, b) => b - a),
      });
    },
    setVisibleIsotherms(levels_C) {
      set({ visibleIsotherms_C: [...new Set(levels_C)].sort((a, b) => b - a) });
    },
    setShowAblation(show) {
      set({ showAblation: show });
    },
  }));
}
