import { describe, expect, it } from 'vitest';
import { meshVolumeMl, type TriangleMesh } from '../../src/geometry/mesh.ts';
import { parseMeshFile, writeStl } from '../../src/geometry/meshFiles.ts';
import { cubeMesh } from './fixtures.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function ok(name: string, bytes: Uint8Array): TriangleMesh {
  const r = parseMeshFile(name, bytes);
  if (!r.ok) throw new Error(r.error);
  return r.mesh;
}
function err(name: string, bytes: Uint8Array): string {
  const r = parseMeshFile(name, bytes);
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

const cube = cubeMesh(10); // 1 ml, 8 vertices, 12 triangles

function asciiStl(m: TriangleMesh): string {
  let s = 'solid cube\n';
  for (let t = 0; t < m.indices.length; t += 3) {
    s += '  facet normal 0 0 0\n    outer loop\n';
    for (let k = 0; k < 3; k++) {
      const o = m.indices[t + k] * 3;
      s += `      vertex ${m.positions[o]} ${m.positions[o + 1]} ${m.positions[o + 2]}\n`;
    }
    s += '    endloop\n  endfacet\n';
  }
  return s + 'endsolid cube\n';
}

const objCube = `# cube as quads, mixed index forms
v 0 0 0
v 10 0 0
v 10 10 0
v 0 10 0
v 0 0 10
v 10 0 10
v 10 10 10
v 0 10 10
vt 0 0
vn 0 0 1
f 1 4 3 2
f 5/1 6/1 7/1 8/1
f 1//1 2//1 6//1 5//1
f -5/1/1 -1/1/1 -2/1/1 -6/1/1
f 1 5 8 4
f 2 3 7 6
`;

const plyHeader = (format: string): string => `ply
format ${format} 1.0
comment a unit cube
element vertex 8
property float x
property float y
property float z
element face 6
property list uchar int vertex_indices
end_header
`;
const cubeVerts = [0, 0, 0, 10, 0, 0, 10, 10, 0, 0, 10, 0, 0, 0, 10, 10, 0, 10, 10, 10, 10, 0, 10, 10];
const cubeQuads = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [3, 7, 6, 2], [0, 4, 7, 3], [1, 2, 6, 5]];

function plyAscii(): string {
  let s = plyHeader('ascii');
  for (let v = 0; v < 8; v++) s += `${cubeVerts[3 * v]} ${cubeVerts[3 * v + 1]} ${cubeVerts[3 * v + 2]}\n`;
  for (const q of cubeQuads) s += `4 ${q.join(' ')}\n`;
  return s;
}
function plyBinary(): Uint8Array {
  const head = enc(plyHeader('binary_little_endian'));
  const body = new Uint8Array(8 * 12 + 6 * (1 + 16));
  const view = new DataView(body.buffer);
  let o = 0;
  for (const c of cubeVerts) { view.setFloat32(o, c, true); o += 4; }
  for (const q of cubeQuads) {
    view.setUint8(o, 4); o += 1;
    for (const i of q) { view.setInt32(o, i, true); o += 4; }
  }
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  return all;
}

