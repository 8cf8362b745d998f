import { useEffect, useLayoutEffect, useRef, type CSSProperties } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMinSec, timeTicks } from './chartFormat.ts';
import { rasterizeNow, useRedrawScheduler } from './redrawScheduler.ts';

export interface ChartSeries {
  label: string;
  color: string;
  values: ArrayLike<number>;
  dash?: number[];
}

interface Props {
  t_s: ArrayLike<number>;
  series: ChartSeries[];
  yLabel: string;
  /** Fixed y range, or undefined for auto. */
  yRange?: [number, number];
  /** The x axis's span [s] (the whole protocol), or undefined for the data's. */
  xEndS?: number;
  /** Vertical marker at this time [s] (the timeline position). */
  markerT_s?: number | null;
  /** Horizontal reference lines (value, colour), e.g. 0 °C and the lethal threshold. */
  refLines?: { value: number; color: string }[];
  /** Shades the plot from this time [s] on, labelled (the part of the curves a coarse preview gives). */
  shade?: ChartShade | null;
  height?: number;
  className?: string;
  style?: CSSProperties;
}

export interface ChartShade {
  fromS: number;
  label: string;
}

const AXIS = { stroke: '#9fb3c8', grid: { stroke: 'rgba(159,179,200,0.12)', width: 1 }, ticks: { stroke: 'rgba(159,179,200,0.25)', width: 1 } };

function toData(t: ArrayLike<number>, series: ChartSeries[]): uPlot.AlignedData {
  return [Array.from(t), ...series.map((s) => Array.from(s.values) as (number | null)[])];
}

/**
 * Thin uPlot wrapper: the chart is created once per series layout (labels/colours) and fed new
 * data with setData; resizing follows the container.
 */
