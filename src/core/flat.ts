/**
 * A parse result flattened into one `Int32Array` and one string, and entries rebuilt from it.
 *
 * Why: a 50 MB collection has 88,000 entries and 700,000 fields. Sent between threads as
 * objects, the receiving side would spend seconds deserialising them in one go; flattened,
 * the numbers travel as a transferable buffer, the strings as one string, and the receiver
 * rebuilds entries in slices of a few milliseconds (`FlatEntryReader`). The persistent
 * cache stores the same form. Rebuilt entries are `MovableEntry`s: an edit earlier in the
 * file shifts them in place instead of re-reading them (see incremental.ts).
 */
import { LineIndexHolder, MovableEntry, MovableField } from './entries';
import { Entry, Field, PaperDisplay, Person, SourceFormat } from './model';
import { paperDisplay } from './paper';

/** Numbers per entry: start, end, keyStart, keyEnd, field count, broken, type length, key length. */
const ENTRY_INTS = 8;
/** Numbers per field: value start, value end, name start, name end, name length, raw length. */
const FIELD_INTS = 6;

export interface FlatEntries {
  count: number;
  /** Entry and field records in source order (see ENTRY_INTS / FIELD_INTS). */
  numbers: Int32Array;
  /** Type, key, then each field's name and raw value of every entry, concatenated. */
  strings: string;
  /** Each entry's `PaperDisplay` (see `flattenDisplays`), when computed by the reader. */
  displays?: { numbers: Int32Array; strings: string };
}

/**
 * Displays per entry: present (0/1), etAl, author count, keyword count, lengths of title,
 * year, venue, arXiv class, of each keyword, then per author: literal (0/1) and the lengths
 * of given, von, family, suffix (and literal).
 */
function flattenDisplays(entries: readonly Entry[]): { numbers: Int32Array; strings: string } {
  const numbers: number[] = [];
  const parts: string[] = [];
  for (const e of entries) {
    const d = paperDisplay(e);
    if (!d) {
      numbers.push(0);
      continue;
    }
    numbers.push(1, d.etAl ? 1 : 0, d.authors.length, d.keywords.length, d.title.length, d.year.length, d.venue.length, d.arxivClass.length);
    parts.push(d.title, d.year, d.venue, d.arxivClass);
    for (const k of d.keywords) {
      numbers.push(k.length);
      parts.push(k);
    }
    for (const a of d.authors) {
      const literal = a.literal !== undefined;
      numbers.push(literal ? 1 : 0, a.given.length, a.von.length, a.family.length, a.suffix.length);
      parts.push(a.given, a.von, a.family, a.suffix);
      if (literal) {
        numbers.push(a.literal!.length);
        parts.push(a.literal!);
      }
    }
  }
  return { numbers: Int32Array.from(numbers), strings: parts.join('') };
}

/** Reads displays back, in entry order; undefined for entries without one. */
class DisplayReader {
  constructor(
    private readonly flat: { numbers: Int32Array; strings: string },
    private n = 0,
    private s = 0,
  ) {}

  next(): PaperDisplay | undefined {
    const { numbers, strings } = this.flat;
    if (numbers[this.n++] === 0) return undefined;
    let n = this.n;
    let s = this.s;
    const take = (len: number) => strings.slice(s, (s += len));
    const etAl = numbers[n] === 1;
    const authorCount = numbers[n + 1];
    const keywordCount = numbers[n + 2];
    const title = take(numbers[n + 3]);
    const year = take(numbers[n + 4]);
    const venue = take(numbers[n + 5]);
    const arxivClass = take(numbers[n + 6]);
    n += 7;
    const keywords: string[] = [];
    for (let i = 0; i < keywordCount; i++) keywords.push(take(numbers[n++]));
    const authors: Person[] = [];
    for (let i = 0; i < authorCount; i++) {
      const literal = numbers[n] === 1;
      const person: Person = { given: take(numbers[n + 1]), von: take(numbers[n + 2]), family: take(numbers[n + 3]), suffix: take(numbers[n + 4]) };
      n += 5;
      if (literal) person.literal = take(numbers[n++]);
      authors.push(person);
    }
    this.n = n;
    this.s = s;
    return { authors, etAl, title, year, venue, keywords, arxivClass };
  }
}