describe('parseMeshFile: each format parses a cube', () => {
  it('binary STL (round trip through writeStl, welded)', () => {
    const bytes = writeStl(cube);
    expect(bytes.length).toBe(84 + 50 * 12);
    const m = ok('cube.STL', bytes);
    expect(m.positions.length).toBe(24);
    expect(m.indices.length).toBe(36);
    expect(meshVolumeMl(m)).toBeCloseTo(1, 6);
  });

  it('binary STL whose header starts with "solid"', () => {
    const bytes = writeStl(cube);
    bytes.set(enc('solid exported by a CAD tool'), 0);
    expect(meshVolumeMl(ok('cube.stl', bytes))).toBeCloseTo(1, 6);
  });

  it('ASCII STL', () => {
    const m = ok('cube.stl', enc(asciiStl(cube)));
    expect(m.positions.length).toBe(24);
    expect(meshVolumeMl(m)).toBeCloseTo(1, 6);
  });

  it('OBJ with quads, v/vt, v//vn, v/vt/vn and negative indices', () => {
    const m = ok('cube.obj', enc(objCube));
    expect(m.indices.length).toBe(36);
    expect(meshVolumeMl(m)).toBeCloseTo(1, 6);
  });

  it('PLY ascii and binary little-endian', () => {
    expect(meshVolumeMl(ok('cube.ply', enc(plyAscii())))).toBeCloseTo(1, 6);
    const m = ok('cube.ply', plyBinary());
    expect(m.indices.length).toBe(36);
    expect(meshVolumeMl(m)).toBeCloseTo(1, 6);
  });
});

describe('parseMeshFile: broken files give clear errors', () => {
  it('truncated binary STL', () => {
    const bytes = writeStl(cube).subarray(0, 84 + 50 * 11 + 20);
    expect(err('cube.stl', bytes)).toMatch(/truncated.*12 triangles/);
  });
  it('too short and empty STL', () => {
    expect(err('x.stl', new Uint8Array([1, 2, 3]))).toMatch(/too short/);
    expect(err('x.stl', writeStl({ positions: new Float32Array(0), indices: new Uint32Array(0) }))).toMatch(/no triangles/);
    expect(err('x.stl', enc('solid empty\nendsolid empty\n'))).toMatch(/no triangles/);
  });
  it('NaN coordinates', () => {
    const bytes = writeStl(cube);
    new DataView(bytes.buffer).setFloat32(84 + 12 + 4, NaN, true);
    expect(err('cube.stl', bytes)).toMatch(/non-finite/);
    expect(err('cube.stl', enc(asciiStl(cube).replace('vertex 0 0 0', 'vertex 0 nan 0')))).toMatch(/not a finite number/);
    expect(err('c.obj', enc('v 0 0 0\nv 1 0 NaN\nv 0 1 0\nf 1 2 3\n'))).toMatch(/line 2/);
    expect(err('c.ply', enc(plyAscii().replace('10 10 10\n', 'nan 10 10\n')))).toMatch(/non-finite|not a number/);
  });
  it('index out of range', () => {
    expect(err('c.obj', enc('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n'))).toMatch(/line 4.*out of range/);
    expect(err('c.obj', enc('v 0 0 0\nv 1 0 0\nv 0 1 0\nf -4 2 3\n'))).toMatch(/out of range/);
    expect(err('c.obj', enc('v 0 0 0\nf 1 0 1\n'))).toMatch(/not a valid index/);
    expect(err('c.ply', enc(plyAscii().replace('4 1 2 6 5', '4 1 2 6 9')))).toMatch(/vertex 9 but there are 8/);
  });
  it('no triangles', () => {
    expect(err('c.obj', enc('v 0 0 0\nv 1 0 0\n'))).toMatch(/no faces/);
    expect(err('c.obj', enc('# nothing\n'))).toMatch(/no vertices/);
    expect(err('c.ply', enc(plyHeader('ascii').replace('element face 6', 'element face 0')))).toMatch(/no triangles/);
  });
  it('truncated binary PLY and unsupported PLY format', () => {
    const b = plyBinary();
    expect(err('c.ply', b.subarray(0, b.length - 3))).toMatch(/ends early/);
    expect(err('c.ply', enc(plyAscii().replace('format ascii', 'format binary_middle_endian')))).toMatch(/unsupported PLY format/);
    expect(err('c.ply', enc('solid x\n'))).toMatch(/does not start with "ply"/);
  });
  it('unsupported format names the extension', () => {
    expect(err('tumour.vtk', enc('x'))).toMatch(/unsupported mesh format "\.vtk"/);
    expect(err('tumour', enc('x'))).toMatch(/no extension/);
  });
});