export function UPlotChart({ t_s, series, yLabel, yRange, xEndS, markerT_s, refLines, shade, height = 180, className, style }: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const marker = useRef<number | null>(markerT_s ?? null);
  const refs = useRef(refLines ?? []);
  const shadeRef = useRef(shade ?? null);
  shadeRef.current = shade ?? null;
  const xEnd = useRef(xEndS);
  xEnd.current = xEndS;
  marker.current = markerT_s ?? null;
  refs.current = refLines ?? [];
  const layoutKey = series.map((s) => `${s.label}|${s.color}|${(s.dash ?? []).join(',')}`).join(';') + `|${yLabel}|${yRange?.join(',') ?? ''}|${height}`;
  const latest = useRef({ t_s, series });
  latest.current = { t_s, series };

  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const { t_s: t0, series: s0 } = latest.current;
    const opts: uPlot.Options = {
      width: Math.max(100, el.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      // Ranges that exist without data too: the chart stays up while a new run has none yet.
      scales: {
        x: { time: false, range: (_u, min, max) => (xEnd.current !== undefined ? [0, xEnd.current] : min == null ? [0, 1] : [min, max]) },
        y: yRange ? { range: yRange } : { auto: true, range: (_u, min, max) => (min == null ? [0, 1] : uPlot.rangeNum(min, max, 0.1, true)) },
      },
      axes: [
        { ...AXIS, values: (_u, ticks) => ticks.map(formatMinSec), splits: (_u, _ax, min, max) => timeTicks(min, max), label: 'time (min:s)', labelSize: 16, font: '11px system-ui', labelFont: '11px system-ui' },
        { ...AXIS, label: yLabel, labelSize: 16, size: 44, space: 18, font: '11px system-ui', labelFont: '11px system-ui' },
      ],
      series: [
        { label: 't', value: (_u, v) => (v == null ? '–' : formatMinSec(v)) },
        ...s0.map((s) => ({ label: s.label, stroke: s.color, width: 1.8, dash: s.dash, points: { show: false },
          value: (_u: uPlot, v: number | null) => (v == null ? '–' : v.toFixed(1)) })),
      ],
      hooks: {
        draw: [(u) => {
          const ctx = u.ctx;
          const { left, top, width, height: h } = u.bbox;
          ctx.save();
          const sh = shadeRef.current;
          const x0 = sh ? Math.max(left, u.valToPos(sh.fromS, 'x', true)) : Infinity;
          if (sh && x0 < left + width) {
            ctx.fillStyle = 'rgba(159,179,200,0.08)';
            ctx.fillRect(x0, top, left + width - x0, h);
            ctx.setLineDash([3, 3]);
            ctx.strokeStyle = 'rgba(159,179,200,0.5)';
            ctx.lineWidth = uPlot.pxRatio;
            ctx.beginPath();
            ctx.moveTo(x0, top);
            ctx.lineTo(x0, top + h);
            ctx.stroke();
            ctx.fillStyle = 'rgba(214,222,232,0.85)';
            ctx.font = `${10 * uPlot.pxRatio}px system-ui`;
            ctx.textBaseline = 'top';
            // In the shaded part: against its right edge when it is narrow, else after its start.
            const narrow = x0 > left + width / 2;
            ctx.textAlign = narrow ? 'right' : 'left';
            ctx.fillText(sh.label, narrow ? left + width - 3 * uPlot.pxRatio : x0 + 3 * uPlot.pxRatio, top + 2 * uPlot.pxRatio);
          }
          for (const r of refs.current) {
            const y = u.valToPos(r.value, 'y', true);
            if (y < top || y > top + h) continue;
            ctx.strokeStyle = r.color;
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath();
            ctx.moveTo(left, y);
            ctx.lineTo(left + width, y);
            ctx.stroke();
          }
          const m = marker.current;
          if (m !== null) {
            const x = u.valToPos(m, 'x', true);
            if (x >= left && x <= left + width) {
              ctx.setLineDash([]);
              ctx.strokeStyle = 'rgba(255,213,74,0.8)';
              ctx.lineWidth = 1.5;
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, top + h);
              ctx.stroke();
            }
          }
          ctx.restore();
          // The chart's draw ends here (uPlot draws in a microtask of the task that asked it to):
          // rasterize in this task, not in the page's paint.
          rasterizeNow(ctx);
        }],
      },
    };
    const u = cpuBackedUPlot(opts, toData(t0, s0), el);
    chart.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(100, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [layoutKey]);

  // New data: setData on the existing chart (it draws with the current marker, lines and shade);
  // else only those changed: a redraw without touching the data. One draw a commit (a run's frame
  // brings new data and a new marker or shade together), in a task of its own (RedrawScheduler).
  const redraws = useRedrawScheduler();
  const drawn = useRef<{ chart: uPlot; t_s: ArrayLike<number>; series: ChartSeries[] } | null>(null);
  useEffect(() => {
    redraws.current?.request(() => {
      const u = chart.current;
      if (!u) return;
      const d = drawn.current;
      if (d && d.chart === u && d.t_s === t_s && d.series === series) {
        u.redraw(false, false);
        return;
      }
      u.setData(toData(t_s, series));
      drawn.current = { chart: u, t_s, series };
    });
  }, [t_s, series, markerT_s, refLines, shade?.fromS, shade?.label]);

  return <div ref={wrap} className={className} style={{ width: '100%', color: '#d6dee8', font: '11px system-ui', ...style }} />;
}

/**
 * A uPlot chart whose canvas is CPU-backed (willReadFrequently), as the slice views' are. uPlot
 * makes the 2D context itself, so the option is added to its getContext call here. Accelerated,
 * the chart's redraw at a frame's arrival made the page wait ~0.5 s on GPU backpressure under
 * software GL (a trace: CanvasRenderingContext2D::FinalizeFrame, SharedContextRateLimiter).
 */
function cpuBackedUPlot(opts: uPlot.Options, data: uPlot.AlignedData, el: HTMLElement): uPlot {
  const proto = HTMLCanvasElement.prototype;
  const getContext = proto.getContext;
  const cpuBacked = function (this: HTMLCanvasElement, type: string, options?: object) {
    return getContext.call(this, type, type === '2d' ? { ...options, willReadFrequently: true } : options);
  };
  proto.getContext = cpuBacked as typeof proto.getContext;
  try {
    return new uPlot(opts, data, el);
  } finally {
    proto.getContext = getContext;
  }
}
