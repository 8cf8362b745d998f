/** Number and time formatting for the screen and the report (units always shown by callers). */
import type { EngineInfo } from '../engine/workerApi.ts';

/** Seconds → `m:ss` (minutes not wrapped at an hour). */
export function formatMinSec(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** `m:ss`, `m:s` or plain minutes (`10`, `7.5`) → seconds; null when it is neither. */
export function parseMinSec(text: string): number | null {
  const t = text.trim();
  const ms = /^(\d{1,3}):([0-5]?\d)$/.exec(t);
  if (ms) return Number(ms[1]) * 60 + Number(ms[2]);
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 60);
  return null;
}

/** Fixed digits, with a real minus sign and no "-0". */
export function fmt(x: number, digits = 1): string {
  const s = x.toFixed(digits);
  return Number(s) === 0 ? (0).toFixed(digits) : s.replace('-', '−');
}

/** Signed, with an explicit + for positive values (margins). */
export function fmtSigned(x: number, digits = 1): string {
  const s = fmt(x, digits);
  return x > 0 && Number(x.toFixed(digits)) !== 0 ? `+${s}` : s;
}

/** A fraction 0..1 as a percentage. */
export function fmtPercent(f: number, digits = 1): string {
  return `${fmt(f * 100, digits)} %`;
}

/**
 * The engine in a few words: kernel and threads, and why one thread when the page lacks
 * cross-origin isolation (the full reason is the element's tooltip).
 */
export function engineLabel(info: EngineInfo): string {
  const kernel = info.kernel === 'wasm-simd' ? 'WebAssembly SIMD' : 'TypeScript kernel';
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  return info.isolated ? `${kernel}, ${threads}` : `${kernel}, ${threads} (page not cross-origin isolated)`;
}