/**
 * Flattens entries; `shift` is added to every offset (for entries read from a slice of a
 * file). With `withDisplays`, each entry's paper display is computed and included.
 */
export function flattenEntries(entries: readonly Entry[], shift = 0, withDisplays = false): FlatEntries {
  let ints = 0;
  let chars = 0;
  for (const e of entries) {
    ints += ENTRY_INTS;
    chars += e.type.length + e.key.length;
    for (const name in e.fields) {
      ints += FIELD_INTS;
      chars += name.length + e.fields[name].raw.length;
    }
  }
  const numbers = new Int32Array(ints);
  const parts: string[] = [];
  let n = 0;
  for (const e of entries) {
    const span = e.span;
    const keySpan = e.keySpan;
    const fieldNames = Object.keys(e.fields);
    numbers[n++] = span.start + shift;
    numbers[n++] = span.end + shift;
    numbers[n++] = keySpan.start + shift;
    numbers[n++] = keySpan.end + shift;
    numbers[n++] = fieldNames.length;
    numbers[n++] = e.broken ? 1 : 0;
    numbers[n++] = e.type.length;
    numbers[n++] = e.key.length;
    parts.push(e.type, e.key);
    for (const name of fieldNames) {
      const f = e.fields[name];
      const valueSpan = f.span;
      const nameSpan = f.nameSpan;
      numbers[n++] = valueSpan.start + shift;
      numbers[n++] = valueSpan.end + shift;
      numbers[n++] = nameSpan.start + shift;
      numbers[n++] = nameSpan.end + shift;
      numbers[n++] = name.length;
      numbers[n++] = f.raw.length;
      parts.push(name, f.raw);
    }
  }
  const strings = parts.join('');
  if (strings.length !== chars) throw new Error('flattenEntries: string length mismatch');
  return withDisplays ? { count: entries.length, numbers, strings, displays: flattenDisplays(entries) } : { count: entries.length, numbers, strings };
}



/**
 * Rebuilds entries from `FlatEntries` a slice at a time: `next(budgetMs)` reads until the
 * budget is spent and returns false when every entry has been read.
 */
