import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TriangleMesh } from '../geometry/mesh.ts';
import { parseMeshFile } from '../geometry/meshFiles.ts';
import { parsePlanText } from '../plan/parse.ts';
import type { Plan, PlanIssue, Shape } from '../plan/types.ts';

export type LoadedPlan =
  | { ok: true; plan: Plan; meshes: Record<string, TriangleMesh> }
  | { ok: false; issues: PlanIssue[] };

/**
 * Reads and validates a plan file, and loads every mesh file it references (relative to the plan)
 * that the plan does not carry inline. Problems are returned with their field paths.
 */
export function loadPlanFile(path: string): LoadedPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, issues: [{ path: '(file)', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] };
  }
  const parsed = parsePlanText(text);
  if (!parsed.ok) return parsed;
  const plan = parsed.plan;
  const meshes: Record<string, TriangleMesh> = {};
  const issues: PlanIssue[] = [];
  const refs: [Shape, string][] = [];
  if (plan.tumor) refs.push([plan.tumor, 'tumor']);
  plan.structures.forEach((s, i) => refs.push([s, `structures[${i}]`]));
  for (const [shape, fieldPath] of refs) {
    if (!('mesh' in shape) || plan.meshes?.[shape.mesh] || meshes[shape.mesh]) continue;
    const file = resolve(dirname(path), shape.mesh);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      issues.push({ path: `${fieldPath}.mesh`, message: `cannot read '${shape.mesh}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    const mesh = parseMeshFile(shape.mesh, bytes);
    if (mesh.ok) meshes[shape.mesh] = mesh.mesh;
    else issues.push({ path: `${fieldPath}.mesh`, message: mesh.error });
  }
  return issues.length ? { ok: false, issues } : { ok: true, plan, meshes };
}
