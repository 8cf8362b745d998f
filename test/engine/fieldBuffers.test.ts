import { describe, expect, it } from 'vitest';
import { FieldBufferPool, fieldBuffersOf } from '../../src/engine/fieldBuffers.ts';
import type { FramePicture } from '../../src/engine/workerApi.ts';

describe('field buffer pool', () => {
  it('copies into a kept buffer of the same size, else into a new one', () => {
    const pool = new FieldBufferPool(2);
    const field = new Float32Array([1, 2, 3, 4]);
    const kept = new ArrayBuffer(16);
    pool.give([new ArrayBuffer(8), kept]);
    const copy = pool.copyOf(field);
    expect(copy.buffer).toBe(kept);
    expect([...copy]).toEqual([1, 2, 3, 4]);
    // The 16-byte buffer is in use now: the next copy gets a new one.
    const next = pool.copyOf(field);
    expect(next.buffer).not.toBe(kept);
    expect([...next]).toEqual([1, 2, 3, 4]);
  });
  it('ignores detached buffers and keeps only the newest up to its capacity', () => {
    const pool = new FieldBufferPool(2);
    const detached = new ArrayBuffer(16);
    structuredClone(detached, { transfer: [detached] });
    const [a, b, c] = [new ArrayBuffer(16), new ArrayBuffer(16), new ArrayBuffer(16)];
    pool.give([detached, a, b, c]);
    const field = new Float32Array(4);
    const got = [pool.copyOf(field).buffer, pool.copyOf(field).buffer, pool.copyOf(field).buffer];
    expect(got[0]).toBe(b);
    expect(got[1]).toBe(c);
    expect([a, b, c, detached]).not.toContain(got[2]);
  });
  it('names a frame\'s two field buffers, none that went already', () => {
    const frame: FramePicture = {
      t_s: 0, grid: { dims: [2, 1, 1], spacingMm: 1, originMm: [0, 0, 0] }, isosurfaces: [],
      temperature_C: new Float32Array(2), minTemperature_C: new Float32Array(2),
    };
    const both = fieldBuffersOf(frame);
    expect(both.length === 2 && both[0] === frame.temperature_C.buffer && both[1] === frame.minTemperature_C.buffer).toBe(true);
    structuredClone(frame.temperature_C.buffer, { transfer: [frame.temperature_C.buffer] });
    const left = fieldBuffersOf(frame);
    expect(left.length === 1 && left[0] === frame.minTemperature_C.buffer).toBe(true);
  });
});
