import { useMemo, type CSSProperties } from 'react';
import { UPlotChart, type ChartSeries, type ChartShade } from './UPlotChart.tsx';
import { ABLATION_COLOR, isothermColor } from '../../scene/isoStyle.ts';

export interface VolumeChartProps {
  /** Sample times [s], ascending. */
  t_s: ArrayLike<number>;
  /** Ice-ball volume inside each isotherm [ml], aligned with t_s; level 'lethal' = ablation zone. */
  volumes: { level_C: number | 'lethal'; ml: ArrayLike<number> }[];
  markerT_s?: number | null;
  /** The time axis's end [s] (the protocol's); the data's last time when undefined. */
  xEndS?: number;
  /** The part of the curves a coarse preview gives, shaded and labelled. */
  shade?: ChartShade | null;
  height?: number;
  className?: string;
  style?: CSSProperties;
}

/** Ice-ball volume within the 0 / -20 / -40 °C isotherms over time (uPlot; setData updates). */
export function VolumeChart({ t_s, volumes, markerT_s, xEndS, shade, height = 180, className, style }: VolumeChartProps) {
  const series: ChartSeries[] = useMemo(() => volumes.map((v) => ({
    label: v.level_C === 'lethal' ? 'lethal zone' : `${v.level_C} °C`,
    color: v.level_C === 'lethal' ? ABLATION_COLOR : isothermColor(v.level_C),
    dash: v.level_C === 'lethal' ? [6, 3] : undefined,
    values: v.ml,
  })), [volumes]);
  return <UPlotChart t_s={t_s} series={series} yLabel="volume (ml)" markerT_s={markerT_s} xEndS={xEndS} shade={shade}
    height={height} className={className} style={style} />;
}
