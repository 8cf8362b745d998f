/**
 * Limits for values edited on the planning screen. An edit outside them is refused with a
 * message keyed by the plan field path (`lethal_C`, `protocol[1].duration_s`), and the plan is
 * left as it was. The ranges agree with the plan schema (src/plan/parse.ts), tighter where the
 * browser needs it (grid spacing). Whole-plan checks (ids, references) belong to the plan parser.
 */

import type { PlanIssue, Vec3 } from '../plan/types.ts';
import { isTissuePresetName, tissuePresetNames } from '../plan/presets.ts';

export const LIMITS = {
  /** Lethal threshold [°C]: below freezing. */
  lethal_C: { min: -100, max: -1 },
  /** Required margin [mm]. */
  margin_mm: { min: 0, max: 50 },
  /** Grid cell size [mm]: finer is too slow in a browser (the command line takes 0.25 mm). */
  spacing_mm: { min: 0.5, max: 4 },
  /** Phase duration [s]: 1 s to 3 h. */
  duration_s: { min: 1, max: 10800 },
  /** Any coordinate [mm]. */
  coordinate_mm: { min: -1000, max: 1000 },
} as const;

type Range = { min: number; max: number };

/** A problem with `value` at `path`, or null when it is acceptable. */
export function checkRange(path: string, value: number, range: Range, unit: string): PlanIssue | null {
  if (!Number.isFinite(value)) return { path, message: 'enter a number' };
  if (value < range.min || value > range.max) {
    return { path, message: `must be between ${range.min} and ${range.max} ${unit}` };
  }
  return null;
}

export function checkPoint(path: string, p: Vec3): PlanIssue | null {
  if (p.length !== 3 || p.some((x) => !Number.isFinite(x))) return { path, message: 'expected 3 numbers' };
  for (const x of p) {
    const issue = checkRange(path, x, LIMITS.coordinate_mm, 'mm');
    if (issue) return issue;
  }
  return null;
}

export function checkTissue(path: string, name: string): PlanIssue | null {
  return isTissuePresetName(name)
    ? null
    : { path, message: `unknown tissue "${name}" (one of ${tissuePresetNames.join(', ')})` };
}
