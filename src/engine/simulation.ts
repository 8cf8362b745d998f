import type { Isosurface } from '../geometry/marchingCubes.ts';
import { sampleTrilinear } from '../geometry/sample.ts';
import type { Vec3 } from '../geometry/vec.ts';
import { protocolEndS } from '../plan/parse.ts';
import type { Phase, Plan } from '../plan/types.ts';
import { cylinderBody } from '../physics/bodies.ts';
import { coverageMetrics, isothermMetricsAt, structureMetrics } from '../physics/metrics.ts';
import { type ColdSource, HeatSolver } from '../physics/solver.ts';
import { type PrepareOptions, type PreparedPlan, preparePlan } from './prepare.ts';
import type { Snapshot } from './types.ts';
import type { SampleSnapshot } from './workerApi.ts';

/** Isotherms always reported [°C]; the plan's lethal threshold is added. */
export const REPORTED_ISOTHERMS_C = [0, -20, -40];

/** What the probes do during a phase: surface temperature per probe, or null (insulated). */
function phaseSources(prepared: PreparedPlan, phase: Phase | null): ColdSource[] {
  return prepared.probes.map((p) => {
    const toM = (v: Vec3): Vec3 => [v[0] / 1000, v[1] / 1000, v[2] / 1000];
    const body = cylinderBody(toM(p.activeFromMm), toM(p.activeToMm), p.spec.diameter_mm / 2000);
    let surfaceC: number | null = null;
    if (phase?.phase === 'freeze') surfaceC = p.spec.freeze_C;
    else if (phase?.phase === 'thaw' && phase.mode === 'active') surfaceC = p.spec.active_thaw_C;
    return { body, surfaceC };
  });
}

/**
 * A plan being simulated: prepare once, then advance in chunks of simulated time (resumable, so a
 * worker can stream it and a caller can stop between chunks). Phase changes are landed exactly.
 * After the protocol ends the probes stay off (passive) and time may run on.
 */
export class Simulation {
  /**
   * Multi-rate stepping for new simulations (HeatSolver.multiRate): warm tissue steps M× less
   * often than the box around the ice. Steps are grouped in M from each anchor, so the numbers
   * still do not depend on how callers chunk advanceTo.
   */
  static multiRate = true;
  /**
   * The solver's energy tally for new simulations (HeatSolver.tallyEnergy): off, since no result
   * shows it and it is serial work of every step; tests of the balance turn it on.
   */
  static tallyEnergy = false;
  readonly prepared: PreparedPlan;
  readonly solver: HeatSolver;
  /** End of the protocol [s]. */
  readonly endS: number;
  private readonly phaseStartsS: number[];
  private phaseIndex = -2;
  private anchorsS: number[] = [];

  constructor(prepared: PreparedPlan) {
    this.prepared = prepared;
    this.solver = new HeatSolver(prepared.grid, prepared.tissue, prepared.vessels);
    // Nothing writes the solver's fields from outside here: step only where the cold has reached.
    this.solver.useActiveRegion = true;
    this.solver.multiRate = Simulation.multiRate;
    this.solver.tallyEnergy = Simulation.tallyEnergy;
    this.phaseStartsS = [];
    let t = 0;
    for (const ph of prepared.plan.protocol) {
      this.phaseStartsS.push(t);
      t += ph.duration_s;
    }
    this.endS = protocolEndS(prepared.plan);
    this.setAnchors([]);
    this.applyPhase(0);
  }

  static fromPlan(plan: Plan, options?: PrepareOptions): Simulation {
    return new Simulation(preparePlan(plan, options));
  }

  get timeS(): number {
    return this.solver.timeS;
  }

  get grid() {
    return this.prepared.grid;
  }

  /** Index of the phase running at time t (protocol.length after the end). */
  phaseIndexAt(tS: number): number {
    const starts = this.phaseStartsS;
    for (let i = starts.length - 1; i >= 0; i--) if (tS >= starts[i] - 1e-9) return tS < this.endS - 1e-9 ? i : starts.length;
    return 0;
  }

  /**
   * Times the step sequence is anchored to [s]: phase boundaries plus `extra` (the sample times of
   * a run). Between two anchors the solver takes equal steps, so the numbers do not depend on how
   * a caller chunks its calls (the worker's slices and the command line agree to the bit).
   */
  setAnchors(extra: number[]): void {
    this.anchorsS = [...new Set([0, ...this.phaseStartsS, this.endS, ...extra])].sort((a, b) => a - b);
  }

