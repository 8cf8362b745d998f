import { meshProblem, type TriangleMesh } from './mesh.ts';
import { doubled } from './typedArrays.ts';

/*
 * Triangle-mesh file formats, one parser each: STL (binary and ASCII), OBJ (v/f) and PLY (ascii,
 * binary little- and big-endian). Parsers run at the API edge: they return a clear error instead
 * of throwing, and the mesh they return passes meshProblem (finite coordinates, indices in range,
 * at least one triangle). STL triangles are welded on exactly equal coordinates so a closed
 * surface stays closed. Units are taken as millimetres.
 */

export type MeshFileResult = { ok: true; mesh: TriangleMesh } | { ok: false; error: string };

class MeshFileError extends Error {}

function fail(message: string): never {
  throw new MeshFileError(message);
}

/** Parses an STL, OBJ or PLY file, chosen by the file name's extension. */
export function parseMeshFile(fileName: string, bytes: Uint8Array): MeshFileResult {
  const dot = fileName.lastIndexOf('.');
  const ext = dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : '';
  try {
    let mesh: TriangleMesh;
    if (ext === 'stl') mesh = parseStl(bytes);
    else if (ext === 'obj') mesh = parseObj(bytes);
    else if (ext === 'ply') mesh = parsePly(bytes);
    else {
      return {
        ok: false,
        error: ext
          ? `unsupported mesh format ".${ext}" (expected .stl, .obj or .ply)`
          : `"${fileName}" has no extension (expected .stl, .obj or .ply)`,
      };
    }
    const problem = meshProblem(mesh);
    if (problem) return { ok: false, error: `${ext.toUpperCase()}: ${problem}` };
    return { ok: true, mesh };
  } catch (e) {
    if (e instanceof MeshFileError) return { ok: false, error: `${ext.toUpperCase()}: ${e.message}` };
    throw e;
  }
}

/** Growable xyz + index buffers. */
class Builder {
  pos = new Float32Array(3 * 1024);
  nPos = 0;
  idx = new Uint32Array(3 * 1024);
  nIdx = 0;
  private weld: Map<string, number> | null;

  constructor(weld: boolean) {
    this.weld = weld ? new Map() : null;
  }

  vertex(x: number, y: number, z: number): number {
    if (this.weld) {
      const key = `${x},${y},${z}`;
      const found = this.weld.get(key);
      if (found !== undefined) return found;
      this.weld.set(key, this.nPos / 3);
    }
    if (this.nPos + 3 > this.pos.length) this.pos = doubled(this.pos);
    this.pos[this.nPos++] = x;
    this.pos[this.nPos++] = y;
    this.pos[this.nPos++] = z;
    return this.nPos / 3 - 1;
  }

  triangle(a: number, b: number, c: number): void {
    if (this.nIdx + 3 > this.idx.length) this.idx = doubled(this.idx);
    this.idx[this.nIdx++] = a;
    this.idx[this.nIdx++] = b;
    this.idx[this.nIdx++] = c;
  }

  mesh(): TriangleMesh {
    return { positions: this.pos.slice(0, this.nPos), indices: this.idx.slice(0, this.nIdx) };
  }
}

function number(token: string | undefined, what: string, line: number): number {
  if (token === undefined) fail(`line ${line}: ${what} is missing`);
  const v = Number(token);
  if (!Number.isFinite(v)) fail(`line ${line}: ${what} "${token}" is not a finite number`);
  return v;
}

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

function looksTextual(bytes: Uint8Array, n: number): boolean {
  const m = Math.min(n, bytes.length);
  for (let i = 0; i < m; i++) {
    const c = bytes[i];
    if (c !== 9 && c !== 10 && c !== 13 && (c < 32 || c > 126)) return false;
  }
  return true;
}

// ---------------------------------------------------------------- STL