export class FlatEntryReader {
  readonly entries: MovableEntry[] = [];
  private n = 0;
  private s = 0;
  private readonly displays: DisplayReader | undefined;
  /** Entry types and field names repeat: one string each (700,000 fields, a few dozen names). */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly flat: FlatEntries,
    private readonly file: string,
    private readonly format: SourceFormat,
    private readonly lines: LineIndexHolder,
    private readonly clock: () => number = Date.now,
    /** Where to start (an entry's place from `flatKeys`); the start of `flat` by default. */
    from?: FlatPlace,
  ) {
    if (from) {
      this.n = from.numbers;
      this.s = from.strings;
    }
    this.displays = flat.displays ? new DisplayReader(flat.displays, from?.displayNumbers, from?.displayStrings) : undefined;
  }

  /** The one entry at `place` of `flat`. */
  static entryAt(flat: FlatEntries, place: FlatPlace, file: string, format: SourceFormat, lines: LineIndexHolder): MovableEntry {
    const reader = new FlatEntryReader({ ...flat, count: 1 }, file, format, lines, Date.now, place);
    reader.next();
    return reader.entries[0];
  }

  get done(): boolean {
    return this.entries.length >= this.flat.count;
  }

  next(budgetMs = Infinity): boolean {
    const { numbers, strings, count } = this.flat;
    const start = budgetMs === Infinity ? 0 : this.clock();
    let n = this.n;
    let s = this.s;
    const out = this.entries;
    while (out.length < count) {
      const eStart = numbers[n];
      const eEnd = numbers[n + 1];
      const kStart = numbers[n + 2];
      const kEnd = numbers[n + 3];
      const fieldCount = numbers[n + 4];
      const broken = numbers[n + 5] === 1;
      const type = intern(this.names, strings.slice(s, (s += numbers[n + 6])));
      const key = strings.slice(s, (s += numbers[n + 7]));
      n += ENTRY_INTS;
      const fields: Record<string, Field> = {};
      for (let i = 0; i < fieldCount; i++, n += FIELD_INTS) {
        const name = intern(this.names, strings.slice(s, (s += numbers[n + 4])));
        const raw = strings.slice(s, (s += numbers[n + 5]));
        fields[name] = new MovableField(name, raw, numbers[n], numbers[n + 1], numbers[n + 2], numbers[n + 3]);
      }
      const entry = new MovableEntry(type, key, this.file, this.format, eStart, eEnd, kStart, kEnd, this.lines, fields);
      if (broken) entry.broken = true;
      const display = this.displays?.next();
      if (display) entry.display = display;
      out.push(entry);
      if (budgetMs !== Infinity && (out.length & 63) === 0 && this.clock() - start >= budgetMs) break;
    }
    this.n = n;
    this.s = s;
    return out.length < count;
  }
}

/** Where one entry's records start in a `FlatEntries`. */
export interface FlatPlace {
  numbers: number;
  strings: number;
  displayNumbers: number;
  displayStrings: number;
}

/**
 * Every entry's key and place, without building entries: a pass over the numbers (a few
 * milliseconds for 88,000 entries), so a typed key can be answered while the entries are built.
 */
export function flatKeys(flat: FlatEntries): { keys: string[]; places: Int32Array } {
  const { numbers, strings, count } = flat;
  const keys: string[] = new Array(count);
  const places = new Int32Array(4 * count);
  const dn = flat.displays?.numbers;
  let n = 0;
  let s = 0;
  let d = 0;
  let ds = 0;
  for (let i = 0; i < count; i++) {
    places[4 * i] = n;
    places[4 * i + 1] = s;
    places[4 * i + 2] = d;
    places[4 * i + 3] = ds;
    const fieldCount = numbers[n + 4];
    s += numbers[n + 6];
    keys[i] = strings.slice(s, s + numbers[n + 7]);
    s += numbers[n + 7];
    n += ENTRY_INTS;
    for (let f = 0; f < fieldCount; f++, n += FIELD_INTS) s += numbers[n + 4] + numbers[n + 5];
    if (dn) {
      // Mirrors DisplayReader.next: present, etAl, counts, 4 lengths, keywords, authors.
      if (dn[d++] === 0) continue;
      const authorCount = dn[d + 1];
      const keywordCount = dn[d + 2];
      ds += dn[d + 3] + dn[d + 4] + dn[d + 5] + dn[d + 6];
      d += 7;
      for (let k = 0; k < keywordCount; k++) ds += dn[d++];
      for (let a = 0; a < authorCount; a++) {
        const literal = dn[d] === 1;
        ds += dn[d + 1] + dn[d + 2] + dn[d + 3] + dn[d + 4];
        d += 5;
        if (literal) ds += dn[d++];
      }
    }
  }
  return { keys, places };
}

/** All entries of `flat` at once (tests, the CLI, small files). */
export function unflattenEntries(flat: FlatEntries, file: string, format: SourceFormat, lines: LineIndexHolder): MovableEntry[] {
  const reader = new FlatEntryReader(flat, file, format, lines);
  reader.next();
  return reader.entries;
}

function intern(table: Map<string, string>, s: string): string {
  const known = table.get(s);
  if (known !== undefined) return known;
  if (table.size < 4096) table.set(s, s);
  return s;
}
