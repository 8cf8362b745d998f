/**
 * Metrics at the timeline position: tumour and margin-shell coverage, the signed minimum margin,
 * isotherm volumes, the margin histogram over the tumour surface, organ-at-risk warnings.
 */

import { displayedFrame, displayedRecord, shownPreview, viewMarginMm } from '../store/simulationStore.ts';
import { usePlan, useSim } from './context.tsx';
import { formatMinSec } from './format.ts';
import { coverageRows, isothermRows, marginHistogramRows, organWarnings, type MetricRow } from './metrics.ts';

function Rows({ rows, testId }: { rows: MetricRow[]; testId: string }) {
  return (
    <dl className="metrics" data-testid={testId}>
      {rows.map((r) => (
        <div key={r.id} className={`metric metric--${r.status}`} data-metric={r.id}>
          <dt>{r.label}</dt>
          <dd>{r.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function MetricsPanel() {
  const plan = usePlan((s) => s.plan);
  const record = useSim(displayedRecord);
  const bands = useSim((s) => s.marginBands);
  const status = useSim((s) => s.status);
  const coarse = useSim((s) => s.coarse);
  const previewMm = useSim((s) => shownPreview(s)?.spacingMm ?? null);
  const runSpacing = useSim((s) => s.spacingMm);
  const pictureSpacing = useSim((s) => displayedFrame(s)?.grid.spacingMm ?? null);
  const viewMm = useSim(viewMarginMm);
  const snapshot = record?.snapshot ?? null;
  return (
    <section className="panel metrics-panel" aria-labelledby="metrics-title" data-testid="metrics-panel">
      <div className="section__head">
        <h2 id="metrics-title">Results</h2>
        {snapshot && (
          <span className="metrics-panel__time" data-testid="metrics-time">
            at {formatMinSec(snapshot.t_s)} min:s{coarse ? ' (2 mm preview)' : previewMm !== null ? ` (${previewMm} mm preview, refining)` : ''}
            {!coarse && previewMm === null && pictureSpacing && runSpacing && pictureSpacing > runSpacing ? ` · views at ${pictureSpacing} mm` : ''}
          </span>
        )}
      </div>
      {!snapshot && (
        <p className="muted" data-testid="metrics-empty">
          {status === 'error' ? 'No results: the simulation failed (see the timeline).' : 'Computing the first frame…'}
        </p>
      )}
      {snapshot && (
        <>
          <OrganWarnings />
          <Rows rows={coverageRows(plan, snapshot, pictureSpacing === null ? null : { mm: viewMm, spacingMm: pictureSpacing })} testId="coverage" />
          <h3>Isotherm volumes</h3>
          <Rows rows={isothermRows(plan, snapshot)} testId="isotherms" />
          {marginHistogramRows(plan, bands).length > 0 && (
            <>
              <h3>Margin over the tumour surface</h3>
              <Rows rows={marginHistogramRows(plan, bands)} testId="margin-histogram" />
            </>
          )}
        </>
      )}
    </section>
  );
}

function OrganWarnings() {
  const plan = usePlan((s) => s.plan);
  const record = useSim(displayedRecord);
  if (!record) return null;
  const warnings = organWarnings(plan, record.snapshot);
  if (warnings.length === 0) {
    return plan.structures.length > 0 ? <p className="ok-line" data-testid="organ-ok">No structure frozen</p> : null;
  }
  return (
    <ul className="organ-warnings" role="alert" data-testid="organ-warnings">
      {warnings.map((w) => <li key={w.structure} className={w.severity}>{w.message}</li>)}
    </ul>
  );
}
