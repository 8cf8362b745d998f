import { describe, expect, it } from 'vitest';
import { FrameBufferPool, fieldBuffersOf, sampleBuffersOf, surfaceBuffersOf } from '../../src/engine/frameBuffers.ts';
import type { FramePicture, IsosurfaceBuffers } from '../../src/engine/workerApi.ts';

function detach(b: ArrayBufferLike): void {
  structuredClone(b, { transfer: [b as ArrayBuffer] });
}

describe('frame buffer pool', () => {
  it('copies a field into the smallest kept buffer large enough, else into a new one of its size', () => {
    const pool = new FrameBufferPool(4);
    const field = new Float32Array([1, 2, 3, 4]);
    const [small, exact, large] = [new ArrayBuffer(8), new ArrayBuffer(16), new ArrayBuffer(64)];
    pool.give([large, small, exact]);
    const first = pool.copyOf(field);
    expect(first.buffer).toBe(exact);
    expect([...first]).toEqual([1, 2, 3, 4]);
    const second = pool.copyOf(field);
    expect(second.buffer).toBe(large);
    expect(second.length).toBe(4);
    expect([...second]).toEqual([1, 2, 3, 4]);
    const third = pool.copyOf(field);
    expect(third.buffer === small || third.buffer === exact || third.buffer === large).toBe(false);
    expect(third.buffer.byteLength).toBe(16);
  });
  it('ignores detached buffers and keeps only the newest up to its capacity', () => {
    const pool = new FrameBufferPool(2);
    const detached = new ArrayBuffer(16);
    detach(detached);
    const [a, b, c] = [new ArrayBuffer(16), new ArrayBuffer(16), new ArrayBuffer(16)];
    pool.give([detached, a, b, c]);
    const field = new Float32Array(4);
    const got = [pool.copyOf(field).buffer, pool.copyOf(field).buffer, pool.copyOf(field).buffer];
    expect(got[0] === b || got[0] === c).toBe(true);
    expect(got[1] === b || got[1] === c).toBe(true);
    expect(got[0]).not.toBe(got[1]);
    expect(got[2] === a || got[2] === b || got[2] === c).toBe(false);
  });
  it('copies a surface into one buffer, each array exactly its length, new ones with room to grow', () => {
    const pool = new FrameBufferPool();
    const positions = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const normals = new Int8Array([1, -2, 3, 4, -5, 6, 7, 8, -9]);
    const indices = new Uint32Array([0, 1, 2]);
    const s = pool.copySurface(positions, normals, indices);
    expect([...s.positions]).toEqual([...positions]);
    expect([...s.normals]).toEqual([...normals]);
    expect([...s.indices]).toEqual([...indices]);
    expect(s.normals.buffer).toBe(s.positions.buffer);
    expect(s.indices.buffer).toBe(s.positions.buffer);
    const bytes = positions.byteLength + indices.byteLength + normals.byteLength;
    expect(s.positions.buffer.byteLength).toBeGreaterThanOrEqual(1.25 * bytes);
    // Handed back, it takes a slightly larger surface.
    pool.give([s.positions.buffer as ArrayBuffer]);
    const grown = pool.copySurface(new Float32Array(12), new Int8Array(12), new Uint32Array(3));
    expect(grown.positions.buffer).toBe(s.positions.buffer);
    expect(grown.positions.length).toBe(12);
  });
  it("names a frame's field buffers and its surfaces' of T, each once, none that went already", () => {
    const surface = (field: 'current' | 'ablation', shared: boolean): IsosurfaceBuffers => {
      const buf = new ArrayBuffer(64);
      return shared
        ? { level_C: 0, field, positions: new Float32Array(buf, 0, 3), indices: new Uint32Array(buf, 12, 3), normals: new Int8Array(buf, 24, 3) }
        : { level_C: 0, field, positions: new Float32Array(3), indices: new Uint32Array(3), normals: new Int8Array(3) };
    };
    const frame: FramePicture = {
      t_s: 0, grid: { dims: [2, 1, 1], spacingMm: 1, originMm: [0, 0, 0] },
      isosurfaces: [surface('current', true), surface('current', false), surface('ablation', true)],
      temperature_C: new Float32Array(2), minTemperature_C: new Float32Array(2),
    };
    const fields = fieldBuffersOf(frame);
    expect(fields.length === 2 && fields[0] === frame.temperature_C.buffer && fields[1] === frame.minTemperature_C.buffer).toBe(true);
    const [one, two, ablation] = frame.isosurfaces;
    const surfaces = surfaceBuffersOf(frame);
    expect(surfaces.length).toBe(4);
    expect(surfaces[0]).toBe(one.positions.buffer);
    const expected = [one.positions.buffer, two.positions.buffer, two.normals.buffer, two.indices.buffer];
    expect(expected.every((b) => surfaces.includes(b as ArrayBuffer))).toBe(true);
    expect(surfaces).not.toContain(ablation.positions.buffer);
    detach(frame.temperature_C.buffer);
    detach(one.positions.buffer);
    const left = fieldBuffersOf(frame);
    expect(left.length === 1 && left[0] === frame.minTemperature_C.buffer).toBe(true);
    expect(surfaceBuffersOf(frame).length).toBe(3);
  });
  it("keeps samples' field buffers apart from frames', of one size, up to their own capacity", () => {
    const pool = new FrameBufferPool(4, 2);
    const frameBuffer = new ArrayBuffer(8);
    const [a, b, c] = [new ArrayBuffer(8), new ArrayBuffer(8), new ArrayBuffer(8)];
    pool.give([frameBuffer]);
    pool.giveSamples([a, b, c]);
    // Capacity 2: the oldest (a) went; a frame's buffer is never a sample's.
    const got = [pool.sampleField(4).buffer, pool.sampleField(4).buffer];
    expect(got[0]).not.toBe(got[1]);
    expect(got.includes(b) && got.includes(c)).toBe(true);
    const fresh = pool.sampleField(4);
    expect(fresh.buffer === a || fresh.buffer === frameBuffer || got.includes(fresh.buffer)).toBe(false);
    expect(fresh.length).toBe(4);
    expect(pool.copyOf(new Float32Array(2)).buffer).toBe(frameBuffer);
    // Only a buffer of the field's size; another plan's size drops those kept.
    const [small, other] = [new ArrayBuffer(8), new ArrayBuffer(16)];
    pool.giveSamples([small]);
    expect(pool.sampleField(8).buffer).not.toBe(small);
    pool.giveSamples([other]);
    expect(pool.sampleField(4).buffer).not.toBe(small);
    expect(pool.sampleField(8).buffer).toBe(other);
  });
  it("names samples' field buffers, each once, none that went already", () => {
    const shared = new ArrayBuffer(16);
    const samples = [
      { temperature_cC: new Int16Array(shared, 0, 4), minTemperature_cC: new Int16Array(shared, 8, 4) },
      { temperature_cC: new Int16Array(4), minTemperature_cC: new Int16Array(4) },
    ];
    const buffers = sampleBuffersOf(samples);
    expect(buffers.length).toBe(3);
    [shared, samples[1].temperature_cC.buffer, samples[1].minTemperature_cC.buffer].forEach((b, i) => expect(buffers[i]).toBe(b));
    detach(shared);
    expect(sampleBuffersOf(samples).length).toBe(2);
  });
});
