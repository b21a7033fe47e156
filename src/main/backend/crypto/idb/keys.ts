/**
 * IndexedDB keys: validation ("convert a value to a key"), key paths, and a byte encoding whose memcmp order is the
 * spec's key order (number < date < string < binary < array), so SQLite can sort and range-scan keys as plain BLOBs.
 *
 * Encoding: a type tag byte, then
 *   number/date: the float64 big-endian with the sign bit flipped (negatives inverted), so bytes sort like numbers;
 *   string: each UTF-16 code unit in 1–3 bytes (as Firefox does: ASCII in one byte), ended by 0x00;
 *   binary: the bytes with 0x00 escaped as 0x00 0x01, ended by 0x00 0x00;
 *   array: the encoded elements, ended by 0x00 (below every tag, so a prefix sorts first).
 */

const TAG_END = 0x00;
const TAG_NUMBER = 0x10;
const TAG_DATE = 0x20;
const TAG_STRING = 0x30;
const TAG_BINARY = 0x40;
const TAG_ARRAY = 0x50;

/** An encoded, valid key. */
export type EncodedKey = Buffer;

export type KeyPath = string | string[];

export function dataError(message: string): DOMException {
  return new DOMException(message, 'DataError');
}

/** Encodes a JS value as a key, or returns null when it is not a valid key. */
export function tryEncodeKey(value: unknown): EncodedKey | null {
  const parts: Buffer[] = [];
  return encodeInto(value, parts, []) ? Buffer.concat(parts) : null;
}

/** Encodes a key or throws the spec's DataError. */
export function encodeKey(value: unknown): EncodedKey {
  const key = tryEncodeKey(value);
  if (key === null) throw dataError('The value is not a valid IndexedDB key.');
  return key;
}

function numberBytes(tag: number, n: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = tag;
  b.writeDoubleBE(n === 0 ? 0 : n, 1); // -0 and +0 are the same key
  if (b[1] & 0x80) for (let i = 1; i < 9; i++) b[i] = ~b[i] & 0xff;
  else b[1] |= 0x80;
  return b;
}

function escaped(tag: number, bytes: Uint8Array): Buffer {
  let zeros = 0;
  for (const byte of bytes) if (byte === 0) zeros++;
  const out = Buffer.alloc(1 + bytes.length + zeros + 2);
  out[0] = tag;
  let o = 1;
  for (const byte of bytes) {
    out[o++] = byte;
    if (byte === 0) out[o++] = 0x01;
  }
  return out; // the last two bytes stay 0x00 0x00: the terminator
}

const ONE_BYTE_LIMIT = 0x7e;
const TWO_BYTE_LIMIT = 0x3fff + 0x7f;

/**
 * Code units 0–0x7E as one byte (unit + 1), up to 0x407E as two bytes (0x80 | high 6 bits, low byte), the rest as
 * three (0xC0 | top 2 bits, then 14 more); every first byte is ≥ 1, so the 0x00 terminator sorts a prefix first,
 * and each group's bytes sort above the previous group's: byte order is code unit order.
 */
function encodeString(text: string): Buffer {
  const out = Buffer.alloc(2 + text.length * 3);
  out[0] = TAG_STRING;
  let o = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= ONE_BYTE_LIMIT) {
      out[o++] = c + 1;
    } else if (c <= TWO_BYTE_LIMIT) {
      const v = c - ONE_BYTE_LIMIT - 1;
      out[o++] = 0x80 | (v >> 8);
      out[o++] = v & 0xff;
    } else {
      const v = (c << 6) | 0xc00000;
      out[o++] = v >> 16;
      out[o++] = (v >> 8) & 0xff;
      out[o++] = v & 0xff;
    }
  }
  out[o++] = 0;
  return out.subarray(0, o);
}

function decodeString(key: Buffer, at: number): [string, number] {
  const units: number[] = [];
  let i = at;
  for (;;) {
    const b = key[i];
    if (b === 0) return [String.fromCharCode(...units), i + 1];
    if (b <= ONE_BYTE_LIMIT + 1) {
      units.push(b - 1);
      i += 1;
    } else if ((b & 0xc0) === 0x80) {
      units.push((((b & 0x3f) << 8) | key[i + 1]) + ONE_BYTE_LIMIT + 1);
      i += 2;
    } else {
      units.push((((b << 16) | (key[i + 1] << 8) | key[i + 2]) & 0x3fffff) >> 6);
      i += 3;
    }
  }
}

function binaryView(value: unknown): Uint8Array | null {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

function encodeInto(value: unknown, parts: Buffer[], seen: unknown[]): boolean {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return false;
    parts.push(numberBytes(TAG_NUMBER, value));
    return true;
  }
  if (typeof value === 'string') {
    parts.push(encodeString(value));
    return true;
  }
  if (value instanceof Date) {
    const t = value.getTime();
    if (Number.isNaN(t)) return false;
    parts.push(numberBytes(TAG_DATE, t));
    return true;
  }
  const bytes = binaryView(value);
  if (bytes !== null) {
    if (value instanceof ArrayBuffer && (value as { detached?: boolean }).detached === true) return false;
    parts.push(escaped(TAG_BINARY, bytes));
    return true;
  }
  if (Array.isArray(value)) {
    if (seen.includes(value)) return false;
    seen.push(value);
    parts.push(Buffer.of(TAG_ARRAY));
    for (let i = 0; i < value.length; i++) {
      if (!Object.hasOwn(value, i)) return false;
      if (!encodeInto(value[i], parts, seen)) return false;
    }
    parts.push(Buffer.of(TAG_END));
    seen.pop();
    return true;
  }
  return false;
}