  /**
   * Advances toward `targetS`: exactly onto it when it is an anchor or lies beyond the last
   * one, else to the last step (the last multi-rate group of M steps, counted from the anchor)
   * of the current anchor interval at or before it.
   */
  advanceTo(targetS: number): void {
    const eps = 1e-9;
    for (;;) {
      const now = this.solver.timeS;
      if (now >= targetS - eps) break;
      this.applyPhase(this.phaseIndexAt(now));
      const anchors = this.anchorsS;
      let a = anchors.length - 1;
      while (a > 0 && anchors[a] > now + eps) a--;
      const segStart = anchors[a];
      const segEnd = a + 1 < anchors.length ? anchors[a + 1] : Math.max(targetS, segStart);
      const n = Math.max(1, Math.ceil((segEnd - segStart) / this.solver.maxStepS - eps));
      const dt = (segEnd - segStart) / n;
      const done = Math.round((now - segStart) / dt);
      // Groups of M steps from the anchor (multi-rate macro steps; M = 1 without it).
      const M = this.solver.multiRateSubsteps(dt);
      let to = targetS >= segEnd - eps ? n : Math.floor((targetS - segStart) / dt + eps);
      if (to < n) to -= to % M;
      if (to <= done) break;
      for (let s = done; s < to; ) {
        const len = Math.min(M - (s % M), to - s);
        this.solver.stepMany(dt, len);
        s += len;
      }
      this.solver.timeS = to === n ? segEnd : segStart + to * dt;
    }
    this.applyPhase(this.phaseIndexAt(this.solver.timeS));
  }

  /** Temperature [°C] at a point [mm], trilinear. */
  temperatureAtC(pMm: Vec3): number {
    return sampleTrilinear(this.solver.temperatureC, this.grid, pMm[0], pMm[1], pMm[2]);
  }

  /** Sensor readings at the current time [°C]. */
  sensorReadings(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.prepared.plan.sensors) out[s.name] = Math.round(this.temperatureAtC(s.at_mm) * 1000) / 1000;
    return out;
  }

  /**
   * Metrics of the result format at the current time. `lethalSurface`: the lethal isosurface of
   * the minimum-temperature field now, where the caller has built it (a streamed frame).
   */
  snapshot(lethalSurface?: Isosurface): Snapshot {
    return this.measure(true, lethalSurface) as Snapshot;
  }

  /** The same without the signed minimum margin (its costly part): what timeline samples keep. */
  snapshotWithoutMargin(): SampleSnapshot {
    return this.measure(false);
  }

  private measure(withMargin: boolean, lethalSurface?: Isosurface): SampleSnapshot {
    const { plan, grid, tumor, structures } = this.prepared;
    const T = this.solver.temperatureC;
    const Tmin = this.solver.minTemperatureC;
    const levels = [...new Set([...REPORTED_ISOTHERMS_C, plan.lethal_C])];
    const isotherms: Snapshot['isotherms'] = {};
    isothermMetricsAt(T, grid, levels, this.solver.coldCellScan()).forEach((m, l) => (isotherms[String(levels[l])] = m));
    const snap: SampleSnapshot = { t_s: Math.round(this.timeS * 1e6) / 1e6, isotherms, structures: {} };
    // The margin's lethal surface (the caller's, else built in wasm where the solver can) and its
    // triangle index, in wasm where the solver can.
    const surface = withMargin && tumor ? lethalSurface ?? this.solver.isosurfaceOf('Tmin', plan.lethal_C) ?? undefined : undefined;
    const search = surface ? this.solver.nearestTrianglesOf(surface) : null;
    if (tumor) snap.coverage = coverageMetrics(Tmin, grid, plan.lethal_C, tumor, withMargin, surface, search);
    for (const s of structures) snap.structures[s.name] = structureMetrics(Tmin, s.measuredCells, grid, plan.lethal_C);
    return snap;
  }

  /** Done with this simulation: its solver's memory goes to the next (HeatSolver.dispose). */
  dispose(): void {
    this.solver.dispose();
  }

  private applyPhase(index: number): void {
    if (index === this.phaseIndex) return;
    this.phaseIndex = index;
    const phase = index < this.prepared.plan.protocol.length ? this.prepared.plan.protocol[index] : null;
    this.solver.setSources(phaseSources(this.prepared, phase));
  }
}
