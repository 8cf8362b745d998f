/**
 * The plan panel: probes (type from the catalogue, tip and entry in mm, add/delete, spacing and
 * tumour-edge warnings), tumour and structures, settings (tissue, lethal threshold, margin, grid
 * spacing), and every validation message by field path.
 */

import { useMemo } from 'react';
import { findProbe, probeCatalog } from '../plan/catalog.ts';
import { parsePlan } from '../plan/parse.ts';
import { tissuePresetNames } from '../plan/presets.ts';
import type { Plan, PlanIssue, PlanProbe, ProbeSpec, Shape, TissuePresetName } from '../plan/types.ts';
import { catalogSpec, layoutReport } from '../store/probeGeometry.ts';
import { probeEntry } from '../store/planStore.ts';
import { LIMITS } from '../store/validation.ts';
import { usePlan } from './context.tsx';
import { NumberField, Vec3Field } from './fields.tsx';
import { fmt } from './format.ts';


function typeLabel(type: PlanProbe['type']): string {
  if (typeof type !== 'string') return `custom ${fmt(type.diameter_mm, 1)} mm`;
  return findProbe(type)?.label ?? `unknown (${type})`;
}

export function PlanPanel() {
  const plan = usePlan((s) => s.plan);
  return (
    <section className="panel plan-panel" aria-labelledby="plan-panel-title">
      <h2 id="plan-panel-title" className="visually-hidden">Plan</h2>
      <ProbesSection plan={plan} />
      <ShapesSection plan={plan} />
      <SettingsSection plan={plan} />
      <ProblemsSection plan={plan} />
    </section>
  );
}

