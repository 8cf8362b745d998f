/**
 * How the screen reaches the app: the three vanilla stores and the services that touch files,
 * the clipboard and the engine (implemented in src/app). Components read stores through the
 * selector hooks below, so they re-render only when the selected slice changes.
 */

import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { PlanActions, PlanState, PlanStore } from '../store/planStore.ts';
import type { SimulationActions, SimulationState, SimulationStore } from '../store/simulationStore.ts';
import type { ViewActions, ViewState, ViewStore } from '../store/viewStore.ts';
import type { FramePicture } from '../engine/workerApi.ts';
import type { StructureRole } from '../plan/types.ts';

/** Outcome of a file action, shown to the user. */
export type ActionOutcome = { ok: true; message: string } | { ok: false; message: string };

export type MeshTarget = { kind: 'tumor' } | { kind: 'structure'; role: StructureRole };

export interface AppServices {
  /** Opens a plan file (.json); the current plan is kept when it does not parse. */
  openPlanFile(file: File): Promise<ActionOutcome>;
  /** Opens one of the sample cases by id. */
  openSample(id: string): Promise<ActionOutcome>;
  /** Downloads the plan as a .cryoplan.json file. */
  savePlan(): ActionOutcome;
  /** Imports an STL/OBJ/PLY mesh as the tumour or a structure; the plan is untouched on failure. */
  importMesh(file: File, target: MeshTarget): Promise<ActionOutcome>;
  /** Puts the share link in the address bar and on the clipboard. */
  shareLink(): Promise<ActionOutcome & { url?: string }>;
  /** Downloads a PNG of the views and a printable HTML report. */
  exportReport(): Promise<ActionOutcome>;
  /**
   * Hand a frame's field buffers, and its surfaces' buffers of T, back to the engine that sent it,
   * once no view shows the frame (the views call them when they move on to another picture);
   * later frames copy into them. Never for a scrubbed picture (the page built those and may show
   * them again) nor for the newest frame (the timeline can follow it again).
   */
  releaseFields(frame: FramePicture): void;
  releaseSurfaces(frame: FramePicture): void;
}

export interface AppContextValue {
  plan: PlanStore;
  sim: SimulationStore;
  view: ViewStore;
  services: AppServices;
  /** A problem found while opening (a damaged share link), shown once. */
  startupNotice?: string;
}

const Ctx = createContext<AppContextValue | null>(null);

export function AppProvider({ value, children }: { value: AppContextValue; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useApp(): AppContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApp outside AppProvider');
  return v;
}

export function usePlan<T>(selector: (s: PlanState & PlanActions) => T): T {
  return useStore(useApp().plan, selector);
}

export function useSim<T>(selector: (s: SimulationState & SimulationActions) => T): T {
  return useStore(useApp().sim, selector);
}

export function useView<T>(selector: (s: ViewState & ViewActions) => T): T {
  return useStore(useApp().view, selector);
}
