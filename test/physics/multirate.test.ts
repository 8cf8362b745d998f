import { describe, expect, it } from 'vitest';
import { PlanRun } from '../../src/engine/run.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { parsePlan } from '../../src/plan/parse.ts';
import type { Plan } from '../../src/plan/types.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { FastRegion, SPAN_MAX_SHARE, SPAN_MIN_BOX_CELLS } from '../../src/physics/fastRegion.ts';
import { makeTissueModel } from '../../src/physics/tissueModel.ts';
import { cylinderBody } from '../../src/physics/bodies.ts';
import { boxGrid, tableTissue } from './helpers.ts';

/**
 * Multi-rate stepping (HeatSolver.multiRate, README "Multi-rate") against single-rate on a 3D
 * case with two probes, a walled vessel and perfusion at 1 mm, through freeze – passive thaw –
 * freeze. Bounds are far below the physics bars (isotherm positions: mm).
 */
function plan(): Plan {
  const r = parsePlan({
    format: 'cryoplan/1',
    tissue: 'liver',
    lethal_C: -40,
    margin_mm: 3,
    grid: { spacing_mm: 1, padding_mm: 20 },
    tumor: { ellipsoid: { center_mm: [0, 0, 0], radii_mm: [8, 7, 7] } },
    structures: [
      { name: 'vein', role: 'vessel', blood_C: 37, wall_h_W_m2K: 230,
        cylinder: { from_mm: [-17, -14, 0], to_mm: [-17, 14, 0], radius_mm: 3 } },
    ],
    probes: [
      { id: 'P1', type: 'argon-2.4mm', tip_mm: [5, 0.3, -14], axis: [0, 0, 1] },
      { id: 'P2', type: 'argon-1.47mm', tip_mm: [-5, -0.4, -13], axis: [0.05, 0, 1] },
    ],
    protocol: [
      { phase: 'freeze', duration_s: 240 },
      { phase: 'thaw', duration_s: 150, mode: 'passive' },
      { phase: 'freeze', duration_s: 240 },
    ],
    sensors: [{ name: 'vessel-side', at_mm: [-11, 0, 0] }, { name: 'edge', at_mm: [13, 0, 0] }],
    report_times_s: [120, 240, 390, 510, 630],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.plan;
}

type Stats = HeatSolver['multiRateStats'];

/**
 * The plan run through; the fast region as row spans wherever they differ from its box (`spans`,
 * fastRegion.ts) or always the whole box.
 */
function runWith(multiRate: boolean, spans = false): { run: PlanRun; stats: Stats } {
  const saved = Simulation.multiRate;
  Simulation.multiRate = multiRate;
  if (spans) [FastRegion.minBoxCells, FastRegion.maxShare] = [0, 1];
  else HeatSolver.fastSpans = false;
  try {
    const run = new PlanRun(plan(), { spacingMm: 1 });
    run.advanceTo(run.endS);
    return { run, stats: { ...run.sim.solver.multiRateStats } };
  } finally {
    Simulation.multiRate = saved;
    [FastRegion.minBoxCells, FastRegion.maxShare] = [SPAN_MIN_BOX_CELLS, SPAN_MAX_SHARE];
    HeatSolver.fastSpans = true;
  }
}

describe('multi-rate stepping', () => {
  for (const spans of [false, true])
  it(`matches single-rate at 1 mm through freeze–thaw–freeze: isotherms, margin, sensors (fast region: ${spans ? 'row spans' : 'whole box'})`, () => {
    const single = runWith(false);
    const multi = runWith(true, spans);
    // Row spans hold fewer cells than their box (here about 0.7 of it); a whole box all of them.
    if (spans) expect(multi.stats.fastCells).toBeLessThan(0.8 * multi.stats.fastBoxCells);
    else expect(multi.stats.fastCells).toBe(multi.stats.fastBoxCells);
    expect(single.stats.macro).toBe(0);
    // Multi-rate was really used (the few fallbacks: the first step, before the box is inside).
    expect(multi.stats.macro).toBeGreaterThan(100);
    expect(multi.stats.fallback).toBeLessThan(0.05 * multi.stats.macro);
    const a = single.run.result(), b = multi.run.result();
    expect(b.solver.steps).toBe(a.solver.steps);
    expect(b.snapshots.map((s) => s.t_s)).toEqual(a.snapshots.map((s) => s.t_s));
    const h = 1;
    const worst = { dr: 0, margin: 0, sensor: 0 };
    for (let i = 0; i < a.snapshots.length; i++) {
      const sa = a.snapshots[i], sb = b.snapshots[i];
      for (const level of Object.keys(sa.isotherms)) {
        const va = sa.isotherms[level].volume_ml, vb = sb.isotherms[level].volume_ml;
        // Equivalent-sphere radius shift [mm]: ΔV / area.
        const rMm = Math.cbrt((3 * va * 1000) / (4 * Math.PI));
        const dr = va > 0 ? Math.abs(vb - va) * 1000 / (4 * Math.PI * rMm * rMm) : Math.abs(vb - va) * 1000;
        worst.dr = Math.max(worst.dr, dr);
        expect(dr, `t=${sa.t_s} ${level} °C: ${va} vs ${vb} ml`).toBeLessThan(0.02);
        for (let q = 0; q < 3; q++) {
          expect(Math.abs(sb.isotherms[level].bbox_mm!.min[q] - sa.isotherms[level].bbox_mm!.min[q])).toBeLessThanOrEqual(h * 1e-9);
          expect(Math.abs(sb.isotherms[level].bbox_mm!.max[q] - sa.isotherms[level].bbox_mm!.max[q])).toBeLessThanOrEqual(h * 1e-9);
        }
      }
      worst.margin = Math.max(worst.margin, Math.abs(sb.coverage!.min_margin_mm! - sa.coverage!.min_margin_mm!));
      expect(Math.abs(sb.coverage!.min_margin_mm! - sa.coverage!.min_margin_mm!)).toBeLessThan(0.02);
      expect(Math.abs(sb.coverage!.tumor_covered_fraction - sa.coverage!.tumor_covered_fraction)).toBeLessThan(0.002);
      expect(Math.abs(sb.coverage!.margin_covered_fraction - sa.coverage!.margin_covered_fraction)).toBeLessThan(0.002);
    }
    // Sensors in warm tissue: the slow region's larger step (≈ 8×) costs < 0.15 °C.
    for (const name of Object.keys(a.sensors)) {
      const ta = a.sensors[name].T_C, tb = b.sensors[name].T_C;
      expect(tb.length).toBe(ta.length);
      let w = 0;
      for (let i = 0; i < ta.length; i++) w = Math.max(w, Math.abs(tb[i] - ta[i]));
      worst.sensor = Math.max(worst.sensor, w);
      expect(w, name).toBeLessThan(0.15);
    }
    // Whole field at the end: temperature and minimum temperature.
    const Ta = single.run.sim.solver.temperatureC, Tb = multi.run.sim.solver.temperatureC;
    const Ma = single.run.sim.solver.minTemperatureC, Mb = multi.run.sim.solver.minTemperatureC;
    // Vessel cells are held at blood temperature in either scheme, in the fast box too: their
    // minimum is min(rest, blood), never the kernel's trial value before the reset.
    const rest = multi.run.sim.prepared.tissue.restC;
    for (const v of multi.run.sim.prepared.vessels)
      for (const c of v.cells) {
        expect(Ma[c]).toBe(Math.fround(Math.min(rest, v.bloodC)));
        expect(Mb[c]).toBe(Math.fround(Math.min(rest, v.bloodC)));
      }
    let dT = 0, dM = 0;
    for (let c = 0; c < Ta.length; c++) {
      dT = Math.max(dT, Math.abs(Tb[c] - Ta[c]));
      dM = Math.max(dM, Math.abs(Mb[c] - Ma[c]));
    }
    // Measured (this case): ΔV ≤ 0.007 mm equivalent radius, margin 0, sensors ≤ 0.06 °C, field
    // T ≤ 0.04 °C, Tmin ≤ 0.08 °C (whole box; row spans: 0.0074 mm, 0, 0.057 °C, 0.038 °C, 0.038 °C).
    if (process.env.MULTIRATE_REPORT) console.log({ ...worst, field: dT, fieldMin: dM, stats: multi.stats });
    expect(dT).toBeLessThan(0.25);
    expect(dM).toBeLessThan(0.25);
  }, 120_000);

  it('conserves energy (reflux at the fast box faces): the balance closes to 1e-4', () => {
    const grid = boxGrid([44, 44, 50], 1, [-21.6, -21.3, -24.8]);
    const tissue = makeTissueModel(tableTissue({ perfusion_W_m3K: 13680, metabolic_W_m3: 4200, arterial_C: 36.7 }));
    const vessel = new Int32Array(44 * 3 * 3);
    let q = 0;
    for (let k = 23; k < 26; k++) for (let i = 3; i < 6; i++) for (let j = 0; j < 44; j++) vessel[q++] = i + 44 * (j + 44 * k);
    const solver = new HeatSolver(grid, tissue, [{ cells: vessel.slice(0, q), bloodC: 37, wallH: 230 }]);
    solver.useActiveRegion = true;
    solver.multiRate = true;
    solver.setSources([{ body: cylinderBody([0, 0.0004, -0.012], [0.0002, 0, 0.012], 0.0012), surfaceC: -145 }]);
    const V = 1e-9;
    const h0 = solver.freeEnthalpySum() * V;
    const bodyCells0 = solver.energy.bodyCells;
    const dt = solver.maxStepS;
    const M = solver.multiRateSubsteps(dt);
    expect(M).toBeGreaterThanOrEqual(4);
    for (let s = 0; s < 1600; s += M) solver.stepMany(dt, M);
    solver.setSources([]);
    for (let s = 0; s < 400; s += M) solver.stepMany(dt, M);
    expect(solver.multiRateStats.macro).toBeGreaterThan(100);
    const dH = solver.freeEnthalpySum() * V - h0;
    const { probes, perfusionAndMetabolism, fixedCells, bodyCells } = solver.energy;
    expect(probes).toBeLessThan(-100);
    // The released probe cells' enthalpy (bodyCells) is bookkeeping, exact: the rest is rounding.
    const imbalance = dH - (probes + perfusionAndMetabolism + fixedCells + bodyCells - bodyCells0);
    expect(Math.abs(imbalance) / Math.abs(probes)).toBeLessThan(1e-4);
  }, 60_000);

  it('scans for frozen cells near the last fast box only, and finds the box a scan of the whole active box finds (to the bit)', () => {
    const savedRate = Simulation.multiRate, savedScan = HeatSolver.scanNearFastBox;
    Simulation.multiRate = true;
    try {
      const runs = [true, false].map((near) => {
        HeatSolver.scanNearFastBox = near;
        const run = new PlanRun(plan(), { spacingMm: 1.5 });
        run.advanceTo(run.endS);
        return run;
      });
      const [near, whole] = runs.map((r) => r.sim.solver);
      expect(near.multiRateStats.macro).toBeGreaterThan(100);
      expect(near.multiRateStats).toEqual(whole.multiRateStats);
      expect(runs[0].result().snapshots).toEqual(runs[1].result().snapshots);
      const differing = (a: Float32Array, b: Float32Array): number => a.reduce((n, v, c) => n + (Object.is(v, b[c]) ? 0 : 1), 0);
      expect(differing(near.temperatureC, whole.temperatureC)).toBe(0);
      expect(differing(near.minTemperatureC, whole.minTemperatureC)).toBe(0);
    } finally {
      Simulation.multiRate = savedRate;
      HeatSolver.scanNearFastBox = savedScan;
    }
  }, 60_000);

  it('keeps the step sequence independent of how advanceTo is chunked (to the bit)', () => {
    const saved = Simulation.multiRate;
    Simulation.multiRate = true;
    try {
      const p = { ...plan(), grid: { spacing_mm: 2, padding_mm: 16 } };
      const straight = new PlanRun(p, { spacingMm: 2 });
      straight.advanceTo(straight.endS);
      const chunked = new PlanRun(p, { spacingMm: 2 });
      for (let t = 0; !chunked.done; t += 7.3) chunked.advanceTo(t);
      expect(chunked.sim.solver.multiRateStats.macro).toBeGreaterThan(20);
      expect(chunked.sim.timeS).toBe(straight.sim.timeS);
      expect(chunked.result().snapshots).toEqual(straight.result().snapshots);
      expect(chunked.result().sensors).toEqual(straight.result().sensors);
      expect(Array.from(chunked.sim.solver.temperatureC)).toEqual(Array.from(straight.sim.solver.temperatureC));
      expect(Array.from(chunked.sim.solver.minTemperatureC)).toEqual(Array.from(straight.sim.solver.minTemperatureC));
    } finally {
      Simulation.multiRate = saved;
    }
  }, 60_000);
});
