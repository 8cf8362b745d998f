import type { FramePicture } from '../../engine/workerApi.ts';

/**
 * Frames of fewer cells go to every view at once. A drag's previews (2 mm: the liver's 79 k cells
 * against 627 k at 1 mm) are cheap to draw and come every 60 ms from runs that start over every
 * 120 ms; staggered, on this machine's animation frames of ~100 ms under software GL, the axial
 * and coronal views drew little but each new preview's first, ice-free frame while the drag went
 * on (seen in screenshots of both the session 19 and 20 builds). Drawing them costs the page: a
 * scripted 12-step drag in the axial view took 10.3-11.1 s to play out with 20-21 tasks over 50 ms,
 * against 8.5-9.8 s and 16-19 when those views skipped the previews (3 runs each).
 */
export const STAGGER_MIN_CELLS = 200_000;

/**
 * Animation frames a slice view waits before drawing `next` after having drawn `prev`: `axis`
 * (0, 1, 2) when `next` is a later frame of the run that streamed `prev`, else 0. A run's frame
 * reaches the three slice views and the 3D view at once; drawn one animation frame apart, no
 * display frame holds the 3D view's upload and render, three slice draws and the page's paint of
 * all of them (with software GL such a frame made a task of 50-67 ms in 4 of 7 renal 1 mm runs;
 * staggered, none in 18). A new run's first frame, a scrubbed picture, interaction and frames of
 * fewer than STAGGER_MIN_CELLS cells draw at once, so the views never show different runs for
 * longer than one animation frame.
 */
export function sliceDrawDelay(axis: number, prev: FramePicture | null, next: FramePicture | null): number {
  const sameRun = prev !== null && next !== null && 'runId' in prev && 'runId' in next && prev.runId === next.runId;
  const heavy = next !== null && next.grid.dims[0] * next.grid.dims[1] * next.grid.dims[2] >= STAGGER_MIN_CELLS;
  return sameRun && heavy && next.t_s > prev.t_s ? axis : 0;
}
