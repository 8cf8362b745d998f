/**
 * The picture: the 3D view and the axial / coronal / sagittal slices, fed from the stores. Probe
 * drags in any view are one gesture each (one undo step, coarse runs while it lasts).
 */

import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { FramePicture } from '../engine/workerApi.ts';
import type { Vec3 } from '../plan/types.ts';
import { Viewport3D, type DragPhase, type ProbeHandle, type VisibleLevel } from '../scene/Viewport3D.tsx';
import { SliceView } from './views/SliceView.tsx';
import { displayedFrame } from '../store/simulationStore.ts';
import type { Axis } from '../store/viewStore.ts';
import { useApp, usePlan, useSim, useView } from './context.tsx';
import { fmt } from './format.ts';

const AXIS_INDEX: Record<Axis, 0 | 1 | 2> = { x: 0, y: 1, z: 2 };
const SLICES: { axis: 0 | 1 | 2; name: string; plane: string }[] = [
  { axis: 2, name: 'Axial', plane: 'z' },
  { axis: 1, name: 'Coronal', plane: 'y' },
  { axis: 0, name: 'Sagittal', plane: 'x' },
];
const TOGGLE_LEVELS = [0, -20, -40];

function useProbeDrag() {
  const { plan } = useApp();
  const lastMove = useRef<{ probeId: string; handle: ProbeHandle; positionMm: Vec3 } | null>(null);
  return useCallback((probeId: string, handle: ProbeHandle, positionMm: Vec3, phase: DragPhase) => {
    const s = plan.getState();
    if (phase === 'start') s.beginGesture();
    // A release where the last move left the probe is no edit: the plan stays the one the drag's
    // last preview ran.
    const last = lastMove.current;
    const unmoved = phase === 'end' && last !== null && last.probeId === probeId && last.handle === handle &&
      last.positionMm.every((v, i) => v === positionMm[i]);
    if (!unmoved) {
      if (handle === 'tip') s.setProbeTip(probeId, positionMm);
      else s.setProbeEntry(probeId, positionMm);
    }
    lastMove.current = phase === 'end' ? null : { probeId, handle, positionMm };
    if (phase === 'end') plan.getState().endGesture();
  }, [plan]);
}

export function ViewsRegion() {
  const { sim, services } = useApp();
  const plan = usePlan((s) => s.plan);
  const documentId = usePlan((s) => s.documentId);
  const selectedProbeId = usePlan((s) => s.selectedProbeId);
  const selectProbe = usePlan((s) => s.selectProbe);
  const entryLengthsMm = usePlan((s) => s.entryLengthMm);
  const frame = useSim(displayedFrame);
  // A frame the engine sent (it has a runId; scrubbed pictures do not) gives its buffers back
  // once nothing draws from them, unless it is still the newest or the preview's newest (the
  // timeline can follow it again): its fields once every view shows another picture (this
  // effect's cleanup runs after they all committed it, and after their pending draws of this frame
  // were cancelled), its surfaces of T once the 3D view's geometry holds the next frame's.
  const releasable = useCallback((f: FramePicture) => {
    const s = sim.getState();
    return 'runId' in f && f !== s.latest && f !== s.preview?.latest;
  }, [sim]);
  useEffect(() => () => {
    if (frame && releasable(frame)) services.releaseFields(frame);
  }, [frame, releasable, services]);
  const onSurfacesLeft = useCallback((f: FramePicture) => {
    if (releasable(f)) services.releaseSurfaces(f);
  }, [releasable, services]);
  const cursor = useView((s) => s.sliceCursorMm);
  const clip = useView((s) => s.clip);
  const levels = useView((s) => s.visibleIsotherms_C);
  const showAblation = useView((s) => s.showAblation);
  const setSliceCursor = useView((s) => s.setSliceCursor);
  const placingSensor = useView((s) => s.placingSensor);
  const setPlacingSensor = useView((s) => s.setPlacingSensor);
  const addSensor = usePlan((s) => s.addSensor);
  // A slice click moves the cursor; in placing mode it also drops a thermocouple there.
  const onSliceClick = useCallback((mm: Vec3) => {
    setSliceCursor(mm);
    if (placingSensor) {
      addSensor(mm);
      setPlacingSensor(false);
    }
  }, [setSliceCursor, placingSensor, addSensor, setPlacingSensor]);
  const onProbeDrag = useProbeDrag();
  const onMarginStats = useCallback((stats: { counts: [number, number, number]; minSignedMm: number } | null) => {
    sim.getState().setMarginBands(stats);
  }, [sim]);
  const visibleLevels = useMemo<VisibleLevel[]>(() => (showAblation ? [...levels, 'ablation'] : [...levels]), [levels, showAblation]);
  const clip3d = useMemo(() => ({ enabled: clip.enabled, axis: AXIS_INDEX[clip.axis], positionMm: clip.offsetMm }), [clip]);

  return (
    <div className="views">
      <section className="view view--3d" aria-label="3D view" data-testid="view-3d">
        <Viewport3D
          plan={plan}
          frame={frame}
          selectedProbeId={selectedProbeId}
          clip={clip3d}
          visibleLevels={visibleLevels}
          lethal_C={plan.lethal_C}
          margin_mm={plan.margin_mm}
          onProbeDrag={onProbeDrag}
          onSelectProbe={selectProbe}
          onMarginStats={onMarginStats}
          onSurfacesLeft={onSurfacesLeft}
          viewKey={documentId}
          entryLengthsMm={entryLengthsMm}
        />
        <ViewToolbar />
      </section>
      <div className="slices">
        {SLICES.map((sl) => (
          <section key={sl.axis} className="view view--slice" aria-label={`${sl.name} slice`} data-testid={`slice-${sl.plane}`}>
            <h3 className="view__title visually-hidden">{sl.name} {sl.plane} = {fmt(cursor[sl.axis], 1)} mm</h3>
            <SliceView
              axis={sl.axis}
              frame={frame}
              plan={plan}
              cursorMm={cursor}
              lethal_C={plan.lethal_C}
              isoLevels_C={levels}
              showAblation={showAblation}
              selectedProbeId={selectedProbeId}
              onCursor={onSliceClick}
              onSelectProbe={selectProbe}
              onProbeDrag={onProbeDrag}
              entryLengthsMm={entryLengthsMm}
              className="slice-canvas"
            />
          </section>
        ))}
      </div>
    </div>
  );
}