function parseStl(bytes: Uint8Array): TriangleMesh {
  const startsWithSolid = /^\s*solid\b/.test(decodeText(bytes.subarray(0, 80)));
  const textual = startsWithSolid && looksTextual(bytes, 1024);
  if (bytes.length >= 84) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = view.getUint32(80, true);
    const expected = 84 + 50 * n;
    if (expected === bytes.length && !(textual && /facet|vertex/.test(decodeText(bytes.subarray(0, 1024))))) {
      return parseBinaryStl(view, n);
    }
    if (!textual) {
      fail(
        `binary STL is truncated or corrupt: the header says ${n} triangles (${expected} bytes) but the file has ${bytes.length} bytes`,
      );
    }
  } else if (!textual) {
    fail(`file of ${bytes.length} bytes is too short for a binary STL and is not ASCII STL`);
  }
  return parseAsciiStl(decodeText(bytes));
}

function parseBinaryStl(view: DataView, n: number): TriangleMesh {
  if (n === 0) fail('binary STL has no triangles');
  const b = new Builder(true);
  for (let t = 0; t < n; t++) {
    const o = 84 + 50 * t + 12; // skip the stored normal
    const v: number[] = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      const x = view.getFloat32(o + 12 * k, true);
      const y = view.getFloat32(o + 12 * k + 4, true);
      const z = view.getFloat32(o + 12 * k + 8, true);
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
        fail(`triangle ${t} has a non-finite coordinate`);
      }
      v[k] = b.vertex(x, y, z);
    }
    b.triangle(v[0], v[1], v[2]);
  }
  return b.mesh();
}

function parseAsciiStl(text: string): TriangleMesh {
  const b = new Builder(true);
  const lines = text.split(/\r?\n/);
  const pending: number[] = [];
  for (let l = 0; l < lines.length; l++) {
    const tok = lines[l].trim().split(/\s+/);
    if (tok[0] !== 'vertex') continue;
    const x = number(tok[1], 'vertex x', l + 1), y = number(tok[2], 'vertex y', l + 1), z = number(tok[3], 'vertex z', l + 1);
    pending.push(b.vertex(Math.fround(x), Math.fround(y), Math.fround(z)));
    if (pending.length === 3) {
      b.triangle(pending[0], pending[1], pending[2]);
      pending.length = 0;
    }
  }
  if (pending.length !== 0) fail('ASCII STL ends inside a facet (vertex count is not a multiple of 3)');
  if (b.nIdx === 0) fail('ASCII STL has no triangles');
  return b.mesh();
}

/** Binary STL of a mesh (face normals computed, header "cryoplan"). */
export function writeStl(mesh: TriangleMesh): Uint8Array {
  const p = mesh.positions, idx = mesh.indices;
  const n = Math.floor(idx.length / 3);
  const bytes = new Uint8Array(84 + 50 * n);
  const header = 'cryoplan binary STL';
  for (let i = 0; i < header.length; i++) bytes[i] = header.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  view.setUint32(80, n, true);
  for (let t = 0; t < n; t++) {
    const a = idx[3 * t] * 3, b = idx[3 * t + 1] * 3, c = idx[3 * t + 2] * 3;
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const l = Math.sqrt(nx * nx + ny * ny + nz * nz);
    if (l > 0) {
      nx /= l; ny /= l; nz /= l;
    }
    const o = 84 + 50 * t;
    view.setFloat32(o, nx, true);
    view.setFloat32(o + 4, ny, true);
    view.setFloat32(o + 8, nz, true);
    const vs = [a, b, c];
    for (let k = 0; k < 3; k++) {
      view.setFloat32(o + 12 + 12 * k, p[vs[k]], true);
      view.setFloat32(o + 16 + 12 * k, p[vs[k] + 1], true);
      view.setFloat32(o + 20 + 12 * k, p[vs[k] + 2], true);
    }
  }
  return bytes;
}

// ---------------------------------------------------------------- OBJ

