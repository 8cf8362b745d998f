/**
 * The plan being edited, with undo/redo. A vanilla zustand store (no React): every edit makes a
 * new Plan object (unchanged parts shared), so subscribers can compare by reference.
 *
 * History: each edit is one undo step, except inside a gesture (beginGesture … endGesture, e.g. a
 * whole drag), which becomes a single step. An edit with a value out of range is refused: the
 * plan stays as it was and `fieldErrors[path]` says why, until a valid edit of that path.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Phase, Plan, PlanIssue, PlanProbe, Structure, StructureRole, InlineMesh, TissuePresetName, Vec3 } from '../plan/types.ts';
import { DEFAULT_ENTRY_LENGTH_MM, add, distance, entryPoint, normalize, sub } from './probeGeometry.ts';
import { protocolEndS } from '../plan/parse.ts';
import { LIMITS, checkPoint, checkRange, checkTissue } from './validation.ts';

/** Undo steps kept. */
export const HISTORY_LIMIT = 200;

export interface PlanState {
  plan: Plan;
  /** Older plans, most recent last. */
  past: Plan[];
  /** Undone plans, next redo last. */
  future: Plan[];
  /** The plan when the current gesture began; null outside a gesture. */
  gestureBase: Plan | null;
  selectedProbeId: string | null;
  /** Display length from tip to entry point per probe id [mm] (not part of the plan document). */
  entryLengthMm: Record<string, number>;
  /** Refused edits by field path. */
  fieldErrors: Record<string, string>;
  /** Catalogue id given to new probes when the plan has none to copy. */
  defaultProbeType: string;
  /** Increases each time a plan is loaded (not on edits): views re-frame on it. */
  documentId: number;
}

export interface PlanActions {
  /** Replaces the plan and clears history (opening a file, a shared link, the sample). */
  load(plan: Plan): void;
  undo(): void;
  redo(): void;
  beginGesture(): void;
  endGesture(): void;

  addProbe(at?: Vec3): string;
  selectProbe(id: string | null): void;
  deleteProbe(id: string): void;
  /** Moves the tip; the entry point stays where it was (the needle pivots about the skin entry). */
  setProbeTip(id: string, tip: Vec3): void;
  /** Moves the entry point; axis = unit(entry − tip). */
  setProbeEntry(id: string, entry: Vec3): void;
  /** Moves tip and entry together (drag of the whole needle). */
  translateProbe(id: string, tip: Vec3): void;
  setProbeType(id: string, type: PlanProbe['type']): void;

  addPhase(phase: Phase['phase'], index?: number): void;
  removePhase(index: number): void;
  setPhaseDuration(index: number, seconds: number): void;
  setPhaseKind(index: number, phase: Phase['phase']): void;
  setThawMode(index: number, mode: 'passive' | 'active'): void;

  setLethal(celsius: number): void;
  setMargin(mm: number): void;
  setTissue(preset: TissuePresetName): void;
  setGridSpacing(mm: number): void;

  /** Carries an imported mesh in the plan and uses it as the tumour. */
  setTumorMesh(key: string, mesh: InlineMesh): void;
  /** Carries an imported mesh in the plan as a structure (organ at risk or vessel). */
  addMeshStructure(name: string, role: StructureRole, key: string, mesh: InlineMesh): void;
  removeStructure(index: number): void;

  /** Adds a virtual thermocouple at a point [mm]; returns its name (TC1, TC2, ...). */
  addSensor(at: Vec3): string;
  removeSensor(name: string): void;
}

export type PlanStore = StoreApi<PlanState & PlanActions>;

/** The value each probe's entry length takes until set. */
function entryLengthOf(s: PlanState, id: string): number {
  return s.entryLengthMm[id] ?? DEFAULT_ENTRY_LENGTH_MM;
}

function nextProbeId(plan: Plan): string {
  const used = new Set(plan.probes.map((p) => p.id));
  for (let n = plan.probes.length + 1; ; n++) if (!used.has(`P${n}`)) return `P${n}`;
}