/** Decodes an encoded key back to the JS value the spec returns ("convert a key to a value"). */
export function decodeKey(key: EncodedKey): unknown {
  const [value] = decodeAt(key, 0);
  return value;
}

function readNumber(key: Buffer, at: number): number {
  const b = Buffer.from(key.subarray(at, at + 8));
  if (b[0] & 0x80) b[0] &= 0x7f;
  else for (let i = 0; i < 8; i++) b[i] = ~b[i] & 0xff;
  return b.readDoubleBE(0);
}

function readEscaped(key: Buffer, at: number): [Buffer, number] {
  const out: number[] = [];
  let i = at;
  for (;;) {
    const byte = key[i];
    if (byte === 0) {
      if (key[i + 1] === 0) return [Buffer.from(out), i + 2];
      out.push(0);
      i += 2;
    } else {
      out.push(byte);
      i += 1;
    }
  }
}

function decodeAt(key: Buffer, at: number): [unknown, number] {
  const tag = key[at];
  switch (tag) {
    case TAG_NUMBER:
      return [readNumber(key, at + 1), at + 9];
    case TAG_DATE:
      return [new Date(readNumber(key, at + 1)), at + 9];
    case TAG_STRING:
      return decodeString(key, at + 1);
    case TAG_BINARY: {
      const [bytes, next] = readEscaped(key, at + 1);
      const copy = new ArrayBuffer(bytes.length);
      new Uint8Array(copy).set(bytes);
      return [copy, next];
    }
    case TAG_ARRAY: {
      const items: unknown[] = [];
      let i = at + 1;
      while (key[i] !== TAG_END) {
        const [item, next] = decodeAt(key, i);
        items.push(item);
        i = next;
      }
      return [items, i + 1];
    }
    default:
      throw new Error(`Corrupt IndexedDB key: unknown type tag ${String(tag)} at byte ${at}.`);
  }
}

export function compareKeys(a: EncodedKey, b: EncodedKey): number {
  return Buffer.compare(a, b);
}

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

function isValidKeyPathString(path: string): boolean {
  return path === '' || path.split('.').every((part) => IDENTIFIER.test(part));
}

/** Checks a key path given to createObjectStore/createIndex; returns the normalized path (arrays copied). */
export function validateKeyPath(path: unknown): KeyPath {
  if (Array.isArray(path)) {
    const items = path.map((item) => String(item));
    if (items.length > 0 && items.every(isValidKeyPathString)) return items;
  } else {
    const text = String(path);
    if (isValidKeyPathString(text)) return text;
  }
  throw new DOMException(`"${String(path)}" is not a valid key path.`, 'SyntaxError');
}

const FAILURE = Symbol('key path failure');

function evaluateString(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const part of path.split('.')) {
    if ((typeof current === 'string' || Array.isArray(current)) && part === 'length') {
      current = current.length;
      continue;
    }
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return FAILURE;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Evaluates a key path on a value: the raw result, or FAILURE ("extract a key from a value using a key path"). */
export function evaluateKeyPath(value: unknown, path: KeyPath): unknown {
  if (typeof path === 'string') return evaluateString(value, path);
  const out: unknown[] = [];
  for (const part of path) {
    const item = evaluateString(value, part);
    if (item === FAILURE) return FAILURE;
    out.push(item);
  }
  return out;
}

export function isFailure(result: unknown): boolean {
  return result === FAILURE;
}

/** The index keys of a value: none when the path fails or the key is invalid, several for multiEntry arrays. */
export function indexKeys(value: unknown, path: KeyPath, multiEntry: boolean): EncodedKey[] {
  const raw = evaluateKeyPath(value, path);
  if (raw === FAILURE) return [];
  if (multiEntry && Array.isArray(raw)) {
    const unique = new Map<string, EncodedKey>();
    for (const item of raw) {
      const key = tryEncodeKey(item);
      if (key !== null) unique.set(key.toString('hex'), key);
    }
    return [...unique.values()];
  }
  const key = tryEncodeKey(raw);
  return key === null ? [] : [key];
}

/** Puts a generated key into a value at a store's key path ("inject a key into a value using a key path"). */
export function injectKey(value: unknown, path: string, key: number): boolean {
  const parts = path.split('.');
  const last = parts.pop() as string;
  let current = value;
  for (const part of parts) {
    if (typeof current !== 'object' || current === null) return false;
    const record = current as Record<string, unknown>;
    if (!Object.hasOwn(record, part)) record[part] = {};
    current = record[part];
  }
  if (typeof current !== 'object' || current === null) return false;
  (current as Record<string, unknown>)[last] = key;
  return true;
}
