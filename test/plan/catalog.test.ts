import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findProbe, probeCatalog, probeIds, resolveProbe } from '../../src/plan/catalog.ts';

// shared/data/measurements.json sits beside or inside the checkout; the ids below are its ids at the
// time of writing, used where the file is not reachable.
const measurementsFile = ['../../shared/data/measurements.json', '../../../shared/data/measurements.json']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((f) => existsSync(f));
const measurementIds = measurementsFile
  ? (JSON.parse(readFileSync(measurementsFile, 'utf8')) as { entries: { id: string }[] }).entries.map((e) => e.id)
  : ['hinshaw2010-pig-lung', 'gel-17g-10g-rule', 'pig-kidney-3x17g', 'neumann-tissue-145'];

describe('probe catalogue', () => {
  it('has the agreed ids', () => {
    expect([...probeIds]).toEqual(
      expect.arrayContaining(['argon-1.47mm', 'argon-1.7mm', 'argon-2.4mm', 'argon-3.4mm', 'ln2-2.4mm', 'ln2-3.4mm']),
    );
  });

  it('covers 17G..10G with argon and liquid nitrogen surface temperatures', () => {
    expect(new Set(probeCatalog.map((p) => p.diameter_mm))).toEqual(new Set([1.47, 1.7, 2.4, 3.4]));
    for (const p of probeCatalog) {
      if (p.cryogen === 'argon') expect(p.freeze_C).toBeCloseTo(-145, 0);
      else expect(p.freeze_C).toBeLessThanOrEqual(-170);
      expect(p.freeze_C).toBeGreaterThanOrEqual(-196);
      expect(p.active_thaw_C).toBeGreaterThanOrEqual(15);
      expect(p.active_thaw_C).toBeLessThanOrEqual(30);
      expect(p.id.startsWith(p.cryogen === 'argon' ? 'argon-' : 'ln2-')).toBe(true);
    }
  });

  it('calibrates only against measurements that exist, and carries no simulated numbers yet', () => {
    for (const p of probeCatalog) {
      if (p.calibration.against !== null) expect(measurementIds).toContain(p.calibration.against);
      else expect(p.calibration.note).toMatch(/uncalibrated/i);
    }
    expect(findProbe('argon-2.4mm')?.calibration.against).toBe('hinshaw2010-pig-lung');
  });

  it('resolves ids and custom objects', () => {
    expect(resolveProbe('argon-2.4mm')).toMatchObject({ diameter_mm: 2.4, freeze_C: -145 });
    const custom = { diameter_mm: 2, active_length_mm: 30, active_offset_mm: 0, freeze_C: -150, active_thaw_C: 20 };
    expect(resolveProbe(custom)).toEqual(custom);
    expect(findProbe('nope')).toBeUndefined();
    expect(() => resolveProbe('nope')).toThrow(/argon-2\.4mm/);
  });
});
