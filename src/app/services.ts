/**
 * What the screen's file actions do (src/ui/context.tsx `AppServices`): open and save plans,
 * import meshes, share a link, export a report. Every failure is a message for the user; a
 * failed open or import leaves the current plan exactly as it was.
 */

import { transfer, type Remote } from 'comlink';
import { fieldBuffersOf, sampleBuffersOf, surfaceBuffersOf } from '../engine/frameBuffers.ts';
import type { EngineWorkerApi } from '../engine/workerApi.ts';
import { meshProblem, meshToInline } from '../geometry/mesh.ts';
import { parsePlanText, serializePlan } from '../plan/parse.ts';
import type { Plan, PlanIssue } from '../plan/types.ts';
import type { PlanStore } from '../store/planStore.ts';
import { displayedFrame, displayedRecord, shownPreview, viewMarginMm, type SimulationStore } from '../store/simulationStore.ts';
import type { ActionOutcome, AppServices, MeshTarget } from '../ui/context.tsx';
import { formatMinSec } from '../ui/format.ts';
import { downloadBlob, fileStem } from './download.ts';
import { fetchSamplePlan } from './initialPlan.ts';
import { composeViews, findViewCanvases, reportHtml } from './report.ts';
import { encodePlanHash } from './shareLink.ts';

/** Links longer than this are refused by some browsers and chat tools. */
const MAX_LINK_CHARS = 60_000;
/** Meshes larger than this would make the plan (and autosave) unwieldy. */
const MAX_MESH_BYTES = 50 * 1024 * 1024;

function issuesText(issues: PlanIssue[]): string {
  const shown = issues.slice(0, 6).map((i) => `${i.path}: ${i.message}`);
  if (issues.length > shown.length) shown.push(`… and ${issues.length - shown.length} more`);
  return shown.join('; ');
}

/** A mesh key not used yet in the plan: the file name, or `name (2)`, … */
function freeMeshKey(plan: Plan, fileName: string): string {
  const used = new Set(Object.keys(plan.meshes ?? {}));
  if (!used.has(fileName)) return fileName;
  for (let n = 2; ; n++) if (!used.has(`${fileName} (${n})`)) return `${fileName} (${n})`;
}

