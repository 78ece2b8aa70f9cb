/**
 * Damages BibTeX entries the way real files get damaged, for the "broken variant" of the
 * benchmarks and for recovery tests. Each breakage stays inside its own entry, so a reader
 * that recovers per entry should still read every entry that was not broken.
 *
 * An entry is taken to run from a line beginning with `@` to the next such line.
 */

export type Breakage = 'missing-closing-brace' | 'missing-comma' | 'missing-equals' | 'stray-at' | 'missing-key';

export const BREAKAGES: readonly Breakage[] = [
  'missing-closing-brace',
  'missing-comma',
  'missing-equals',
  'stray-at',
  'missing-key',
];

/** `@type{key,` at the start of an entry (BibTeX also allows `(`). */
const ENTRY_HEADER = /^@([A-Za-z][\w-]*)[ \t]*[{(][ \t]*([^\s,{}()"=#%]+)[ \t]*,/;

/** A field name at the start of a line, up to and including the `=` and the blanks after it. */
const FIELD_START = /^([ \t]*)([A-Za-z][\w:.+-]*)[ \t]*=[ \t]*/gm;

/** Entry types that hold no citation: never broken, never counted. */
const NON_ENTRY_TYPES = new Set(['string', 'comment', 'preamble']);

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same sequence. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FieldLocation {
  lineStart: number;
  equals: number;
  valueStart: number;
}

function fieldLocations(entry: string): FieldLocation[] {
  const locations: FieldLocation[] = [];
  FIELD_START.lastIndex = 0;
  for (let match = FIELD_START.exec(entry); match; match = FIELD_START.exec(entry)) {
    if (match.index === 0) continue; // the header line, not a field
    const equals = entry.indexOf('=', match.index + match[1].length + match[2].length);
    locations.push({ lineStart: match.index, equals, valueStart: match.index + match[0].length });
  }
  return locations;
}

/** Key of a well-formed entry header (not `@string`/`@comment`/`@preamble`), else undefined. */
export function entryKey(entry: string): string | undefined {
  const header = ENTRY_HEADER.exec(entry);
  if (!header || NON_ENTRY_TYPES.has(header[1].toLowerCase())) return undefined;
  return header[2];
}

/** Whether `breakEntry` can damage this entry: a proper header and at least two fields. */
export function canBreak(entry: string): boolean {
  return entryKey(entry) !== undefined && fieldLocations(entry).length >= 2;
}

/**
 * Returns the entry text with one breakage applied. The entry must satisfy `canBreak`.
 * `random` picks which field is damaged, so the same sequence gives the same result.
 */
export function breakEntry(entry: string, breakage: Breakage, random: () => number): string {
  const fields = fieldLocations(entry);
  const pick = (count: number): number => Math.floor(random() * count);
  switch (breakage) {
    case 'missing-closing-brace': {
      const opener = ENTRY_HEADER.exec(entry)![0].includes('(') ? ')' : '}';
      const close = entry.lastIndexOf(opener);
      return entry.slice(0, close) + entry.slice(close + 1);
    }
    case 'missing-comma': {
      // Drop the comma that ends a field other than the last one.
      const next = fields[1 + pick(fields.length - 1)];
      let i = next.lineStart - 1;
      while (i > 0 && /\s/.test(entry[i])) i--;
      if (entry[i] !== ',') return breakEntry(entry, 'missing-equals', random);
      return entry.slice(0, i) + entry.slice(i + 1);
    }
    case 'missing-equals': {
      const field = fields[pick(fields.length)];
      return entry.slice(0, field.equals) + entry.slice(field.equals + 1);
    }
    case 'stray-at': {
      const field = fields[pick(fields.length)];
      if (random() < 0.5) {
        // `title = @{...}`: an `@` where a value should start.
        return entry.slice(0, field.valueStart) + '@' + entry.slice(field.valueStart);
      }
      // An e-mail address left without braces.
      const indent = /^[ \t]*/.exec(entry.slice(field.lineStart))![0];
      const note = `${indent}note = contact: j.doe@example.org,\n`;
      return entry.slice(0, field.lineStart) + note + entry.slice(field.lineStart);
    }
    case 'missing-key': {
      const header = ENTRY_HEADER.exec(entry)!;
      const keyStart = header[0].indexOf(header[2]);
      return entry.slice(0, keyStart) + entry.slice(header[0].length);
    }
  }
}

/** Offsets of the lines that begin with `@`. */
function entryStarts(text: string): number[] {
  const starts: number[] = [];
  if (text.startsWith('@')) starts.push(0);
  let i = text.indexOf('\n@');
  while (i !== -1) {
    starts.push(i + 1);
    i = text.indexOf('\n@', i + 1);
  }
  return starts;
}

export interface BreakResult {
  text: string;
  /** Keys of the entries that were broken, in file order. */
  brokenKeys: string[];
  /** The breakage applied to each of `brokenKeys`. */
  breakages: Breakage[];
  /** Keys of the well-formed entries left as they were, in file order. */
  intactKeys: string[];
}

/**
 * Breaks one entry in every `n` entries that can be broken (a random one within each run of
 * `n`, breakages varied), leaving every other byte of the text as it was.
 */
export function breakEveryNth(text: string, n: number, seed = 1): BreakResult {
  if (!(n >= 1)) throw new RangeError(`n must be at least 1, got ${n}`);
  const random = createRandom(seed);
  const starts = entryStarts(text);
  const parts: string[] = [text.slice(0, starts.length > 0 ? starts[0] : text.length)];
  const brokenKeys: string[] = [];
  const breakages: Breakage[] = [];
  const intactKeys: string[] = [];
  let candidateIndex = 0;
  let chosenInRun = 0;
  for (let i = 0; i < starts.length; i++) {
    const entry = text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : text.length);
    const key = entryKey(entry);
    if (key === undefined || !canBreak(entry)) {
      if (key !== undefined) intactKeys.push(key);
      parts.push(entry);
      continue;
    }
    const positionInRun = candidateIndex % n;
    if (positionInRun === 0) chosenInRun = Math.floor(random() * n);
    candidateIndex++;
    if (positionInRun === chosenInRun) {
      const breakage = BREAKAGES[Math.floor(random() * BREAKAGES.length)];
      parts.push(breakEntry(entry, breakage, random));
      brokenKeys.push(key);
      breakages.push(breakage);
    } else {
      parts.push(entry);
      intactKeys.push(key);
    }
  }
  return { text: parts.join(''), brokenKeys, breakages, intactKeys };
}
