/** Test-only page: renders the views with a synthetic frame for the screenshot test. */
import { StrictMode, useEffect, useState } from 'react';
import { useThree } from '@react-three/fiber';
import { Vector3 } from 'three';
import { createRoot } from 'react-dom/client';
import { Viewport3D } from '../../src/scene/Viewport3D.tsx';
import { SliceView } from '../../src/ui/views/SliceView.tsx';
import { SensorChart } from '../../src/ui/views/SensorChart.tsx';
import { VolumeChart } from '../../src/ui/views/VolumeChart.tsx';
import type { Vec3 } from '../../src/plan/types.ts';
import { syntheticFrame, samplePlan, temperatureAt, radiusOf, ICE_CENTRE } from './syntheticFrame.ts';

const params = new URLSearchParams(location.search);
const clip = params.get('clip') === '1';
const frame = syntheticFrame(-40, 600);

// Sensor and volume curves: the ice ball grows as sqrt(t).
const t_s: number[] = [];
for (let t = 0; t <= 600; t += 10) t_s.push(t);
const grow = (t: number) => Math.sqrt(t / 600);
const dist = (p: Vec3) => Math.hypot(p[0] - ICE_CENTRE[0], p[1] - ICE_CENTRE[1], p[2] - ICE_CENTRE[2]);
const sensors = samplePlan.sensors.map((s) => ({
  name: s.name,
  T_C: t_s.map((t) => (t === 0 ? 37 : Math.max(temperatureAt(dist(s.at_mm) / grow(t)), -150))),
}));
const vol = (level: number) => t_s.map((t) => (4 / 3) * Math.PI * Math.pow(radiusOf(level) * grow(t), 3) / 1000);
const volumes = [
  { level_C: 0, ml: vol(0) }, { level_C: -20, ml: vol(-20) }, { level_C: -40, ml: vol(-40) },
  { level_C: 'lethal' as const, ml: vol(-37) },
];

type TestWindow = Window & {
  marginStats?: unknown; drags?: unknown[]; cursor?: Vec3; project?: (mm: Vec3) => [number, number];
};
const tw = window as TestWindow;
tw.drags = [];

/** Exposes mm → canvas CSS px for the drag test. */
function Projector() {
  const camera = useThree((s) => s.camera);
  const size = useThree((s) => s.size);
  useEffect(() => {
    tw.project = (mm) => {
      const v = new Vector3(mm[0], mm[1], mm[2]).project(camera);
      return [(v.x + 1) / 2 * size.width, (1 - v.y) / 2 * size.height];
    };
  }, [camera, size]);
  return null;
}

function App() {
  const [cursor, setCursor] = useState<Vec3>([0, 0, 0]);
  useEffect(() => { tw.cursor = cursor; }, [cursor]);
  const [selected, setSelected] = useState<string | null>('P1');
  return (
    <>
      <div className="cell" style={{ width: 800, height: 600 }} data-testid="viewport3d">
        <Viewport3D plan={samplePlan} frame={frame} selectedProbeId={selected}
          clip={{ enabled: clip, axis: 1, positionMm: 2 }} lethal_C={-40} margin_mm={5}
          onSelectProbe={setSelected} onProbeDrag={(id, handle, mm, phase) => { tw.drags!.push({ id, handle, mm, phase }); }}
          onMarginStats={(s) => { tw.marginStats = s; }}>
          <Projector />
        </Viewport3D>
      </div>
      <div style={{ display: 'grid', gridTemplateRows: '1fr 1fr', gap: 6 }}>
        <div className="cell" style={{ height: 297 }}>
          <SliceView axis={2} frame={frame} plan={samplePlan} cursorMm={cursor} lethal_C={-40} onCursor={setCursor}
            selectedProbeId={selected} onSelectProbe={setSelected} onProbeDrag={() => undefined} />
        </div>
        <div className="cell" style={{ height: 297 }}>
          <SliceView axis={1} frame={frame} plan={samplePlan} cursorMm={cursor} lethal_C={-40} onCursor={setCursor}
            selectedProbeId={selected} />
        </div>
      </div>
      <div className="cell" style={{ height: 300 }}>
        <SliceView axis={0} frame={frame} plan={samplePlan} cursorMm={cursor} lethal_C={-40} onCursor={setCursor}
          selectedProbeId={selected} />
      </div>
      <div style={{ display: 'grid', gap: 6 }}>
        <div className="cell" data-testid="sensor-chart"><SensorChart t_s={t_s} sensors={sensors} lethal_C={-40} markerT_s={420} height={150} /></div>
        <div className="cell" data-testid="volume-chart"><VolumeChart t_s={t_s} volumes={volumes} markerT_s={420} height={150} /></div>
      </div>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
(window as unknown as { fixtureReady: boolean }).fixtureReady = true;
