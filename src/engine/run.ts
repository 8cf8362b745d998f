import type { Plan } from '../plan/types.ts';
import type { PrepareOptions } from './prepare.ts';
import { Simulation } from './simulation.ts';
import type { RunResult, SensorTrace } from './types.ts';

export interface RunOptions extends PrepareOptions {
  /** Sensor sampling interval between report times [s]; default 10. */
  sensorEveryS?: number;
  /** Called after each sample with the simulated time reached [s]. */
  onProgress?: (tS: number, endS: number) => void;
}

/** The report times of a plan: its own (sorted, unique, within the protocol) and always the end. */
export function reportTimes(plan: Plan, endS: number): number[] {
  return [...new Set([...plan.report_times_s.filter((t) => t <= endS), endS])].sort((a, b) => a - b);
}

/**
 * Runs a plan to the end of its protocol: a snapshot at every report time (landed exactly),
 * sensors at every report time and every `sensorEveryS` between. The command line and the golden
 * tests call this; the worker streams the same Simulation.
 */
export function runPlan(plan: Plan, options: RunOptions = {}): RunResult {
  const started = performance.now();
  const sim = Simulation.fromPlan(plan, options);
  const endS = sim.endS;
  const reports = reportTimes(plan, endS);
  const every = options.sensorEveryS ?? 10;
  const sampleTimes = new Set<number>(reports);
  for (let t = every; t < endS; t += every) sampleTimes.add(Math.round(t * 1e6) / 1e6);
  const times = [...sampleTimes].sort((a, b) => a - b);

  const sensors: Record<string, SensorTrace> = {};
  for (const s of plan.sensors) sensors[s.name] = { t_s: [], T_C: [] };
  const snapshots: RunResult['snapshots'] = [];
  const record = (): void => {
    const readings = sim.sensorReadings();
    for (const name of Object.keys(sensors)) {
      sensors[name].t_s.push(Math.round(sim.timeS * 1e6) / 1e6);
      sensors[name].T_C.push(readings[name]);
    }
  };
  record();
  for (const t of times) {
    if (t <= 0) continue;
    sim.advanceTo(t);
    record();
    if (reports.includes(t)) snapshots.push(sim.snapshot());
    options.onProgress?.(t, endS);
  }
  const g = sim.grid;
  return {
    format: 'cryoplan-result/1',
    grid: { spacing_mm: g.spacingMm, dims: [...g.dims], origin_mm: g.originMm.map((v) => Math.round(v * 1e6) / 1e6) as typeof g.originMm },
    end_s: endS,
    snapshots,
    sensors,
    solver: {
      cells: g.dims[0] * g.dims[1] * g.dims[2],
      steps: sim.solver.steps,
      dt_s: Math.round(sim.solver.maxStepS * 1e6) / 1e6,
      wall_s: Math.round((performance.now() - started) / 10) / 100,
    },
  };
}
