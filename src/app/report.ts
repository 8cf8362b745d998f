/**
 * The exported report: a PNG of the views (the 3D canvas above the three slices) and a printable
 * HTML page with that picture, the plan (probes, protocol, settings) and the metrics table at the
 * timeline position. Both are built in the page and downloaded; nothing is uploaded.
 */

import type { Plan } from '../plan/types.ts';
import type { FrameRecord, MarginBandCounts } from '../store/simulationStore.ts';
import { layoutReport } from '../store/probeGeometry.ts';
import { probeEntry, type PlanState } from '../store/planStore.ts';
import { DISCLAIMER } from '../ui/AppShell.tsx';
import { fmt, formatMinSec } from '../ui/format.ts';
import { coverageRows, isothermRows, marginHistogramRows, organWarnings, structureMinRows, type MetricRow, type ViewMargin } from '../ui/metrics.ts';

interface Panel {
  canvas: HTMLCanvasElement;
}

/** The canvases of the views in reading order: the 3D view, then the slices. */
export function findViewCanvases(root: ParentNode = document): Panel[] {
  const panels: Panel[] = [];
  const v3 = root.querySelector<HTMLCanvasElement>('[data-testid="view-3d"] canvas');
  if (v3) panels.push({ canvas: v3 });
  root.querySelectorAll<HTMLElement>('section[data-testid^="slice-"]').forEach((el) => {
    const c = el.querySelector('canvas');
    if (c) panels.push({ canvas: c });
  });
  return panels;
}

