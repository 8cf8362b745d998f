/** m:ss for a time in seconds (negative times keep their sign). */
export function formatMinSec(t_s: number): string {
  const sign = t_s < 0 ? '-' : '';
  const a = Math.abs(Math.round(t_s));
  const m = Math.floor(a / 60);
  const s = a % 60;
  return `${sign}${m}:${s.toString().padStart(2, '0')}`;
}

/** Distinct line colours for sensor traces (colour-blind-friendly Okabe–Ito order). */
export const SERIES_COLORS = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#e8edf2'];

/** Time ticks [s] at whole-minute (or 30 s / 10 s) steps covering [min, max]. */
export function timeTicks(min: number, max: number, maxTicks = 8): number[] {
  const span = Math.max(1, max - min);
  const steps = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const step = steps.find((s) => span / s <= maxTicks) ?? 3600;
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + 1e-9; t += step) out.push(t);
  return out;
}
