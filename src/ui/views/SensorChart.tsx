import { useMemo, type CSSProperties } from 'react';
import { UPlotChart, type ChartSeries, type ChartShade } from './UPlotChart.tsx';
import { SERIES_COLORS } from './chartFormat.ts';

export interface SensorChartProps {
  /** Sample times [s], ascending. */
  t_s: ArrayLike<number>;
  /** One trace per virtual thermocouple, aligned with t_s [°C]. */
  sensors: { name: string; T_C: ArrayLike<number> }[];
  /** Lethal threshold drawn as a reference line [°C]. */
  lethal_C?: number;
  /** Timeline position [s]. */
  markerT_s?: number | null;
  /** The time axis's end [s] (the protocol's); the data's last time when undefined. */
  xEndS?: number;
  /** The part of the curves a coarse preview gives, shaded and labelled. */
  shade?: ChartShade | null;
  height?: number;
  className?: string;
  style?: CSSProperties;
}

/** Virtual thermocouple temperatures over time (uPlot; data updated with setData). */
export function SensorChart({ t_s, sensors, lethal_C, markerT_s, xEndS, shade, height = 180, className, style }: SensorChartProps) {
  const series: ChartSeries[] = useMemo(
    () => sensors.map((s, i) => ({ label: s.name, color: SERIES_COLORS[i % SERIES_COLORS.length], values: s.T_C })),
    [sensors],
  );
  const refLines = useMemo(() => {
    const r = [{ value: 0, color: 'rgba(216,241,255,0.5)' }];
    if (lethal_C !== undefined) r.push({ value: lethal_C, color: 'rgba(224,64,200,0.7)' });
    return r;
  }, [lethal_C]);
  return <UPlotChart t_s={t_s} series={series} yLabel="temperature (°C)" refLines={refLines}
    markerT_s={markerT_s} xEndS={xEndS} shade={shade} height={height} className={className} style={style} />;
}
