/**
 * Re-reading a collection after an edit without re-reading all of it.
 *
 * `IncrementalCollection` keeps the last text of one file and where its entries are. Given
 * the new text it finds the changed stretch (common prefix and suffix), widens it to whole
 * entries, reads only those and returns a `CollectionPatch`: which entries to drop, the new
 * ones, and by how much the entries after the change move. Reading is done in chunks of
 * whole entries with an optional pause between them, so a 50 MB first read never holds the
 * thread for long (the web extension host has no worker threads).
 *
 * A patch is the whole file (`full`) on the first read, for CSL-JSON and Hayagriva, and when the change
 * touches `@string`/`@preamble` (macros change the meaning of entries elsewhere).
 */
import { parseBibtex } from './bibtex';
import { isHayagrivaFile, isStructuredCollectionFile, parseCollection } from './collection';
import { parseHayagrivaInSlices } from './hayagriva';
import { looksLikeCslYaml } from './cslYaml';
import { FlatEntries, flattenEntries } from './flat';
import { Diagnostic, LineIndex, LineScanner, SourceFormat } from './model';

export interface CollectionPatch {
  file: string;
  format: SourceFormat;
  /** Every previous entry was replaced (first read, macros changed, CSL-JSON). */
  full: boolean;
  /** Index (in the previous entry list) of the first replaced entry. */
  from: number;
  /** How many previous entries are replaced. */
  removed: number;
  /** Offset change of the entries after the replaced ones. */
  delta: number;
  /** The entries in place of the replaced ones, with offsets in the new text. */
  added: FlatEntries;
  /** The file's complete diagnostics, `@string` macros and preambles after the change. */
  diagnostics: Diagnostic[];
  strings: Record<string, string>;
  preambles: string[];
  lineStarts: Int32Array;
  lineCount: number;
  /** Entry count after the change. */
  entryCount: number;
}

export interface ReadOptions {
  /** Called between chunks once `sliceMs` has passed; the read resumes when it resolves. */
  pause?: () => Promise<void>;
  sliceMs?: number;
  clock?: () => number;
}

