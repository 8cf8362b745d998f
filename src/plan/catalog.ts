/**
 * The probe catalogue (public/probes.json), validated with zod when this module loads, so a broken
 * catalogue fails loudly at start-up instead of producing a wrong ice ball later.
 */

import { z } from 'zod';
import catalogJson from '../../public/probes.json' with { type: 'json' };
import type { ProbeSpec } from './types.ts';

/** The probe fields of the plan format (custom probe object); shared with the plan schema. */
export const probeSpecShape = {
  diameter_mm: z.number().positive().max(20),
  active_length_mm: z.number().positive().max(300),
  active_offset_mm: z.number().nonnegative().max(100),
  freeze_C: z.number().gte(-273.15).lt(0, { error: 'must be below 0 °C (a freezing probe)' }),
  active_thaw_C: z.number().gt(0, { error: 'must be above 0 °C' }).max(100),
};

const calibrationSchema = z.looseObject({
  /** An `id` of shared/data/measurements.json, or null where no measurement applies. */
  against: z.string().min(1).nullable(),
  /** The published numbers, as published. */
  measured: z.record(z.string(), z.unknown()),
  note: z.string(),
  /** Added later by whoever runs the solver against `measured`. */
  reproduced: z.unknown().optional(),
});

const catalogProbeSchema = z.strictObject({
  id: z.string().min(1),
  label: z.string().min(1),
  gauge: z.string().min(1),
  cryogen: z.enum(['argon', 'ln2']),
  ...probeSpecShape,
  calibration: calibrationSchema,
});

const catalogSchema = z.object({
  format: z.literal('cryoplan-probes/1'),
  about: z.string().optional(),
  probes: z.array(catalogProbeSchema).min(1),
});

export type CatalogProbe = z.infer<typeof catalogProbeSchema>;

function loadCatalog(json: unknown): readonly CatalogProbe[] {
  const r = catalogSchema.safeParse(json);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`public/probes.json is invalid:\n${lines.join('\n')}`);
  }
  const seen = new Set<string>();
  for (const p of r.data.probes) {
    if (seen.has(p.id)) throw new Error(`public/probes.json: duplicate probe id '${p.id}'`);
    seen.add(p.id);
  }
  return Object.freeze(r.data.probes.map((p) => Object.freeze(p)));
}

/** Every catalogue probe, in file order. */
export const probeCatalog: readonly CatalogProbe[] = loadCatalog(catalogJson);

/** Catalogue ids, in file order. */
export const probeIds: readonly string[] = probeCatalog.map((p) => p.id);

const byId = new Map(probeCatalog.map((p) => [p.id, p]));

export function findProbe(id: string): CatalogProbe | undefined {
  return byId.get(id);
}

/** The physical probe of a plan probe's `type`. Throws on an unknown catalogue id. */
export function resolveProbe(type: string | ProbeSpec): ProbeSpec {
  if (typeof type !== 'string') return { ...type };
  const p = byId.get(type);
  if (!p) throw new Error(`unknown probe type '${type}' (catalogue: ${probeIds.join(', ')})`);
  return {
    diameter_mm: p.diameter_mm,
    active_length_mm: p.active_length_mm,
    active_offset_mm: p.active_offset_mm,
    freeze_C: p.freeze_C,
    active_thaw_C: p.active_thaw_C,
  };
}