/** Isotherm toggles and the clip plane of the 3D view. */
function ViewToolbar() {
  const levels = useView((s) => s.visibleIsotherms_C);
  const showAblation = useView((s) => s.showAblation);
  const clip = useView((s) => s.clip);
  const lethal = usePlan((s) => s.plan.lethal_C);
  const { toggleIsotherm, setShowAblation, setClip } = useView((s) => s);
  // The clip plane ranges over the simulated domain along its axis.
  const grid = useSim((s) => s.latest?.grid ?? null);
  const a = AXIS_INDEX[clip.axis];
  const lo = grid ? Math.floor(grid.originMm[a]) : -80;
  const hi = grid ? Math.ceil(grid.originMm[a] + (grid.dims[a] - 1) * grid.spacingMm) : 80;
  return (
    <div className="view-toolbar" role="toolbar" aria-label="3D view options">
      {TOGGLE_LEVELS.map((l) => (
        <button key={l} type="button" className="chip" aria-pressed={levels.includes(l)} onClick={() => toggleIsotherm(l)}>
          {fmt(l, 0)} °C
        </button>
      ))}
      <button type="button" className="chip" aria-pressed={showAblation} onClick={() => setShowAblation(!showAblation)}
        title="Cells whose lowest temperature so far reached the lethal threshold">
        lethal zone ({fmt(lethal, 0)} °C)
      </button>
      <span className="toolbar-sep" />
      <button type="button" className="chip" aria-pressed={clip.enabled} onClick={() => setClip({ enabled: !clip.enabled })}>Clip</button>
      {clip.enabled && (
        <>
          <label className="visually-hidden" htmlFor="clip-axis">Clip axis</label>
          <select id="clip-axis" value={clip.axis} onChange={(e) => setClip({ axis: e.target.value as Axis })}>
            <option value="x">x (R–L)</option>
            <option value="y">y (A–P)</option>
            <option value="z">z (I–S)</option>
          </select>
          <label className="visually-hidden" htmlFor="clip-pos">Clip position (mm)</label>
          <input id="clip-pos" type="range" min={lo} max={hi} step={1} value={Math.min(hi, Math.max(lo, clip.offsetMm))}
            onChange={(e) => setClip({ offsetMm: Number(e.target.value) })} />
          <span className="muted">{fmt(clip.offsetMm, 0)} mm</span>
        </>
      )}
    </div>
  );
}
