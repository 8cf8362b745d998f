/**
 * The metrics of one snapshot as rows for the metrics panel and the exported report (one source
 * for both). Values come from the engine's snapshot and, for the margin histogram, from the
 * tumour-surface bands measured by the 3D view.
 */

import type { SampleSnapshot } from '../engine/workerApi.ts';
import type { Plan } from '../plan/types.ts';
import type { MarginBandCounts } from '../store/simulationStore.ts';
import { fmt, fmtPercent, fmtSigned } from './format.ts';

export type Status = 'ok' | 'warn' | 'bad' | 'info';

export interface MetricRow {
  id: string;
  label: string;
  /** Formatted value with its unit; '—' when not available. */
  value: string;
  status: Status;
}

export interface OrganWarning {
  structure: string;
  message: string;
  severity: 'warn' | 'bad';
}

/** Isotherm levels listed, warm to cold: 0, −20, −40 and the plan's lethal threshold. */
export function isothermLevels(plan: Plan, snapshot: SampleSnapshot): number[] {
  const levels = new Set<number>([0, -20, -40, plan.lethal_C]);
  return [...levels].filter((l) => snapshot.isotherms[String(l)] !== undefined).sort((a, b) => b - a);
}

/**
 * The signed minimum margin measured on the picture shown (simulationStore's viewMarginMm), used
 * when the snapshot has none (between report times): null = no lethal zone in the picture,
 * undefined = unknown.
 */
export interface ViewMargin {
  mm: number | null | undefined;
  /** Grid spacing of the picture [mm]. */
  spacingMm: number;
}

function minMarginRow(plan: Plan, exact: number | null | undefined, view: ViewMargin | null): MetricRow {
  const fromView = exact === undefined && view !== null && view.mm !== undefined;
  const mm = exact !== undefined ? exact : view?.mm;
  const label = fromView ? `Minimum margin (signed, on the ${fmt(view.spacingMm, 0)} mm view)` : 'Minimum margin (signed)';
  if (mm === undefined) {
    return { id: 'min-margin', label, value: '— (computed at report times and for the newest frame)', status: 'info' };
  }
  return {
    id: 'min-margin',
    label,
    value: mm === null ? '— (no lethal zone yet)' : `${fmtSigned(mm)} mm`,
    status: mm === null || mm < 0 ? 'bad' : mm < plan.margin_mm ? 'warn' : 'ok',
  };
}

export function coverageRows(plan: Plan, snapshot: SampleSnapshot, view: ViewMargin | null = null): MetricRow[] {
  const c = snapshot.coverage;
  if (!c) return [{ id: 'no-tumor', label: 'Tumour', value: 'none in this plan', status: 'info' }];
  const covered = c.tumor_covered_fraction;
  return [
    {
      id: 'tumor-coverage',
      label: `Tumour at ≤ ${fmt(c.lethal_C, 0)} °C`,
      value: fmtPercent(covered),
      status: covered >= 0.999 ? 'ok' : covered >= 0.9 ? 'warn' : 'bad',
    },
    {
      id: 'margin-coverage',
      label: `${fmt(plan.margin_mm, 0)} mm margin shell at ≤ ${fmt(c.lethal_C, 0)} °C`,
      value: fmtPercent(c.margin_covered_fraction),
      status: c.margin_covered_fraction >= 0.999 ? 'ok' : c.margin_covered_fraction >= 0.9 ? 'warn' : 'bad',
    },
    minMarginRow(plan, c.min_margin_mm, view),
    { id: 'tumor-volume', label: 'Tumour volume', value: `${fmt(c.tumor_volume_ml, 1)} ml`, status: 'info' },
  ];
}

export function isothermRows(plan: Plan, snapshot: SampleSnapshot): MetricRow[] {
  return isothermLevels(plan, snapshot).map((level) => ({
    id: `iso-${level}`,
    label: `Volume ≤ ${fmt(level, 0)} °C${level === 0 ? ' (ice)' : level === plan.lethal_C ? ' (lethal)' : ''}`,
    value: `${fmt(snapshot.isotherms[String(level)].volume_ml, 1)} ml`,
    status: 'info' as const,
  }));
}

/** Histogram of the signed margin over the tumour surface: < 0, 0–margin, ≥ margin. */
export function marginHistogramRows(plan: Plan, bands: MarginBandCounts | null): MetricRow[] {
  if (!bands) return [];
  const total = bands.counts[0] + bands.counts[1] + bands.counts[2];
  if (total === 0) return [];
  const pct = (n: number): string => `${fmtPercent(n / total)} (${n})`;
  const m = fmt(plan.margin_mm, 0);
  return [
    { id: 'hist-neg', label: 'Surface with margin < 0 mm', value: pct(bands.counts[0]), status: bands.counts[0] > 0 ? 'bad' : 'ok' },
    { id: 'hist-thin', label: `Surface with margin 0–${m} mm`, value: pct(bands.counts[1]), status: bands.counts[1] > 0 ? 'warn' : 'ok' },
    { id: 'hist-ok', label: `Surface with margin ≥ ${m} mm`, value: pct(bands.counts[2]), status: 'info' },
  ];
}

/** Structures reached by ice or by the lethal isotherm, worst first. */
export function organWarnings(plan: Plan, snapshot: SampleSnapshot): OrganWarning[] {
  const out: OrganWarning[] = [];
  for (const s of plan.structures) {
    const m = snapshot.structures[s.name];
    if (!m) continue;
    const kind = s.role === 'vessel' ? 'vessel' : 'organ at risk';
    if (m.lethal_volume_ml > 0) {
      out.push({
        structure: s.name,
        severity: 'bad',
        message: `${s.name} (${kind}): ${fmt(m.lethal_volume_ml, 2)} ml at ≤ ${fmt(plan.lethal_C, 0)} °C (lethal), ${fmt(m.frozen_volume_ml, 2)} ml frozen`,
      });
    } else if (m.frozen_volume_ml > 0) {
      out.push({
        structure: s.name,
        severity: 'warn',
        message: `${s.name} (${kind}): ${fmt(m.frozen_volume_ml, 2)} ml frozen (≤ 0 °C)`,
      });
    }
  }
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'bad' ? -1 : 1));
}

/** Lowest temperature per structure, for the structures list. */
export function structureMinRows(plan: Plan, snapshot: SampleSnapshot): MetricRow[] {
  return plan.structures.map((s) => {
    const m = snapshot.structures[s.name];
    const min = m?.min_C;
    return {
      id: `min-${s.name}`,
      label: `${s.name} lowest temperature`,
      value: min === null || min === undefined ? '—' : `${fmt(min, 1)} °C`,
      status: m && m.lethal_volume_ml > 0 ? 'bad' : m && m.frozen_volume_ml > 0 ? 'warn' : 'ok',
    };
  });
}