function ProbesSection({ plan }: { plan: Plan }) {
  const selectedId = usePlan((s) => s.selectedProbeId);
  const dragging = usePlan((s) => s.gestureBase !== null);
  const { selectProbe, addProbe, deleteProbe, setProbeType } = usePlan((s) => s);
  const report = useMemo(() => layoutReport(plan), [plan]);
  const selected = plan.probes.find((p) => p.id === selectedId) ?? null;
  return (
    <div className="section" data-testid="probes-section">
      <div className="section__head">
        <h3>Probes <span className="count">{plan.probes.length}</span></h3>
        <button type="button" className="btn" onClick={() => addProbe()} data-testid="add-probe">+ Add probe</button>
      </div>
      <ul className="probe-list" aria-label="Probes">
        {plan.probes.map((p, i) => {
          const edge = report.edgeMm[p.id];
          const nearest = report.nearestMm[p.id];
          const warn = report.warnings.some((w) => w.probeId === p.id);
          return (
            <li key={p.id} className={`probe-row${p.id === selectedId ? ' probe-row--selected' : ''}`}>
              <button
                type="button"
                className="probe-row__select"
                aria-pressed={p.id === selectedId}
                onClick={() => selectProbe(p.id)}
                data-testid={`probe-${p.id}`}
              >
                <span className="probe-row__id">{p.id}{warn && <span className="badge badge--warn" aria-label="has warnings">!</span>}</span>
                <span className="probe-row__meta">
                  {nearest !== undefined && <span>{fmt(nearest)} mm to nearest probe</span>}
                  {edge !== undefined && <span>{fmt(Math.abs(edge))} mm {edge <= 0 ? 'inside' : 'outside'} tumour edge</span>}
                </span>
              </button>
              <label className="visually-hidden" htmlFor={`probe-type-${i}`}>{p.id} type</label>
              <select
                id={`probe-type-${i}`}
                value={typeof p.type === 'string' ? p.type : '__custom'}
                onChange={(e) => setProbeType(p.id, e.target.value)}
                data-testid={`probe-type-${p.id}`}
              >
                {typeof p.type !== 'string' && <option value="__custom" disabled>{typeLabel(p.type)}</option>}
                {typeof p.type === 'string' && !findProbe(p.type) && <option value={p.type} disabled>{typeLabel(p.type)}</option>}
                {probeCatalog.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
              </select>
              <button
                type="button"
                className="btn btn--icon btn--danger"
                onClick={() => deleteProbe(p.id)}
                aria-label={`Delete probe ${p.id}`}
                title={`Delete ${p.id}`}
                data-testid={`delete-${p.id}`}
              >✕</button>
            </li>
          );
        })}
      </ul>
      {selected && <ProbeEditor probe={selected} index={plan.probes.indexOf(selected)} />}
      {report.warnings.length > 0 && !dragging && (
        <ul className="warnings" aria-label="Probe placement warnings" data-testid="probe-warnings">
          {report.warnings.map((w) => <li key={`${w.probeId}-${w.kind}`} className="warn">{w.message}</li>)}
        </ul>
      )}
      <FieldError path="probes" />
    </div>
  );
}

function ProbeEditor({ probe, index }: { probe: PlanProbe; index: number }) {
  const state = usePlan((s) => s);
  const entry = probeEntry(state, probe);
  const spec: ProbeSpec | undefined = catalogSpec(probe.type);
  return (
    <div className="probe-editor" data-testid="probe-editor">
      <h4>{probe.id} <span className="muted">{typeLabel(probe.type)}{spec ? `, active ${fmt(spec.active_length_mm, 0)} mm` : ''}</span></h4>
      <Vec3Field
        label="Tip"
        value={probe.tip_mm}
        onCommit={(v) => state.setProbeTip(probe.id, v)}
        error={state.fieldErrors[`probes[${index}].tip_mm`]}
        testId="tip"
      />
      <Vec3Field
        label="Entry"
        value={entry}
        onCommit={(v) => state.setProbeEntry(probe.id, v)}
        error={state.fieldErrors[`probes[${index}].entry_mm`]}
        testId="entry"
      />
      <p className="muted small">
        Axis ({probe.axis.map((a) => fmt(a, 2)).join(', ')}). Moving the tip keeps the entry point.
      </p>
    </div>
  );
}

function shapeText(shape: Shape, plan: Plan): string {
  if ('ellipsoid' in shape) {
    const r = shape.ellipsoid.radii_mm;
    return `ellipsoid ${r.map((x) => fmt(2 * x, 0)).join(' × ')} mm at (${shape.ellipsoid.center_mm.map((x) => fmt(x, 0)).join(', ')})`;
  }
  if ('cylinder' in shape) return `cylinder, radius ${fmt(shape.cylinder.radius_mm, 1)} mm`;
  const m = plan.meshes?.[shape.mesh];
  return m ? `mesh ${shape.mesh} (${m.triangles.length / 3} triangles)` : `mesh file ${shape.mesh} (not carried in the plan)`;
}

function ShapesSection({ plan }: { plan: Plan }) {
  const removeStructure = usePlan((s) => s.removeStructure);
  return (
    <div className="section" data-testid="shapes-section">
      <h3>Tumour and structures</h3>
      <ul className="shape-list">
        <li><span><strong>Tumour</strong>: {plan.tumor ? shapeText(plan.tumor, plan) : 'none'}</span></li>
        {plan.structures.map((s, i) => (
          <li key={s.name}>
            <span><strong>{s.name}</strong> <span className={`tag tag--${s.role}`}>{s.role === 'vessel' ? `vessel ${fmt(s.blood_C ?? 37, 0)} °C` : 'avoid'}</span>: {shapeText(s, plan)}</span>
            <button type="button" className="btn btn--icon btn--danger" aria-label={`Remove structure ${s.name}`} onClick={() => removeStructure(i)}>✕</button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function SettingsSection({ plan }: { plan: Plan }) {
  const s = usePlan((st) => st);
  const tissueName = typeof plan.tissue === 'string' ? plan.tissue : null;
  return (
    <div className="section" data-testid="settings-section">
      <h3>Settings</h3>
      <div className="settings-grid">
        <div className="field">
          <label htmlFor="tissue-select">Tissue</label>
          <select
            id="tissue-select"
            value={tissueName ?? '__custom'}
            onChange={(e) => s.setTissue(e.target.value as TissuePresetName)}
            data-testid="tissue"
          >
            {!tissueName && <option value="__custom" disabled>custom{plan.tissue && typeof plan.tissue === 'object' && plan.tissue.base ? ` (${plan.tissue.base})` : ''}</option>}
            {tissuePresetNames.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
          {s.fieldErrors.tissue && <span className="field__error" role="alert">{s.fieldErrors.tissue}</span>}
        </div>
        <NumberField label="Lethal threshold" unit="°C" value={plan.lethal_C} step={5} digits={1}
          onCommit={s.setLethal} error={s.fieldErrors.lethal_C} testId="lethal" />
        <NumberField label="Required margin" unit="mm" value={plan.margin_mm} step={1} digits={1}
          onCommit={s.setMargin} error={s.fieldErrors.margin_mm} testId="margin" />
        <NumberField label="Grid spacing" unit="mm" value={plan.grid.spacing_mm} step={0.5} digits={2}
          onCommit={s.setGridSpacing} error={s.fieldErrors['grid.spacing_mm']} testId="spacing" />
      </div>
      <p className="muted small">
        Lethal {LIMITS.lethal_C.min} to {LIMITS.lethal_C.max} °C; grid {LIMITS.spacing_mm.min}–{LIMITS.spacing_mm.max} mm (finer is slower).
      </p>
    </div>
  );
}

function FieldError({ path }: { path: string }) {
  const msg = usePlan((s) => s.fieldErrors[path]);
  return msg ? <p className="field__error" role="alert">{path}: {msg}</p> : null;
}

/** Refused edits and whole-plan problems, by field path. */
function ProblemsSection({ plan }: { plan: Plan }) {
  const fieldErrors = usePlan((s) => s.fieldErrors);
  const dragging = usePlan((s) => s.gestureBase !== null);
  const planIssues: PlanIssue[] = useMemo(() => {
    if (dragging) return [];
    const r = parsePlan(JSON.parse(JSON.stringify(plan)));
    return r.ok ? [] : r.issues;
  }, [plan, dragging]);
  const all = [...Object.entries(fieldErrors).map(([path, message]) => ({ path, message })), ...planIssues];
  if (all.length === 0) return null;
  return (
    <div className="section problems" role="alert" data-testid="validation">
      <h3>Problems</h3>
      <ul>{all.map((i) => <li key={`${i.path}:${i.message}`}><code>{i.path}</code>: {i.message}</li>)}</ul>
    </div>
  );
}
