import type { IsosurfaceBuffers } from '../engine/workerApi.ts';

/** Which isosurfaces are shown: levels [°C] of the current field, and 'ablation' for the lethal zone. */
export type VisibleLevel = number | 'ablation';

export interface IsoStyle {
  key: string;
  label: string;
  color: string;
  opacity: number;
  /** Nesting rank: 0 = outermost (0 °C). Larger = drawn deeper inside. */
  rank: number;
}

export function isoKey(s: Pick<IsosurfaceBuffers, 'field' | 'level_C'>): string {
  return s.field === 'ablation' ? 'ablation' : `current:${s.level_C}`;
}

const FIXED: Record<number, string> = { 0: '#d8f1ff', [-20]: '#4cc3f0', [-40]: '#2a63e0' };

/** Colour of a current-field isotherm: fixed for 0/-20/-40 °C, else blended between them. */
export function isothermColor(level_C: number): string {
  if (FIXED[level_C]) return FIXED[level_C];
  return level_C > -20 ? FIXED[0] : level_C > -40 ? FIXED[-20] : FIXED[-40];
}

export const ABLATION_COLOR = '#e040c8';

export function isoStyle(s: Pick<IsosurfaceBuffers, 'field' | 'level_C'>): IsoStyle {
  if (s.field === 'ablation') {
    return { key: 'ablation', label: `lethal zone (min ≤ ${s.level_C} °C)`, color: ABLATION_COLOR, opacity: 0.3, rank: -s.level_C - 0.5 };
  }
  // Colder = further inside; 0 °C outermost, most transparent.
  const rank = Math.round(-s.level_C);
  const opacity = s.level_C >= 0 ? 0.14 : s.level_C > -30 ? 0.18 : 0.24;
  return { key: isoKey(s), label: `${s.level_C} °C`, color: isothermColor(s.level_C), opacity, rank };
}

export function isLevelVisible(s: Pick<IsosurfaceBuffers, 'field' | 'level_C'>, visible: readonly VisibleLevel[] | undefined): boolean {
  if (!visible) return true;
  if (s.field === 'ablation') return visible.includes('ablation');
  return visible.includes(s.level_C);
}
