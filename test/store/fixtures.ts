import { parsePlan } from '../../src/plan/parse.ts';
import type { Plan } from '../../src/plan/types.ts';

/** A small valid plan: an ellipsoid tumour, two probes 12 mm apart, freeze–thaw–freeze. */
export function twoProbePlan(): Plan {
  const r = parsePlan({
    format: 'cryoplan/1',
    name: 'store test',
    tissue: 'liver',
    tumor: { ellipsoid: { center_mm: [0, 0, 0], radii_mm: [12, 10, 10] } },
    probes: [
      { id: 'P1', type: 'argon-2.4mm', tip_mm: [-6, 0, -15], axis: [0, 0, 1] },
      { id: 'P2', type: 'argon-2.4mm', tip_mm: [6, 0, -15], axis: [0, 0, 1] },
    ],
    protocol: [
      { phase: 'freeze', duration_s: 600 },
      { phase: 'thaw', duration_s: 480, mode: 'passive' },
      { phase: 'freeze', duration_s: 600 },
    ],
    report_times_s: [60, 300, 1500],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.plan;
}
