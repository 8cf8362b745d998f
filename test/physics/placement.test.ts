import { describe, expect, it } from 'vitest';
import { longProbeRadii } from './helpers.ts';

describe('placement invariance of the sub-cell probe coupling', () => {
  it.each([
    [1.47, -145],
    [2.4, -145],
    [3.4, -196],
  ])('a %s mm probe moved by 0.3 and 0.5 of a cell changes no isotherm radius by more than 0.3 mm', (d, Tp) => {
    const times = [60, 300, 600];
    const base = longProbeRadii(d, Tp, 0, 0, times);
    for (const shift of [[0.3, 0], [0.5, 0], [0.3, 0.5], [0.5, 0.5]]) {
      const moved = longProbeRadii(d, Tp, shift[0], shift[1], times);
      for (const t of times)
        for (const level of [0, -20, -40]) {
          expect(Number.isFinite(base[t][level])).toBe(true);
          expect(Math.abs(moved[t][level] - base[t][level]), `shift ${shift} t ${t} level ${level}`).toBeLessThan(0.3);
        }
    }
  });
});