/** A place for a new probe: beside the selected (or last) probe, else at the tumour centre. */
function defaultTip(plan: Plan, selected: PlanProbe | undefined): Vec3 {
  const ref = selected ?? plan.probes[plan.probes.length - 1];
  if (ref) return add(ref.tip_mm, [10, 0, 0]);
  const t = plan.tumor;
  if (t && 'ellipsoid' in t) return sub(t.ellipsoid.center_mm, [0, 0, t.ellipsoid.radii_mm[2]]);
  return [0, 0, 0];
}

export function createPlanStore(initial: Plan, options: { defaultProbeType?: string } = {}): PlanStore {
  return createStore<PlanState & PlanActions>()((set, get) => {
    /** Applies an edit: one history step outside a gesture, none inside one. */
    const commit = (next: Plan, clearPaths: string[] = [], extra: Partial<PlanState> = {}): void => {
      const s = get();
      const fieldErrors = withoutPaths(s.fieldErrors, clearPaths);
      if (next === s.plan) {
        set({ fieldErrors, ...extra });
        return;
      }
      if (s.gestureBase) {
        set({ plan: next, fieldErrors, ...extra });
      } else {
        set({ plan: next, past: pushBounded(s.past, s.plan), future: [], fieldErrors, ...extra });
      }
    };
    const refuse = (issue: PlanIssue): void => {
      set({ fieldErrors: { ...get().fieldErrors, [issue.path]: issue.message } });
    };
    const probeIndex = (id: string): number => get().plan.probes.findIndex((p) => p.id === id);
    const replaceProbe = (i: number, probe: PlanProbe): Plan => {
      const plan = get().plan;
      const probes = plan.probes.slice();
      probes[i] = probe;
      return { ...plan, probes };
    };
    const replacePhase = (i: number, phase: Phase): Plan => {
      const protocol = get().plan.protocol.slice();
      protocol[i] = phase;
      return withProtocol(get().plan, protocol);
    };

    return {
      plan: initial,
      past: [],
      future: [],
      gestureBase: null,
      selectedProbeId: initial.probes[0]?.id ?? null,
      entryLengthMm: {},
      fieldErrors: {},
      defaultProbeType: options.defaultProbeType ?? 'argon-2.4mm',
      documentId: 1,

      load(plan) {
        set({
          plan,
          past: [],
          future: [],
          gestureBase: null,
          selectedProbeId: plan.probes[0]?.id ?? null,
          entryLengthMm: {},
          fieldErrors: {},
          documentId: get().documentId + 1,
        });
      },
      undo() {
        if (get().gestureBase) get().endGesture();
        const s = get();
        const prev = s.past[s.past.length - 1];
        if (!prev) return;
        set({ plan: prev, past: s.past.slice(0, -1), future: [...s.future, s.plan], fieldErrors: {}, ...keepSelection(s, prev) });
      },
      redo() {
        if (get().gestureBase) get().endGesture();
        const s = get();
        const next = s.future[s.future.length - 1];
        if (!next) return;
        set({ plan: next, future: s.future.slice(0, -1), past: pushBounded(s.past, s.plan), fieldErrors: {}, ...keepSelection(s, next) });
      },
      beginGesture() {
        if (!get().gestureBase) set({ gestureBase: get().plan });
      },
      endGesture() {
        const s = get();
        if (!s.gestureBase) return;
        if (s.gestureBase === s.plan) set({ gestureBase: null });
        else set({ gestureBase: null, past: pushBounded(s.past, s.gestureBase), future: [] });
      },

      addProbe(at) {
        const s = get();
        const selected = s.plan.probes.find((p) => p.id === s.selectedProbeId);
        const template = selected ?? s.plan.probes[s.plan.probes.length - 1];
        const tip = at ?? defaultTip(s.plan, selected);
        const issue = checkPoint('probes.new.tip_mm', tip);
        if (issue) {
          refuse(issue);
          return '';
        }
        const id = nextProbeId(s.plan);
        const probe: PlanProbe = {
          id,
          type: template?.type ?? s.defaultProbeType,
          tip_mm: tip,
          axis: template?.axis ?? [0, 0, 1],
        };
        commit({ ...s.plan, probes: [...s.plan.probes, probe] }, [], { selectedProbeId: id });
        return id;
      },
      selectProbe(id) {
        set({ selectedProbeId: id });
      },
      deleteProbe(id) {
        const s = get();
        const i = probeIndex(id);
        if (i < 0) return;
        if (s.plan.probes.length === 1) return refuse({ path: 'probes', message: 'a plan needs at least one probe' });
        const probes = s.plan.probes.filter((p) => p.id !== id);
        const selectedProbeId = s.selectedProbeId === id ? (probes[Math.min(i, probes.length - 1)]?.id ?? null) : s.selectedProbeId;
        commit({ ...s.plan, probes }, [], { selectedProbeId });
      },
      setProbeTip(id, tip) {
        const s = get();
        const i = probeIndex(id);
        if (i < 0) return;
        const path = `probes[${i}].tip_mm`;
        const issue = checkPoint(path, tip);
        if (issue) return refuse(issue);
        const probe = s.plan.probes[i];
        const entry = entryPoint(probe, entryLengthOf(s, id));
        const axis = normalize(sub(entry, tip));
        if (!axis) return refuse({ path, message: 'the tip must not be at the entry point' });
        commit(replaceProbe(i, { ...probe, tip_mm: tip, axis }), [path, `probes[${i}].entry_mm`], {
          entryLengthMm: { ...s.entryLengthMm, [id]: distance(entry, tip) },
        });
      },
      setProbeEntry(id, entry) {
        const s = get();
        const i = probeIndex(id);
        if (i < 0) return;
        const path = `probes[${i}].entry_mm`;
        const issue = checkPoint(path, entry);
        if (issue) return refuse(issue);
        const probe = s.plan.probes[i];
        const axis = normalize(sub(entry, probe.tip_mm));
        if (!axis) return refuse({ path, message: 'the entry point must not be at the tip' });
        commit(replaceProbe(i, { ...probe, axis }), [path, `probes[${i}].tip_mm`], {
          entryLengthMm: { ...s.entryLengthMm, [id]: distance(entry, probe.tip_mm) },
        });
      },
      translateProbe(id, tip) {
        const i = probeIndex(id);
        if (i < 0) return;
        const path = `probes[${i}].tip_mm`;
        const issue = checkPoint(path, tip);
        if (issue) return refuse(issue);
        const probe = get().plan.probes[i];
        commit(replaceProbe(i, { ...probe, tip_mm: tip }), [path]);
      },
      setProbeType(id, type) {
        const i = probeIndex(id);
        if (i < 0) return;
        commit(replaceProbe(i, { ...get().plan.probes[i], type }), [`probes[${i}].type`]);
      },

      addPhase(phase, index) {
        const plan = get().plan;
        const at = index ?? plan.protocol.length;
        const entry: Phase = phase === 'freeze' ? { phase, duration_s: 600 } : { phase, duration_s: 480, mode: 'passive' };
        const protocol = plan.protocol.slice();
        protocol.splice(Math.max(0, Math.min(at, protocol.length)), 0, entry);
        commit(withProtocol(plan, protocol));
      },
      removePhase(index) {
        const plan = get().plan;
        if (index < 0 || index >= plan.protocol.length) return;
        if (plan.protocol.length === 1) return refuse({ path: 'protocol', message: 'a protocol needs at least one phase' });
        commit(withProtocol(plan, plan.protocol.filter((_, i) => i !== index)), ['protocol']);
      },
      setPhaseDuration(index, seconds) {
        const phase = get().plan.protocol[index];
        if (!phase) return;
        const path = `protocol[${index}].duration_s`;
        const issue = checkRange(path, seconds, LIMITS.duration_s, 's');
        if (issue) return refuse(issue);
        const duration_s = Math.round(seconds);
        commit(phase.duration_s === duration_s ? get().plan : replacePhase(index, { ...phase, duration_s }), [path]);
      },
      setPhaseKind(index, kind) {
        const phase = get().plan.protocol[index];
        if (!phase || phase.phase === kind) return;
        const next: Phase = kind === 'freeze'
          ? { phase: 'freeze', duration_s: phase.duration_s }
          : { phase: 'thaw', duration_s: phase.duration_s, mode: 'passive' };
        commit(replacePhase(index, next));
      },
      setThawMode(index, mode) {
        const phase = get().plan.protocol[index];
        if (!phase || phase.phase !== 'thaw' || phase.mode === mode) return;
        commit(replacePhase(index, { ...phase, mode }));
      },

      setLethal(celsius) {
        const issue = checkRange('lethal_C', celsius, LIMITS.lethal_C, '°C');
        if (issue) return refuse(issue);
        const plan = get().plan;
        commit(plan.lethal_C === celsius ? plan : { ...plan, lethal_C: celsius }, ['lethal_C']);
      },
      setMargin(mm) {
        const issue = checkRange('margin_mm', mm, LIMITS.margin_mm, 'mm');
        if (issue) return refuse(issue);
        const plan = get().plan;
        commit(plan.margin_mm === mm ? plan : { ...plan, margin_mm: mm }, ['margin_mm']);
      },
      setTissue(preset) {
        const issue = checkTissue('tissue', preset);
        if (issue) return refuse(issue);
        const plan = get().plan;
        commit(plan.tissue === preset ? plan : { ...plan, tissue: preset }, ['tissue']);
      },
      setGridSpacing(mm) {
        const path = 'grid.spacing_mm';
        const issue = checkRange(path, mm, LIMITS.spacing_mm, 'mm');
        if (issue) return refuse(issue);
        const plan = get().plan;
        commit(plan.grid.spacing_mm === mm ? plan : { ...plan, grid: { ...plan.grid, spacing_mm: mm } }, [path]);
      },

      setTumorMesh(key, mesh) {
        const plan = get().plan;
        commit({ ...plan, tumor: { mesh: key }, meshes: { ...plan.meshes, [key]: mesh } }, ['tumor']);
      },
      addMeshStructure(name, role, key, mesh) {
        const plan = get().plan;
        const structure: Structure = { name, role, mesh: key };
        commit({ ...plan, structures: [...plan.structures, structure], meshes: { ...plan.meshes, [key]: mesh } });
      },
      removeStructure(index) {
        const plan = get().plan;
        if (index < 0 || index >= plan.structures.length) return;
        commit({ ...plan, structures: plan.structures.filter((_, i) => i !== index) });
      },
      addSensor(at) {
        const plan = get().plan;
        const taken = new Set(plan.sensors.map((x) => x.name));
        let n = plan.sensors.length + 1;
        while (taken.has(`TC${n}`)) n++;
        const name = `TC${n}`;
        const round = (v: number): number => Math.round(v * 10) / 10;
        commit({ ...plan, sensors: [...plan.sensors, { name, at_mm: [round(at[0]), round(at[1]), round(at[2])] }] });
        return name;
      },
      removeSensor(name) {
        const plan = get().plan;
        if (!plan.sensors.some((x) => x.name === name)) return;
        commit({ ...plan, sensors: plan.sensors.filter((x) => x.name !== name) });
      },
    };
  });
}