/** Characters per chunk of a sliced read (a chunk takes a few milliseconds). */
const CHUNK_CHARS = 256 * 1024;
/** A change wider than this share of the file is read as a whole file. */
const FULL_READ_SHARE = 0.5;
const MACRO_OR_PREAMBLE = /@\s*(string|preamble)\s*[{(]/i;

export class IncrementalCollection {
  /** The text of the last reading; a function until first needed (a cache hit decodes it only for an edit). */
  private text: string | (() => string) | undefined;
  /** Start and end offsets of each entry of `text`. */
  private spans: Int32Array = new Int32Array(0);
  private count = 0;
  private diagnostics: Diagnostic[] = [];
  private strings: Record<string, string> = {};
  private preambles: string[] = [];

  constructor(readonly file: string) {}

  /**
   * Takes `patch` (a full reading of `text`, e.g. from the cache) as the current state
   * without reading, so that the next update can be partial. `text` may be given as a
   * function: decoding 50 MB costs a few hundred milliseconds that a start need not wait for.
   */
  restore(text: string | (() => string), patch: CollectionPatch): void {
    this.text = text;
    this.spans = entrySpans(patch.added);
    this.count = patch.added.count;
    this.diagnostics = patch.diagnostics;
    this.strings = patch.strings;
    this.preambles = patch.preambles;
  }

  /** The text of the last reading, if any. */
  currentText(): string | undefined {
    if (typeof this.text === 'function') this.text = this.text();
    return this.text;
  }

  async update(text: string, options: ReadOptions = {}): Promise<CollectionPatch> {
    const old = this.currentText();
    if (old === undefined || isStructuredCollectionFile(this.file)) return this.fullRead(text, options);
    const region = this.changedRegion(old, text);
    if (!region) return this.fullRead(text, options);
    const { first, last, from, to, delta } = region;
    // Every macro of the file applies: no @string is inside the stretch (else a full read).
    const read = await readChunks(text, from, to + delta, this.file, this.strings, options);
    const lines = await lineIndexOf(text, options);
    // Diagnostics before the region stay, those after it move, those inside are replaced.
    const diagnostics: Diagnostic[] = [];
    for (const d of this.diagnostics) if (d.span.start < from) diagnostics.push(d);
    diagnostics.push(...read.diagnostics);
    for (const d of this.diagnostics) if (d.span.start >= to) diagnostics.push(moved(d, delta));
    for (const d of diagnostics) relocate(d, lines);

    const removed = last - first;
    const added = read.entries;
    const spans = new Int32Array(2 * (this.count - removed + added.count));
    spans.set(this.spans.subarray(0, 2 * first));
    spans.set(entrySpans(added), 2 * first);
    const tail = this.spans.subarray(2 * last, 2 * this.count);
    const at = 2 * (first + added.count);
    for (let i = 0; i < tail.length; i++) spans[at + i] = tail[i] + delta;
    this.text = text;
    this.spans = spans;
    this.count = spans.length / 2;
    this.diagnostics = diagnostics;
    const { starts, count } = lines.export();
    return {
      file: this.file,
      format: 'bibtex',
      full: false,
      from: first,
      removed,
      delta,
      added,
      diagnostics,
      strings: this.strings,
      preambles: this.preambles,
      lineStarts: starts,
      lineCount: count,
      entryCount: this.count,
    };
  }

  private async fullRead(text: string, options: ReadOptions): Promise<CollectionPatch> {
    const previous = this.count;
    let entries: FlatEntries;
    let diagnostics: Diagnostic[];
    let format: SourceFormat = 'bibtex';
    if (isStructuredCollectionFile(this.file)) {
      const result = isHayagrivaFile(this.file) && options.pause && !looksLikeCslYaml(text) ? await parseHayagrivaInSlices(text, this.file, options.pause, options.sliceMs, options.clock) : parseCollection(text, this.file);
      entries = flattenEntries(result.entries, 0, true);
      diagnostics = result.diagnostics;
      format = result.format;
      this.strings = result.strings;
      this.preambles = result.preambles;
    } else {
      const read = await readChunks(text, 0, text.length, this.file, {}, options);
      entries = read.entries;
      diagnostics = read.diagnostics;
      this.strings = read.strings;
      this.preambles = read.preambles;
    }
    const lines = await lineIndexOf(text, options);
    for (const d of diagnostics) relocate(d, lines);
    this.text = text;
    this.spans = entrySpans(entries);
    this.count = entries.count;
    this.diagnostics = diagnostics;
    const { starts, count } = lines.export();
    return {
      file: this.file,
      format,
      full: true,
      from: 0,
      removed: previous,
      delta: 0,
      added: entries,
      diagnostics,
      strings: this.strings,
      preambles: this.preambles,
      lineStarts: starts,
      lineCount: count,
      entryCount: entries.count,
    };
  }

  /**
   * The entries touched by the change between `old` and `text`: entries [first, last) of the
   * old list, the old stretch [from, to) they cover with the text between them, and the
   * length change. Undefined when the file must be read whole.
   */
  private changedRegion(old: string, text: string): { first: number; last: number; from: number; to: number; delta: number } | undefined {
    const prefix = commonPrefix(old, text);
    if (prefix === old.length && prefix === text.length) return { first: 0, last: 0, from: 0, to: 0, delta: 0 };
    const suffix = commonSuffix(old, text, Math.min(old.length, text.length) - prefix);
    const changeEnd = old.length - suffix;
    const spans = this.spans;
    const n = this.count;
    // The entries from the one before the first entry ending at or after the change (the
    // reader judges stray text after an entry in that entry's context) to the last entry
    // starting at or before the change's end.
    const touched = lowerBound(spans, n, prefix, 1);
    const first = Math.max(0, touched - 1);
    let last = upperBound(spans, n, changeEnd, 0);
    if (last < first) last = first;
    // The stretch ends where the next entry starts, which must begin a line: the reader cuts
    // an open entry there, so reading the stretch alone gives what reading the whole file would.
    while (last < n && !startsLine(old, spans[2 * last])) last++;
    // Everything before the first entry's start is unchanged and keeps its reading.
    const from = touched > 0 ? spans[2 * first] : 0;
    const to = last < n ? spans[2 * last] : old.length;
    if (to - from > FULL_READ_SHARE * old.length && old.length > CHUNK_CHARS) return undefined;
    const delta = text.length - old.length;
    if (MACRO_OR_PREAMBLE.test(old.slice(from, to)) || MACRO_OR_PREAMBLE.test(text.slice(from, to + delta))) return undefined;
    return { first, last, from, to, delta };
  }
}

function moved(d: Diagnostic, delta: number): Diagnostic {
  return { ...d, span: { start: d.span.start + delta, end: d.span.end + delta } };
}

function relocate(d: Diagnostic, lines: LineIndex): void {
  const p = lines.positionAt(d.span.start);
  d.line = p.line;
  d.column = p.column;
}

function startsLine(text: string, offset: number): boolean {
  if (offset === 0) return true;
  const c = text.charCodeAt(offset - 1);
  return c === 10 || c === 13;
}

/** First entry i with spans[2i + which] >= offset. */
function lowerBound(spans: Int32Array, n: number, offset: number, which: 0 | 1): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[2 * mid + which] >= offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One past the last entry i with spans[2i + which] <= offset. */
function upperBound(spans: Int32Array, n: number, offset: number, which: 0 | 1): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[2 * mid + which] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Compares in 64 KB steps (string equality is a memory compare) before going char by char. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  const STEP = 1 << 16;
  let i = 0;
  while (i + STEP <= n && a.slice(i, i + STEP) === b.slice(i, i + STEP)) i += STEP;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

export function commonSuffix(a: string, b: string, max: number): number {
  const STEP = 1 << 16;
  let i = 0;
  while (i + STEP <= max && a.slice(a.length - i - STEP, a.length - i) === b.slice(b.length - i - STEP, b.length - i)) i += STEP;
  while (i < max && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

function entrySpans(flat: FlatEntries): Int32Array {
  const spans = new Int32Array(2 * flat.count);
  const numbers = flat.numbers;
  let n = 0;
  for (let i = 0; i < flat.count; i++) {
    spans[2 * i] = numbers[n];
    spans[2 * i + 1] = numbers[n + 1];
    n += 8 + 6 * numbers[n + 4];
  }
  return spans;
}

/** Where the next entry at or after `offset` begins a line (`@type{` or `@type(`), else `end`. */
export function nextEntryStart(text: string, offset: number, end: number): number {
  let i = offset;
  for (;;) {
    i = text.indexOf('\n@', i);
    if (i === -1 || i + 1 >= end) return end;
    let j = i + 2;
    while (j < end && isTypeChar(text.charCodeAt(j))) j++;
    while (j < end && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    const c = text.charCodeAt(j);
    if (j > i + 2 && (c === 123 || c === 40)) return i + 1;
    i += 2;
  }
}

function isTypeChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

interface ChunkedRead {
  entries: FlatEntries;
  diagnostics: Diagnostic[];
  strings: Record<string, string>;
  preambles: string[];
}

/**
 * Reads text[from, to) as BibTeX in chunks of whole entries, pausing between chunks when
 * `options.pause` is given. Offsets in the result are offsets into `text`; diagnostics'
 * line and column are fixed by the caller (it has the whole text's line index).
 */
export async function readChunks(text: string, from: number, to: number, file: string, macros: Record<string, string>, options: ReadOptions = {}): Promise<ChunkedRead> {
  const clock = options.clock ?? Date.now;
  const sliceMs = options.sliceMs ?? 20;
  const strings: Record<string, string> = { ...macros };
  const defined: Record<string, string> = {};
  const preambles: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const numberParts: Int32Array[] = [];
  const stringParts: string[] = [];
  const displayNumberParts: Int32Array[] = [];
  const displayStringParts: string[] = [];
  let count = 0;
  let sliceStart = clock();
  let at = from;
  while (at < to) {
    const end = to - at <= CHUNK_CHARS ? to : nextEntryStart(text, at + CHUNK_CHARS, to);
    const result = parseBibtex(at === 0 && end === text.length ? text : text.slice(at, end), file, { strings });
    for (const name in result.strings) strings[name] = defined[name] = result.strings[name];
    preambles.push(...result.preambles);
    for (const d of result.diagnostics) diagnostics.push(at === 0 ? d : { ...d, span: { start: d.span.start + at, end: d.span.end + at } });
    const flat = flattenEntries(result.entries, at, true);
    numberParts.push(flat.numbers);
    stringParts.push(flat.strings);
    displayNumberParts.push(flat.displays!.numbers);
    displayStringParts.push(flat.displays!.strings);
    count += flat.count;
    at = end;
    if (options.pause && at < to && clock() - sliceStart >= sliceMs) {
      await options.pause();
      sliceStart = clock();
    }
  }
  const entries: FlatEntries = { count, numbers: concat(numberParts), strings: stringParts.join(''), displays: { numbers: concat(displayNumberParts), strings: displayStringParts.join('') } };
  return { entries, diagnostics, strings: from === 0 && to === text.length ? defined : { ...macros, ...defined }, preambles };
}

/**
 * The entry list after a patch: the previous entries with the replaced ones swapped for
 * `added` (rebuilt from `patch.added`) and the later ones moved by `patch.delta` in place.
 */
export function spliceEntries<E extends { shift(delta: number): void }>(entries: readonly E[], patch: CollectionPatch, added: readonly E[]): { entries: E[]; removed: E[] } {
  const end = patch.from + patch.removed;
  const removed = entries.slice(patch.from, end);
  const tail = entries.slice(end);
  if (patch.delta !== 0) for (const e of tail) e.shift(patch.delta);
  return { entries: entries.slice(0, patch.from).concat(added, tail), removed };
}

function concat(parts: Int32Array[]): Int32Array {
  if (parts.length === 1) return parts[0];
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `new LineIndex(text)`, pausing between slices when asked (a 50 MB file has 1.5 M lines). */
async function lineIndexOf(text: string, options: ReadOptions): Promise<LineIndex> {
  if (!options.pause || text.length <= CHUNK_CHARS * 8) return new LineIndex(text);
  const clock = options.clock ?? Date.now;
  const scanner = new LineScanner(text);
  let sliceStart = clock();
  while (scanner.scan(0x10000)) {
    if (clock() - sliceStart >= (options.sliceMs ?? 20)) {
      await options.pause();
      sliceStart = clock();
    }
  }
  return scanner.lineIndex;
}