function parseObj(bytes: Uint8Array): TriangleMesh {
  const b = new Builder(false);
  const lines = decodeText(bytes).split(/\r?\n/);
  let nVert = 0;
  const face: number[] = [];
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l].trim();
    if (line === '' || line[0] === '#') continue;
    const tok = line.split(/\s+/);
    if (tok[0] === 'v') {
      b.vertex(number(tok[1], 'v x', l + 1), number(tok[2], 'v y', l + 1), number(tok[3], 'v z', l + 1));
      nVert++;
    } else if (tok[0] === 'f') {
      face.length = 0;
      for (let k = 1; k < tok.length; k++) {
        const ref = tok[k].split('/')[0];
        const i = Number(ref);
        if (!Number.isInteger(i) || i === 0) fail(`line ${l + 1}: face vertex "${tok[k]}" is not a valid index`);
        const v = i > 0 ? i - 1 : nVert + i;
        if (v < 0 || v >= nVert) {
          fail(`line ${l + 1}: face vertex ${i} is out of range (${nVert} vertices defined so far)`);
        }
        face.push(v);
      }
      if (face.length < 3) fail(`line ${l + 1}: a face needs at least 3 vertices`);
      for (let k = 1; k + 1 < face.length; k++) b.triangle(face[0], face[k], face[k + 1]);
    }
  }
  if (b.nIdx === 0) fail(nVert === 0 ? 'OBJ has no vertices and no faces' : 'OBJ has no faces (f lines)');
  return b.mesh();
}

// ---------------------------------------------------------------- PLY

interface PlyProperty {
  name: string;
  type: string;
  /** For list properties: the count type. */
  countType?: string;
}
interface PlyElement {
  name: string;
  count: number;
  props: PlyProperty[];
}

const PLY_SIZES: Record<string, number> = {
  char: 1, int8: 1, uchar: 1, uint8: 1, short: 2, int16: 2, ushort: 2, uint16: 2,
  int: 4, int32: 4, uint: 4, uint32: 4, float: 4, float32: 4, double: 8, float64: 8,
};

function readBinary(view: DataView, o: number, type: string, le: boolean): number {
  switch (type) {
    case 'char': case 'int8': return view.getInt8(o);
    case 'uchar': case 'uint8': return view.getUint8(o);
    case 'short': case 'int16': return view.getInt16(o, le);
    case 'ushort': case 'uint16': return view.getUint16(o, le);
    case 'int': case 'int32': return view.getInt32(o, le);
    case 'uint': case 'uint32': return view.getUint32(o, le);
    case 'float': case 'float32': return view.getFloat32(o, le);
    default: return view.getFloat64(o, le);
  }
}

