import type { Isosurface } from '../geometry/marchingCubes.ts';
import type { Plan } from '../plan/types.ts';
import type { PrepareOptions } from './prepare.ts';
import { Simulation } from './simulation.ts';
import type { RunResult, SensorTrace, Snapshot } from './types.ts';

/**
 * Sensor samples between report times, every this many simulated seconds [s]: the app's timeline
 * samples as often (stream.ts), so a streamed run and the command line land on the same times and
 * agree to the bit. Each sample time is an anchor the steps land on: at 2 mm a 10 s interval took
 * 3 multi-rate groups (8 + 8 + 2 steps) where 20 s takes 5, ~4 % of a run.
 */
export const DEFAULT_SENSOR_EVERY_S = 20;

export interface PlanRunOptions extends PrepareOptions {
  /** Sensor sampling interval between report times [s]; default DEFAULT_SENSOR_EVERY_S. */
  sensorEveryS?: number;
}

/** The report times of a plan: its own (sorted, unique, within the protocol) and always the end. */
export function reportTimes(plan: Plan, endS: number): number[] {
  return [...new Set([...plan.report_times_s.filter((t) => t <= endS), endS])].sort((a, b) => a - b);
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/**
 * A plan run to the end of its protocol, resumable in chunks: a snapshot at every report time
 * (landed exactly), sensors at every report time and every `sensorEveryS` between. The command
 * line runs it straight through; the worker advances it chunk by chunk and streams frames.
 */
export class PlanRun {
  readonly sim: Simulation;
  readonly snapshots: Snapshot[] = [];
  readonly sensors: Record<string, SensorTrace> = {};
  private readonly reports: Set<number>;
  private readonly sampleTimes: number[];
  private nextSample = 0;
  private readonly startedMs = performance.now();

  constructor(plan: Plan, options: PlanRunOptions = {}) {
    this.sim = Simulation.fromPlan(plan, options);
    const endS = this.sim.endS;
    const reports = reportTimes(plan, endS);
    this.reports = new Set(reports);
    const every = options.sensorEveryS ?? DEFAULT_SENSOR_EVERY_S;
    const times = new Set<number>(reports);
    for (let t = every; t < endS; t += every) times.add(round6(t));
    this.sampleTimes = [...times].filter((t) => t > 0).sort((a, b) => a - b);
    this.sim.setAnchors(this.sampleTimes);
    for (const s of plan.sensors) this.sensors[s.name] = { t_s: [], T_C: [] };
    this.recordSensors();
  }

  get endS(): number {
    return this.sim.endS;
  }

  get done(): boolean {
    return this.nextSample >= this.sampleTimes.length;
  }

  /** Advances to min(untilS, end), recording every sample and snapshot on the way. */
  advanceTo(untilS: number): void {
    const target = Math.min(untilS, this.endS);
    while (!this.done && this.sampleTimes[this.nextSample] <= target + 1e-9) {
      const t = this.sampleTimes[this.nextSample++];
      this.sim.advanceTo(t);
      this.recordSensors();
      if (this.reports.has(t)) this.snapshots.push(this.sim.snapshot());
    }
    if (target > this.sim.timeS) this.sim.advanceTo(target);
  }

  /** The report snapshot taken at the current time, or null when now is not a report time. */
  reportSnapshotNow(): Snapshot | null {
    const last = this.snapshots[this.snapshots.length - 1];
    return last && last.t_s === round6(this.sim.timeS) ? last : null;
  }

  /**
   * Metrics now: the report snapshot just taken when this is a report time, else a new one
   * (`lethalSurface` as in Simulation.snapshot).
   */
  currentSnapshot(lethalSurface?: Isosurface): Snapshot {
    return this.reportSnapshotNow() ?? this.sim.snapshot(lethalSurface);
  }

  /** Done with this run (its result taken): the solver's memory goes to the next run. */
  dispose(): void {
    this.sim.dispose();
  }

  /** The result file; complete once `done`. */
  result(): RunResult {
    const g = this.sim.grid;
    return {
      format: 'cryoplan-result/1',
      grid: { spacing_mm: g.spacingMm, dims: [...g.dims], origin_mm: g.originMm.map(round6) as typeof g.originMm },
      end_s: this.endS,
      snapshots: this.snapshots,
      sensors: this.sensors,
      solver: {
        cells: g.dims[0] * g.dims[1] * g.dims[2],
        steps: this.sim.solver.steps,
        dt_s: round6(this.sim.solver.maxStepS),
        wall_s: Math.round((performance.now() - this.startedMs) / 10) / 100,
      },
    };
  }

  private recordSensors(): void {
    const readings = this.sim.sensorReadings();
    for (const name of Object.keys(this.sensors)) {
      this.sensors[name].t_s.push(round6(this.sim.timeS));
      this.sensors[name].T_C.push(readings[name]);
    }
  }
}

/** Runs a plan straight through (command line, golden tests). */
export function runPlan(plan: Plan, options: PlanRunOptions & { onProgress?: (tS: number, endS: number) => void } = {}): RunResult {
  const run = new PlanRun(plan, options);
  try {
    const chunkS = Math.max(10, run.endS / 100);
    while (!run.done) {
      run.advanceTo(run.sim.timeS + chunkS);
      options.onProgress?.(run.sim.timeS, run.endS);
    }
    return run.result();
  } finally {
    run.dispose();
  }
}
