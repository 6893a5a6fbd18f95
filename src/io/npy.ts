/**
 * NumPy's `.npy` arrays and `.npz` archives, read without NumPy.
 *
 * .npy (format versions 1, 2, 3): the magic `\x93NUMPY`, two version bytes,
 * the header length (uint16 LE in v1, uint32 LE in v2/3), a Python dict
 * literal `{'descr': '<f8', 'fortran_order': False, 'shape': (m, n), }`, then
 * the raw values. .npz: a zip archive of `NAME.npy` members, stored or
 * deflated (what `np.savez` and `np.savez_compressed` write).
 */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { DataError } from '../errors.ts';

/** An n-dimensional array as float64 values in C (row-major) order. */
export interface NdArray {
  shape: number[];
  data: Float64Array;
  /** The NumPy dtype it was stored as, e.g. '<f8'. */
  descr: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** A shape as NumPy prints it: (), (40,), (40, 3). */
export function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

export function readNpyFile(path: string): NdArray {
  return parseNpy(readBytes(path), path);
}

/** Every `NAME.npy` member of an .npz archive, by NAME. */
export function readNpzFile(path: string): Map<string, NdArray> {
  const bytes = readBytes(path);
  const out = new Map<string, NdArray>();
  for (const [name, member] of unzip(bytes, path)) {
    if (!name.endsWith('.npy')) continue;
    out.set(name.slice(0, -4), parseNpy(member, `${path}: member ${name}`));
  }
  return out;
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? `${path}: file not found` : `${path}: cannot be read (${code ?? (e as Error).message})`, { cause: e });
  }
}

/** Parses one .npy image; `where` names it in errors. */
export function parseNpy(bytes: Uint8Array, where: string): NdArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new DataError(`${where}: not a NumPy .npy array (no \\x93NUMPY magic at its start)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) throw new DataError(`${where}: .npy format version ${major}.${bytes[7]} is not supported (1.0 to 3.0 are)`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new DataError(`${where}: truncated .npy header (needs ${headerLen} bytes)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeField = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeField === undefined) throw new DataError(`${where}: malformed .npy header ${JSON.stringify(header.trim())}`);
  const shape = shapeField.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataError(`${where}: malformed shape (${shapeField}) in the .npy header`);
  const reader = elementReader(descr, where);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (offset + count * reader.size > bytes.length) {
    throw new DataError(`${where}: truncated: shape ${shapeText(shape)} of ${descr} needs ${count * reader.size} bytes of data, the file has ${bytes.length - offset}`);
  }
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = reader.read(view, offset + i * reader.size);
  return { shape, data: fortran === 'True' ? fortranToC(data, shape) : data, descr };
}

function elementReader(descr: string, where: string): { size: number; read: (v: DataView, at: number) => number } {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) throw new DataError(`${where}: dtype ${descr} is not supported; use float64, float32, float16 or an integer type`);
  const little = m[1] !== '>';
  const kind = m[2], size = Number(m[3]);
  const readers: Record<string, (v: DataView, at: number) => number> = {
    f8: (v, at) => v.getFloat64(at, little),
    f4: (v, at) => v.getFloat32(at, little),
    f2: (v, at) => halfToNumber(v.getUint16(at, little)),
    i8: (v, at) => Number(v.getBigInt64(at, little)),
    i4: (v, at) => v.getInt32(at, little),
    i2: (v, at) => v.getInt16(at, little),
    i1: (v, at) => v.getInt8(at),
    u8: (v, at) => Number(v.getBigUint64(at, little)),
    u4: (v, at) => v.getUint32(at, little),
    u2: (v, at) => v.getUint16(at, little),
    u1: (v, at) => v.getUint8(at),
    b1: (v, at) => v.getUint8(at),
  };
  const read = readers[kind + size];
  if (!read) throw new DataError(`${where}: dtype ${descr} is not supported; use float64, float32, float16 or an integer type`);
  return { size, read };
}

/** An IEEE 754 half (1 sign, 5 exponent, 10 fraction bits) as a number; exact. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f, fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals: fraction · 2^-14 / 2^10
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function fortranToC(data: Float64Array, shape: number[]): Float64Array {
  if (shape.length < 2) return data;
  const out = new Float64Array(data.length);
  const strides = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1)); // column-major strides
  const idx = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let d = 0; d < shape.length; d++) f += idx[d] * strides[d];
    out[c] = data[f];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** The members of a zip archive (stored or deflated), from its central directory. */
function unzip(bytes: Uint8Array, path: string): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DataError(`${path}: not a NumPy .npz archive (no zip directory at its end)`);
  let entries = view.getUint16(eocd + 10, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  // ZIP64 (np.savez writes it for large arrays): the locator sits just before the EOCD record.
  if ((entries === 0xffff || dirOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === 0x07064b50) {
    const z64 = Number(view.getBigUint64(eocd - 12, true));
    entries = Number(view.getBigUint64(z64 + 32, true));
    dirOffset = Number(view.getBigUint64(z64 + 48, true));
  }
  const out = new Map<string, Uint8Array>();
  let p = dirOffset;
  for (let e = 0; e < entries; e++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw new DataError(`${path}: corrupted .npz archive (bad central directory entry ${e})`);
    const method = view.getUint16(p + 10, true);
    let compressed = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true), extraLen = view.getUint16(p + 30, true), commentLen = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field (id 1) holds the 64-bit values that are 0xffffffff above, in order.
    for (let x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen;) {
      const id = view.getUint16(x, true), len = view.getUint16(x + 2, true);
      if (id === 1) {
        let q = x + 4;
        if (size === 0xffffffff) (size = Number(view.getBigUint64(q, true))), (q += 8);
        if (compressed === 0xffffffff) (compressed = Number(view.getBigUint64(q, true))), (q += 8);
        if (local === 0xffffffff) local = Number(view.getBigUint64(q, true));
      }
      x += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw new DataError(`${path}: corrupted .npz archive (member ${name} has no local header)`);
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataStart + compressed > bytes.length) throw new DataError(`${path}: truncated .npz archive (member ${name} needs ${compressed} bytes)`);
    const raw = bytes.subarray(dataStart, dataStart + compressed);
    if (method === 0) out.set(name, raw);
    else if (method === 8) {
      try {
        out.set(name, inflateRawSync(raw));
      } catch (err) {
        throw new DataError(`${path}: corrupted .npz archive (member ${name} does not inflate: ${(err as Error).message})`, { cause: err });
      }
    } else throw new DataError(`${path}: member ${name} uses zip compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (out.get(name)!.length !== size) throw new DataError(`${path}: corrupted .npz archive (member ${name} is ${out.get(name)!.length} bytes, its header says ${size})`);
  }
  return out;
}