function parsePly(bytes: Uint8Array): TriangleMesh {
  // Header: ASCII lines up to "end_header".
  const head = decodeText(bytes.subarray(0, Math.min(bytes.length, 65536)));
  if (!/^ply\r?\n/.test(head)) fail('file does not start with "ply"');
  const endMatch = /end_header[ \t]*\r?\n/.exec(head);
  if (!endMatch) fail('header has no end_header line');
  const bodyStart = new TextEncoder().encode(head.slice(0, endMatch.index + endMatch[0].length)).length;
  const elements: PlyElement[] = [];
  let format = '';
  const headerLines = head.slice(0, endMatch.index).split(/\r?\n/);
  for (let l = 1; l < headerLines.length; l++) {
    const tok = headerLines[l].trim().split(/\s+/);
    if (tok[0] === 'format') format = tok[1] ?? '';
    else if (tok[0] === 'element') {
      const count = Number(tok[2]);
      if (!Number.isInteger(count) || count < 0) fail(`header line ${l + 1}: bad element count "${tok[2]}"`);
      elements.push({ name: tok[1] ?? '', count, props: [] });
    } else if (tok[0] === 'property') {
      const el = elements[elements.length - 1];
      if (!el) fail(`header line ${l + 1}: property before any element`);
      if (tok[1] === 'list') {
        if (!(tok[2] in PLY_SIZES) || !(tok[3] in PLY_SIZES)) fail(`header line ${l + 1}: unknown list type`);
        el.props.push({ name: tok[4] ?? '', type: tok[3], countType: tok[2] });
      } else {
        if (!(tok[1] in PLY_SIZES)) fail(`header line ${l + 1}: unknown property type "${tok[1]}"`);
        el.props.push({ name: tok[2] ?? '', type: tok[1] });
      }
    }
  }
  if (format !== 'ascii' && format !== 'binary_little_endian' && format !== 'binary_big_endian') {
    fail(`unsupported PLY format "${format}"`);
  }
  const vertexEl = elements.find((e) => e.name === 'vertex');
  const faceEl = elements.find((e) => e.name === 'face');
  if (!vertexEl) fail('no vertex element');
  if (!faceEl || faceEl.count === 0) fail('no face element, so no triangles');
  const xi = vertexEl.props.findIndex((p) => p.name === 'x');
  const yi = vertexEl.props.findIndex((p) => p.name === 'y');
  const zi = vertexEl.props.findIndex((p) => p.name === 'z');
  if (xi < 0 || yi < 0 || zi < 0) fail('vertex element lacks x, y or z');
  let fi = faceEl.props.findIndex((p) => p.countType && (p.name === 'vertex_indices' || p.name === 'vertex_index'));
  if (fi < 0) fi = faceEl.props.findIndex((p) => p.countType !== undefined);
  if (fi < 0) fail('face element has no vertex index list');

  const b = new Builder(false);
  const nVert = vertexEl.count;
  const row: number[] = [];
  const list: number[] = [];
  const handle = (el: PlyElement, item: number): void => {
    if (el === vertexEl) {
      const x = row[xi], y = row[yi], z = row[zi];
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) fail(`vertex ${item} has a non-finite coordinate`);
      b.vertex(x, y, z);
    } else if (el === faceEl) {
      if (list.length < 3) fail(`face ${item} has fewer than 3 vertices`);
      for (const v of list) {
        if (!Number.isInteger(v) || v < 0 || v >= nVert) fail(`face ${item} refers to vertex ${v} but there are ${nVert} vertices`);
      }
      for (let k = 1; k + 1 < list.length; k++) b.triangle(list[0], list[k], list[k + 1]);
    }
  };

  if (format === 'ascii') {
    const tokens = decodeText(bytes.subarray(bodyStart)).split(/\s+/).filter((t) => t !== '');
    let at = 0;
    const next = (el: PlyElement, item: number): number => {
      if (at >= tokens.length) fail(`data ends early (element ${el.name}, item ${item})`);
      const v = Number(tokens[at++]);
      if (Number.isNaN(v)) fail(`element ${el.name} item ${item}: "${tokens[at - 1]}" is not a number`);
      return v;
    };
    for (const el of elements) {
      for (let item = 0; item < el.count; item++) {
        row.length = 0;
        for (let p = 0; p < el.props.length; p++) {
          const prop = el.props[p];
          if (prop.countType) {
            const n = next(el, item);
            const keep = el === faceEl && p === fi;
            if (keep) list.length = 0;
            for (let k = 0; k < n; k++) {
              const v = next(el, item);
              if (keep) list.push(v);
            }
            row.push(NaN);
          } else {
            row.push(next(el, item));
          }
        }
        handle(el, item);
      }
    }
  } else {
    const le = format === 'binary_little_endian';
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let o = bodyStart;
    const read = (type: string, el: PlyElement, item: number): number => {
      const size = PLY_SIZES[type];
      if (o + size > bytes.length) fail(`binary data ends early (element ${el.name}, item ${item})`);
      const v = readBinary(view, o, type, le);
      o += size;
      return v;
    };
    for (const el of elements) {
      for (let item = 0; item < el.count; item++) {
        row.length = 0;
        for (let p = 0; p < el.props.length; p++) {
          const prop = el.props[p];
          if (prop.countType) {
            const n = read(prop.countType, el, item);
            const keep = el === faceEl && p === fi;
            if (keep) list.length = 0;
            for (let k = 0; k < n; k++) {
              const v = read(prop.type, el, item);
              if (keep) list.push(v);
            }
            row.push(NaN);
          } else {
            row.push(read(prop.type, el, item));
          }
        }
        handle(el, item);
      }
    }
  }
  return b.mesh();
}
