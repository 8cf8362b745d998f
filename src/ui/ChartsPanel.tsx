/**
 * Charts over the run so far, from the simulation store's metric history: ice-ball volumes per
 * isotherm and, when the plan has virtual thermocouples, their temperatures. A marker follows
 * the timeline position. While a run refines a preview, the preview's records go on after the
 * run's newest time (`chartRecords`), shaded and labelled in the plots.
 */

import { useMemo } from 'react';
import { chartRecords, shownTimeS } from '../store/simulationStore.ts';
import { SensorChart } from './views/SensorChart.tsx';
import { VolumeChart } from './views/VolumeChart.tsx';
import { usePlan, useSim, useView } from './context.tsx';
import { fmt } from './format.ts';

const LEVELS = [0, -20, -40];

export function ChartsPanel() {
  const history = useSim((s) => s.history);
  const previewHistory = useSim((s) => s.preview?.history ?? null);
  const previewMm = useSim((s) => s.preview?.spacingMm ?? null);
  const runLatestS = useSim((s) => s.latest?.t_s ?? null);
  const records = useMemo(() => chartRecords(history, previewHistory, runLatestS), [history, previewHistory, runLatestS]);
  const previewFromS = previewHistory !== null && records !== history ? runLatestS ?? 0 : null;
  // The preview's part of the curves is shaded in the plot (a note in the heading would shift the
  // panel when the refinement ends).
  const shade = useMemo(() => (previewFromS === null ? null : { fromS: previewFromS, label: `${previewMm} mm preview` }), [previewFromS, previewMm]);
  const marker = useSim((s) => (s.following && !s.latest && !s.preview ? null : shownTimeS(s)));
  const lethal = usePlan((s) => s.plan.lethal_C);
  // The protocol's end, once a run has one (0 before the first).
  const xEndS = useSim((s) => (s.endS > 0 ? s.endS : undefined));
  const sensorNames = usePlan((s) => s.plan.sensors.map((x) => x.name).join('\u0000'));
  const data = useMemo(() => {
    const t = new Float64Array(records.length);
    const volumes = LEVELS.map((level_C) => ({ level_C, ml: new Float64Array(records.length) }));
    const names = sensorNames ? sensorNames.split('\u0000') : [];
    const sensors = names.map((name) => ({ name, T_C: new Float64Array(records.length) }));
    records.forEach((r, i) => {
      t[i] = r.t_s;
      for (const v of volumes) v.ml[i] = r.snapshot.isotherms[String(v.level_C)]?.volume_ml ?? Number.NaN;
      for (const s of sensors) s.T_C[i] = r.sensors_C[s.name] ?? Number.NaN;
    });
    return { t, volumes, sensors };
  }, [records, sensorNames]);
  // The charts stay mounted from run to run (a new run empties them): making a chart reads the
  // page's layout, which at a run's first frame cost a 5-34 ms forced layout on software GL.
  // Their time axis spans the whole protocol, so curves grow into it instead of rescaling.
  return (
    <section className="panel charts" aria-label="Charts" data-testid="charts" data-preview-from-s={previewFromS ?? undefined}>
      <h3>Ice-ball volume <span className="unit">ml</span></h3>
      <VolumeChart t_s={data.t} volumes={data.volumes} markerT_s={marker} xEndS={xEndS} shade={shade} height={130} />
      <h3>Thermocouples <span className="unit">°C</span></h3>
      {data.sensors.length > 0 && (
        <SensorChart t_s={data.t} sensors={data.sensors} lethal_C={lethal} markerT_s={marker} xEndS={xEndS} shade={shade} height={130} />
      )}
      <SensorList />
    </section>
  );
}

/** The plan's virtual thermocouples: place one by clicking a slice, remove any. */
function SensorList() {
  const sensors = usePlan((s) => s.plan.sensors);
  const removeSensor = usePlan((s) => s.removeSensor);
  const placing = useView((s) => s.placingSensor);
  const setPlacing = useView((s) => s.setPlacingSensor);
  return (
    <div className="sensor-list" data-testid="sensor-list">
      <button type="button" className="btn" aria-pressed={placing} onClick={() => setPlacing(!placing)} data-testid="place-sensor">
        {placing ? 'Click a slice to place it… (cancel)' : '+ Place thermocouple'}
      </button>
      <ul>
        {sensors.map((x) => (
          <li key={x.name}>
            <span>
              <strong>{x.name}</strong> at ({x.at_mm.map((v) => fmt(v, 1)).join(', ')}) mm
            </span>
            <button type="button" className="btn btn--icon" aria-label={`Remove ${x.name}`} onClick={() => removeSensor(x.name)}>×</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