/** The plan with a new protocol; report times past its end are dropped (the parser refuses them). */
function withProtocol(plan: Plan, protocol: Phase[]): Plan {
  const end = protocolEndS({ protocol });
  const report_times_s = plan.report_times_s.filter((t) => t <= end);
  return { ...plan, protocol, report_times_s: report_times_s.length === plan.report_times_s.length ? plan.report_times_s : report_times_s };
}

function pushBounded(list: Plan[], plan: Plan): Plan[] {
  const next = [...list, plan];
  return next.length > HISTORY_LIMIT ? next.slice(next.length - HISTORY_LIMIT) : next;
}

function withoutPaths(errors: Record<string, string>, paths: string[]): Record<string, string> {
  if (!paths.some((p) => p in errors)) return errors;
  const next = { ...errors };
  for (const p of paths) delete next[p];
  return next;
}

/** After undo/redo, keep the selection if that probe still exists. */
function keepSelection(s: PlanState, plan: Plan): Partial<PlanState> {
  if (s.selectedProbeId && plan.probes.some((p) => p.id === s.selectedProbeId)) return {};
  return { selectedProbeId: plan.probes[0]?.id ?? null };
}

/** Entry point of a probe as the store shows it [mm]. */
export function probeEntry(state: PlanState, probe: PlanProbe): Vec3 {
  return entryPoint(probe, entryLengthOf(state, probe.id));
}