/** Draws the 3D view on top and the slices in a row below, with labels, on one canvas. */
export function composeViews(panels: Panel[], caption: string): HTMLCanvasElement {
  const width = 1600;
  const pad = 12;
  const [main, ...slices] = panels;
  const mainH = main ? Math.round((width - 2 * pad) * (main.canvas.height / Math.max(1, main.canvas.width))) : 0;
  const cellW = slices.length ? (width - pad * (slices.length + 1)) / slices.length : 0;
  const sliceH = slices.length
    ? Math.max(...slices.map((p) => Math.round(cellW * (p.canvas.height / Math.max(1, p.canvas.width)))))
    : 0;
  const out = document.createElement('canvas');
  out.width = width;
  out.height = pad + 40 + mainH + pad + (sliceH ? sliceH + pad : 0) + 30;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas available for the report');
  ctx.fillStyle = '#0b0f14';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#e6edf3';
  ctx.font = '600 24px system-ui, sans-serif';
  ctx.fillText(caption, pad, pad + 26);
  let y = pad + 40;
  if (main) {
    ctx.drawImage(main.canvas, pad, y, width - 2 * pad, mainH);
    y += mainH + pad;
  }
  // The slice canvases carry their own titles (plane and position).
  slices.forEach((p, i) => {
    const x = pad + i * (cellW + pad);
    const h = Math.round(cellW * (p.canvas.height / Math.max(1, p.canvas.width)));
    ctx.drawImage(p.canvas, x, y, cellW, h);
  });
  if (slices.length) y += sliceH + pad;
  ctx.fillStyle = '#ffb703';
  ctx.font = '16px system-ui, sans-serif';
  ctx.fillText(DISCLAIMER, pad, y + 18);
  return out;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function rowsTable(rows: MetricRow[]): string {
  return rows.map((r) => `<tr class="${r.status}"><th>${esc(r.label)}</th><td>${esc(r.value)}</td></tr>`).join('\n');
}

const v3 = (v: readonly number[]): string => v.map((x) => fmt(x, 1)).join(', ');

/** The printable report page. */
export function reportHtml(input: {
  planState: PlanState;
  record: FrameRecord | null;
  bands: MarginBandCounts | null;
  /** The minimum margin measured on the picture, for a record without one. */
  viewMargin: ViewMargin | null;
  spacingMm: number | null;
  pngDataUrl: string | null;
  createdAt: Date;
}): string {
  const { planState, record, bands } = input;
  const plan: Plan = planState.plan;
  const snapshot = record?.snapshot ?? null;
  const layout = layoutReport(plan);
  const metrics = snapshot
    ? [...coverageRows(plan, snapshot, input.viewMargin), ...isothermRows(plan, snapshot), ...marginHistogramRows(plan, bands), ...structureMinRows(plan, snapshot)]
    : [];
  const organs = snapshot ? organWarnings(plan, snapshot) : [];
  const probes = plan.probes
    .map((p) => {
      const type = typeof p.type === 'string' ? p.type : `custom ${fmt(p.type.diameter_mm, 1)} mm`;
      const edge = layout.edgeMm[p.id];
      return `<tr><th>${esc(p.id)}</th><td>${esc(type)}</td><td>${v3(p.tip_mm)}</td><td>${v3(probeEntry(planState, p))}</td>` +
        `<td>${layout.nearestMm[p.id] !== undefined ? fmt(layout.nearestMm[p.id]) : '—'}</td>` +
        `<td>${edge !== undefined ? `${fmt(Math.abs(edge))} ${edge <= 0 ? 'inside' : 'outside'}` : '—'}</td></tr>`;
    })
    .join('\n');
  let t = 0;
  const phases = plan.protocol
    .map((ph, i) => {
      const start = t;
      t += ph.duration_s;
      const kind = ph.phase === 'freeze' ? 'freeze' : `thaw (${ph.mode})`;
      return `<tr><th>${i + 1}</th><td>${kind}</td><td>${formatMinSec(ph.duration_s)}</td><td>${formatMinSec(start)}–${formatMinSec(t)}</td></tr>`;
    })
    .join('\n');
  const tissue = typeof plan.tissue === 'string' ? plan.tissue : `custom (${plan.tissue.base ?? 'generic'})`;
  const title = `Cryoplan report — ${plan.name ?? 'untitled plan'}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;color:#111;margin:24px;max-width:1100px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:20px 0 6px;border-bottom:1px solid #ccc}
.disclaimer{background:#fff3cd;border:1px solid #e0b000;padding:6px 10px;font-weight:600}
table{border-collapse:collapse;margin:4px 0}th,td{border:1px solid #ccc;padding:4px 10px;text-align:left}
tr.bad td{color:#b00020;font-weight:600}tr.warn td{color:#8a5a00;font-weight:600}
img{max-width:100%;border:1px solid #999}.muted{color:#555}
@media print{body{margin:10mm}img{page-break-inside:avoid}}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="disclaimer">${esc(DISCLAIMER)}</p>
<p class="muted">Created ${esc(input.createdAt.toISOString())} in the browser.
${snapshot ? `Results at t = ${formatMinSec(snapshot.t_s)} min:s` : 'No results yet'}${input.spacingMm ? ` on a ${fmt(input.spacingMm, 2)} mm grid` : ''}.</p>
${input.pngDataUrl ? `<img alt="3D view and axial, coronal and sagittal slices" src="${input.pngDataUrl}">` : ''}
<h2>Results</h2>
${metrics.length ? `<table>${rowsTable(metrics)}</table>` : '<p>No results yet.</p>'}
${organs.length ? `<h2>Organ-at-risk warnings</h2><ul>${organs.map((o) => `<li>${esc(o.message)}</li>`).join('')}</ul>` : ''}
<h2>Settings</h2>
<table>
<tr><th>Tissue</th><td>${esc(tissue)}</td></tr>
<tr><th>Lethal threshold</th><td>${fmt(plan.lethal_C, 0)} °C</td></tr>
<tr><th>Required margin</th><td>${fmt(plan.margin_mm, 1)} mm</td></tr>
<tr><th>Grid spacing (plan)</th><td>${fmt(plan.grid.spacing_mm, 2)} mm</td></tr>
</table>
<h2>Probes</h2>
<table><tr><th>Probe</th><th>Type</th><th>Tip x, y, z (mm)</th><th>Entry x, y, z (mm)</th><th>Nearest probe (mm)</th><th>Tumour edge (mm)</th></tr>
${probes}</table>
${layout.warnings.length ? `<ul>${layout.warnings.map((w) => `<li>${esc(w.message)}</li>`).join('')}</ul>` : ''}
<h2>Protocol</h2>
<table><tr><th>#</th><th>Phase</th><th>Duration (min:s)</th><th>Time (min:s)</th></tr>
${phases}</table>
</body></html>
`;
}
