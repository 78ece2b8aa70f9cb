/**
 * The persistent index cache's file format: one collection's reading (a full
 * `CollectionPatch`) with the fingerprint of the bytes it was read from. Layout: 4-byte
 * header length, a JSON header, then the entry numbers, the line starts and the paper display
 * numbers (Int32, little endian, 4-aligned), the entry strings and the display strings as UTF-8;
 * then, when the reading's index lists were stored too (`IndexSegment`), their counts and
 * values (Int32) and their terms (UTF-8, NUL-separated).
 */
import { CollectionPatch } from './incremental';
import type { IndexSegment } from './search';

/** Bumped whenever the reader or this layout changes what a cache file means. */
export const CACHE_VERSION = 3;

export interface Fingerprint {
  size: number;
  mtime: number;
  /** Hex digest of the file's bytes. */
  hash: string;
}

interface Header {
  version: number;
  file: string;
  fingerprint: Fingerprint;
  encoding: string;
  format: CollectionPatch['format'];
  count: number;
  numbers: number;
  lineCount: number;
  stringBytes: number;
  displayNumbers: number;
  displayStringBytes: number;
  diagnostics: CollectionPatch['diagnostics'];
  strings: Record<string, string>;
  preambles: string[];
  /** Sizes of the index section, when there is one. */
  index?: { entries: number; forward1: number; forward2: number; termBytes: number };
}

export function encodeCache(patch: CollectionPatch, fingerprint: Fingerprint, encoding: string, index?: IndexSegment): Uint8Array {
  // A term holding NUL could not be told apart from two: such a segment is not stored.
  if (index && (index.counts1.length !== patch.added.count || index.terms.some((t) => t.includes('\0')))) index = undefined;
  const termBytes = index ? new TextEncoder().encode(index.terms.join('\0')) : new Uint8Array(0);
  const stringBytes = new TextEncoder().encode(patch.added.strings);
  const displays = patch.added.displays ?? { numbers: new Int32Array(0), strings: '' };
  const displayStringBytes = new TextEncoder().encode(displays.strings);
  const header: Header = {
    version: CACHE_VERSION,
    file: patch.file,
    fingerprint,
    encoding,
    format: patch.format,
    count: patch.added.count,
    numbers: patch.added.numbers.length,
    lineCount: patch.lineCount,
    stringBytes: stringBytes.length,
    displayNumbers: displays.numbers.length,
    displayStringBytes: displayStringBytes.length,
    diagnostics: patch.diagnostics,
    strings: { ...patch.strings },
    preambles: patch.preambles,
    index: index && { entries: index.counts1.length, forward1: index.forward1.length, forward2: index.forward2.length, termBytes: termBytes.length },
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = align4(4 + headerBytes.length);
  const numbersEnd = headerEnd + 4 * patch.added.numbers.length;
  const linesEnd = numbersEnd + 4 * patch.lineCount;
  const displaysEnd = linesEnd + 4 * displays.numbers.length;
  const indexStart = align4(displaysEnd + stringBytes.length + displayStringBytes.length);
  const indexInts = index ? [index.counts1, index.counts2, index.forward1, index.forward2] : [];
  const termsStart = indexStart + 4 * indexInts.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(index ? termsStart + termBytes.length : displaysEnd + stringBytes.length + displayStringBytes.length);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  out.set(new Uint8Array(patch.added.numbers.buffer, patch.added.numbers.byteOffset, 4 * patch.added.numbers.length), headerEnd);
  out.set(new Uint8Array(patch.lineStarts.buffer, patch.lineStarts.byteOffset, 4 * patch.lineCount), numbersEnd);
  out.set(new Uint8Array(displays.numbers.buffer, displays.numbers.byteOffset, 4 * displays.numbers.length), linesEnd);
  out.set(stringBytes, displaysEnd);
  out.set(displayStringBytes, displaysEnd + stringBytes.length);
  let at = indexStart;
  for (const a of indexInts) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, 4 * a.length), at);
    at += 4 * a.length;
  }
  if (index) out.set(termBytes, termsStart);
  return out;
}

/** The cached reading if `bytes` is a cache file of `file` with this fingerprint, else undefined. */
export function decodeCache(bytes: Uint8Array, file: string, fingerprint: Fingerprint): { patch: CollectionPatch; encoding: string; index?: IndexSegment } | undefined {
  try {
    if (bytes.length < 4) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as Header;
    const f = header.fingerprint;
    if (header.version !== CACHE_VERSION || header.file !== file || f.size !== fingerprint.size || f.mtime !== fingerprint.mtime || f.hash !== fingerprint.hash) return undefined;
    const headerEnd = align4(4 + headerLength);
    const numbersEnd = headerEnd + 4 * header.numbers;
    const linesEnd = numbersEnd + 4 * header.lineCount;
    const displaysEnd = linesEnd + 4 * header.displayNumbers;
    const stringsEnd = displaysEnd + header.stringBytes;
    const readingEnd = stringsEnd + header.displayStringBytes;
    const ix = header.index;
    let index: IndexSegment | undefined;
    if (ix) {
      if (ix.entries !== header.count) return undefined;
      let at = align4(readingEnd);
      const ints = (n: number) => {
        const a = new Int32Array(n);
        new Uint8Array(a.buffer).set(bytes.subarray(at, at + 4 * n));
        at += 4 * n;
        return a;
      };
      if (at + 4 * (2 * ix.entries + ix.forward1 + ix.forward2) + ix.termBytes !== bytes.length) return undefined;
      const counts1 = ints(ix.entries);
      const counts2 = ints(ix.entries);
      const forward1 = ints(ix.forward1);
      const forward2 = ints(ix.forward2);
      const joined = new TextDecoder().decode(bytes.subarray(at));
      index = { terms: joined ? joined.split('\0') : [], counts1, counts2, forward1, forward2 };
    } else if (readingEnd !== bytes.length) return undefined;
    // Copies: the typed arrays must own aligned buffers (and be transferable).
    const numbers = new Int32Array(header.numbers);
    new Uint8Array(numbers.buffer).set(bytes.subarray(headerEnd, numbersEnd));
    const lineStarts = new Int32Array(header.lineCount);
    new Uint8Array(lineStarts.buffer).set(bytes.subarray(numbersEnd, linesEnd));
    const displayNumbers = new Int32Array(header.displayNumbers);
    new Uint8Array(displayNumbers.buffer).set(bytes.subarray(linesEnd, displaysEnd));
    const decoder = new TextDecoder();
    const strings = decoder.decode(bytes.subarray(displaysEnd, stringsEnd));
    const displayStrings = decoder.decode(bytes.subarray(stringsEnd));
    const macros: Record<string, string> = Object.assign(Object.create(null), header.strings);
    return {
      encoding: header.encoding,
      index,
      patch: {
        file,
        format: header.format,
        full: true,
        from: 0,
        removed: 0,
        delta: 0,
        added: { count: header.count, numbers, strings, displays: header.displayNumbers ? { numbers: displayNumbers, strings: displayStrings } : undefined },
        diagnostics: header.diagnostics,
        strings: macros,
        preambles: header.preambles,
        lineStarts,
        lineCount: header.lineCount,
        entryCount: header.count,
      },
    };
  } catch {
    return undefined;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
