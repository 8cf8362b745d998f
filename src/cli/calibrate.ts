/**
 * `npm run calibrate [-- --spacing MM]`: runs each catalogue probe in the setting of the published
 * measurement it is calibrated against (public/probes.json `calibration.against`, data in
 * ../shared/data/measurements.json) and prints what the model reproduces next to what was measured.
 * The figures quoted in probes.json (`calibration.reproduced`) come from this script at 1 mm.
 *
 * - hinshaw2010-pig-lung: one probe, freeze 600 s, active thaw 300 s, freeze 600 s; isotherm
 *   diameters perpendicular to the probe at mid active length at the end. Lung is not a preset: the
 *   run uses `generic` perfused tissue (stated as a limit: aerated lung conducts less).
 * - gel-17g-10g-rule: one probe in the `gel` preset at 37 °C, freeze 600 s; distance from the
 *   needle surface to −40 °C, and from −40 °C on to 0 °C.
 */
import { probeCatalog } from '../plan/catalog.ts';
import { parsePlan } from '../plan/parse.ts';
import { Simulation } from '../engine/simulation.ts';

function spacingArg(): number {
  const i = process.argv.indexOf('--spacing');
  return i > 0 ? Number(process.argv[i + 1]) : 1;
}

/** Mean isotherm radius [mm] perpendicular to a z-parallel probe through (0, 0), at height z. */
function radiusMm(sim: Simulation, level: number, zMm: number): number {
  let sum = 0;
  const rays = 12;
  for (let q = 0; q < rays; q++) {
    const a = (2 * Math.PI * (q + 0.5)) / rays;
    let prev = -Infinity;
    for (let r = 0; r < 40; r += 0.02) {
      const v = sim.temperatureAtC([r * Math.cos(a), r * Math.sin(a), zMm]);
      if (prev <= level && v > level) {
        sum += r;
        break;
      }
      prev = v;
    }
  }
  return sum / rays;
}

function run(probeId: string, tissue: string, protocol: unknown[], spacingMm: number): { sim: Simulation; midZ: number } {
  const probe = probeCatalog.find((p) => p.id === probeId)!;
  const parsed = parsePlan({
    format: 'cryoplan/1',
    tissue,
    grid: { spacing_mm: spacingMm, padding_mm: 30 },
    probes: [{ id: 'P', type: probeId, tip_mm: [0, 0, 0], axis: [0, 0, 1] }],
    protocol,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const sim = Simulation.fromPlan(parsed.plan);
  sim.advanceTo(sim.endS);
  return { sim, midZ: probe.active_offset_mm + probe.active_length_mm / 2 };
}

const spacingMm = spacingArg();
console.log(`calibration runs at ${spacingMm} mm`);
for (const probe of probeCatalog) {
  const against = probe.calibration.against;
  if (against === 'hinshaw2010-pig-lung') {
    const { sim, midZ } = run(probe.id, 'generic', [
      { phase: 'freeze', duration_s: 600 }, { phase: 'thaw', duration_s: 300, mode: 'active' }, { phase: 'freeze', duration_s: 600 },
    ], spacingMm);
    const d = [0, -20, -40].map((l) => (2 * radiusMm(sim, l, midZ)).toFixed(1));
    console.log(`${probe.id}: ${against}: diameters 0 / −20 / −40 °C = ${d.join(' / ')} mm (measured 31±2 / 23±3 / 18±4)`);
  } else if (against === 'gel-17g-10g-rule') {
    const { sim, midZ } = run(probe.id, 'gel', [{ phase: 'freeze', duration_s: 600 }], spacingMm);
    const r40 = radiusMm(sim, -40, midZ) - probe.diameter_mm / 2;
    const r0 = radiusMm(sim, 0, midZ) - probe.diameter_mm / 2;
    console.log(`${probe.id}: ${against}: −40 °C ${r40.toFixed(1)} mm from the needle, 0 °C a further ${(r0 - r40).toFixed(1)} mm (rule ≈ 10 / ≈ 10)`);
  } else {
    const { sim, midZ } = run(probe.id, 'gel', [{ phase: 'freeze', duration_s: 600 }], spacingMm);
    const d = [0, -20, -40].map((l) => (2 * radiusMm(sim, l, midZ)).toFixed(1));
    console.log(`${probe.id}: no published measurement; gel, 10 min: diameters 0 / −20 / −40 °C = ${d.join(' / ')} mm`);
  }
}
