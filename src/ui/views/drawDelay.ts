import type { FramePicture } from '../../engine/workerApi.ts';

/**
 * Animation frames a slice view waits before drawing `next` after having drawn `prev`: `axis`
 * (0, 1, 2) when `next` is a later frame of the run that streamed `prev`, else 0. A run's frame
 * reaches the three slice views and the 3D view at once; drawn one animation frame apart, no
 * display frame holds the 3D view's upload and render, three slice draws and the page's paint of
 * all of them (with software GL such a frame made a task of 50-67 ms in 4 of 7 renal 1 mm runs;
 * staggered, none in 18). A new run's first frame, a scrubbed picture and interaction draw at
 * once, so the views never show different runs for longer than one animation frame.
 */
export function sliceDrawDelay(axis: number, prev: FramePicture | null, next: FramePicture | null): number {
  const sameRun = prev !== null && next !== null && 'runId' in prev && 'runId' in next && prev.runId === next.runId;
  return sameRun && next.t_s > prev.t_s ? axis : 0;
}