function freeStructureName(plan: Plan, base: string): string {
  const used = new Set(plan.structures.map((s) => s.name));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base} ${n}`)) return `${base} ${n}`;
}

export function createServices(o: {
  plan: PlanStore;
  sim: SimulationStore;
  baseUrl: string;
  engine: Pick<Remote<EngineWorkerApi>, 'recycle' | 'recycleSamples'>;
}): AppServices {
  /** Buffers back to the engine, transferred (they leave this page). */
  const handBack = (buffers: ArrayBuffer[]): void => void o.engine.recycle(transfer(buffers, buffers));
  // The samples the timeline drops (a new run's start, thinning to its budget, a preview that is
  // no longer needed) give their fields back: later samples decimate into them instead of into
  // new memory. Nothing else reads a sample's fields (a scrubbed picture is built from copies).
  o.sim.subscribe((s, prev) => {
    // A frame of a run refining a preview, superseded before the run got as far as the preview,
    // was never drawn (the preview was on show, or a scrubbed sample): its buffers go back now.
    const unseen = prev.latest;
    if (unseen && s.latest !== unseen && prev.preview && prev.preview.latest.t_s > unseen.t_s) {
      handBack([...fieldBuffersOf(unseen), ...surfaceBuffersOf(unseen)]);
    }
    if (s.scrub === prev.scrub && s.preview === prev.preview) return;
    const kept = new Set([...s.scrub, ...(s.preview?.scrub ?? [])]);
    const held = [...prev.scrub, ...(prev.preview && prev.preview !== s.preview ? prev.preview.scrub : [])];
    const buffers = sampleBuffersOf(held.filter((f) => !kept.has(f)));
    if (buffers.length > 0) void o.engine.recycleSamples(transfer(buffers, buffers));
  });
  const loadChecked = (text: string, what: string): ActionOutcome => {
    const parsed = parsePlanText(text);
    if (!parsed.ok) return { ok: false, message: `${what} was not opened; the current plan is unchanged. ${issuesText(parsed.issues)}` };
    o.plan.getState().load(parsed.plan);
    return { ok: true, message: `Opened ${parsed.plan.name ?? what}` };
  };

  return {
    async openPlanFile(file) {
      let text: string;
      try {
        text = await file.text();
      } catch {
        return { ok: false, message: `Could not read ${file.name}; the current plan is unchanged.` };
      }
      return loadChecked(text, file.name);
    },

    async openSample(id) {
      try {
        const plan = await fetchSamplePlan(id, o.baseUrl);
        o.plan.getState().load(plan);
        return { ok: true, message: `Opened the sample “${plan.name ?? id}”` };
      } catch (e) {
        return { ok: false, message: e instanceof Error ? e.message : String(e) };
      }
    },

    savePlan() {
      const plan = o.plan.getState().plan;
      const name = `${fileStem(plan.name)}.cryoplan.json`;
      downloadBlob(name, new Blob([serializePlan(plan)], { type: 'application/json' }));
      return { ok: true, message: `Saved ${name}` };
    },

    async importMesh(file: File, target: MeshTarget) {
      const fail = (why: string): ActionOutcome => ({ ok: false, message: `Could not import ${file.name}: ${why}. The plan is unchanged.` });
      if (!/\.(stl|obj|ply)$/i.test(file.name)) return fail('only STL, OBJ and PLY files can be imported');
      if (file.size > MAX_MESH_BYTES) return fail(`the file is larger than ${MAX_MESH_BYTES / 1024 / 1024} MB`);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await file.arrayBuffer());
      } catch {
        return fail('the file could not be read');
      }
      // Mesh parsers load on first import, off the start-up path.
      const { parseMeshFile } = await import('../geometry/meshFiles.ts');
      const parsed = parseMeshFile(file.name, bytes);
      if (!parsed.ok) return fail(parsed.error);
      const problem = meshProblem(parsed.mesh);
      if (problem) return fail(problem);
      const plan = o.plan.getState().plan;
      const key = freeMeshKey(plan, file.name);
      const inline = meshToInline(parsed.mesh);
      const triangles = inline.triangles.length / 3;
      if (target.kind === 'tumor') {
        o.plan.getState().setTumorMesh(key, inline);
        return { ok: true, message: `Imported ${file.name} as the tumour (${triangles} triangles)` };
      }
      const name = freeStructureName(plan, file.name.replace(/\.(stl|obj|ply)$/i, ''));
      o.plan.getState().addMeshStructure(name, target.role, key, inline);
      return { ok: true, message: `Imported ${file.name} as ${target.role === 'vessel' ? 'vessel' : 'organ at risk'} “${name}” (${triangles} triangles)` };
    },

    async shareLink() {
      const hash = await encodePlanHash(o.plan.getState().plan);
      const url = `${location.origin}${location.pathname}${location.search}${hash}`;
      if (url.length > MAX_LINK_CHARS) {
        return { ok: false, message: `The plan is too large for a link (${url.length} characters, imported meshes make it big); save the plan file instead.` };
      }
      history.replaceState(null, '', hash);
      try {
        await navigator.clipboard.writeText(url);
        return { ok: true, message: 'Share link copied to the clipboard', url };
      } catch {
        return { ok: true, message: 'Copy this share link:', url };
      }
    },

    async exportReport() {
      const panels = findViewCanvases();
      const s = o.sim.getState();
      const record = displayedRecord(s);
      const picture = displayedFrame(s);
      const plan = o.plan.getState().plan;
      const stem = `${fileStem(plan.name)}-report`;
      const caption = `${plan.name ?? 'Untitled plan'} — t = ${formatMinSec(record?.t_s ?? 0)} min:s`;
      let png: Blob | null = null;
      let dataUrl: string | null = null;
      if (panels.length) {
        const canvas = composeViews(panels, caption);
        dataUrl = canvas.toDataURL('image/png');
        png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
      }
      const html = reportHtml({
        planState: o.plan.getState(),
        record,
        bands: s.marginBands,
        viewMargin: picture ? { mm: viewMarginMm(s), spacingMm: picture.grid.spacingMm } : null,
        spacingMm: shownPreview(s)?.spacingMm ?? s.spacingMm,
        pngDataUrl: dataUrl,
        createdAt: new Date(),
      });
      if (png) downloadBlob(`${stem}.png`, png);
      downloadBlob(`${stem}.html`, new Blob([html], { type: 'text/html' }));
      return { ok: true, message: `Exported ${png ? `${stem}.png and ` : ''}${stem}.html` };
    },
    releaseFields: (frame) => handBack(fieldBuffersOf(frame)),
    releaseSurfaces: (frame) => handBack(surfaceBuffersOf(frame)),
  };
}
