/**
 * BibTeX name lists: splitting on `and`, parsing "First von Last" / "von Last, First" /
 * "von Last, Jr, First", display formatting and identity keys for facets and search.
 *
 * Everything is an iterative scan over the string, tolerant of unbalanced braces and
 * garbage: these functions never throw.
 */

import { latexToUnicode } from './latex';
import type { Person } from './model';

/**
 * Splits a BibTeX name list on ` and ` (any case, any whitespace around it, only outside
 * braces, so `{Barnes and Noble}` stays whole). Empty items are dropped.
 */
export function splitNameList(raw: string): string[] {
  const names: string[] = [];
  const n = raw.length;
  let depth = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) {
      if (depth > 0) depth--;
    } else if (depth === 0 && isSpace(c) && isAndAt(raw, i + 1)) {
      pushTrimmed(names, raw.slice(start, i));
      // Resume at the whitespace after "and", which may itself precede another "and".
      i += 3;
      start = i + 1;
    }
  }
  pushTrimmed(names, raw.slice(start));
  return names;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** "and" (any case) at `i`, followed by whitespace. */
function isAndAt(s: string, i: number): boolean {
  return (
    i + 3 < s.length &&
    (s.charCodeAt(i) | 32) === 97 &&
    (s.charCodeAt(i + 1) | 32) === 110 &&
    (s.charCodeAt(i + 2) | 32) === 100 &&
    isSpace(s.charCodeAt(i + 3))
  );
}

function pushTrimmed(list: string[], s: string): void {
  const trimmed = s.trim();
  if (trimmed.length > 0) list.push(trimmed);
}

/**
 * Parses one BibTeX name. The von part is the run of words starting lower-case, found as
 * BibTeX does; one deliberate difference: a hyphenated word (`Jin-hwa`) is one word whose
 * case is that of its first letter, so "Jin-hwa Kim" gets given name "Jin-hwa" rather than
 * a von part "hwa". A whole-braced name (`{World Health Organization}`) is kept whole as
 * `literal` (and as `family`, so code reading only `family` still sees it).
 */
export function parseName(raw: string): Person {
  const trimmed = raw.trim();
  if (isWholeBraced(trimmed)) {
    const literal = latexToUnicode(trimmed);
    return { given: '', von: '', family: literal, suffix: '', literal };
  }
  const parts = splitWordsAndCommas(trimmed);
  if (parts.length === 0) return { given: '', von: '', family: '', suffix: '' };
  let given: string[] = [];
  let von: string[] = [];
  let family: string[] = [];
  let suffix: string[] = [];

  if (parts.length === 1) {
    // First von Last
    const words = parts[0];
    const last = words.length - 1;
    let vonStart = -1;
    let vonEnd = -1;
    for (let k = 0; k < last; k++) {
      if (wordCase(words[k]) === 'lower') {
        if (vonStart < 0) vonStart = k;
        vonEnd = k;
      }
    }
    if (vonStart < 0) {
      given = words.slice(0, last);
      family = words.slice(last);
    } else {
      given = words.slice(0, vonStart);
      von = words.slice(vonStart, vonEnd + 1);
      family = words.slice(vonEnd + 1);
    }
  } else {
    // von Last, First  |  von Last, Jr, First (more commas: the rest joins First)
    const words = parts[0];
    let vonEnd = -1;
    for (let k = words.length - 2; k >= 0; k--) {
      if (wordCase(words[k]) === 'lower') {
        vonEnd = k;
        break;
      }
    }
    von = words.slice(0, vonEnd + 1);
    family = words.slice(vonEnd + 1);
    if (parts.length === 2) given = parts[1];
    else {
      suffix = parts[1];
      given = parts.slice(2).flatMap((part, k) => (k === 0 ? part : [',', ...part]));
    }
  }

  const person: Person = {
    given: joinWords(given).replace(/ ,/g, ','),
    von: joinWords(von),
    family: joinWords(family),
    suffix: joinWords(suffix),
  };
  // ", John" or "de la": keep the name findable under a family name rather than none.
  if (person.family === '') {
    if (person.von !== '') {
      person.family = person.von;
      person.von = '';
    } else if (person.given !== '') {
      person.family = person.given;
      person.given = '';
    }
  }
  return person;
}

function joinWords(words: string[]): string {
  return words.length === 0 ? '' : latexToUnicode(words.join(' '));
}

/** `{…}` where the first brace's partner is the last character. */
function isWholeBraced(s: string): boolean {
  if (s.length < 2 || s.charCodeAt(0) !== 123 || s.charCodeAt(s.length - 1) !== 125) return false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) {
      depth--;
      if (depth === 0) return i === s.length - 1;
    }
  }
  return false;
}

/**
 * Comma-separated parts (at brace depth 0), each a list of words separated by whitespace or
 * `~` at depth 0. Empty parts are dropped, so stray commas do no harm.
 */
function splitWordsAndCommas(s: string): string[][] {
  const parts: string[][] = [];
  let words: string[] = [];
  let depth = 0;
  let wordStart = -1;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 44; // a virtual comma ends the last part
    if (c === 123) depth++;
    else if (c === 125) {
      if (depth > 0) depth--;
    } else if (depth === 0 || i === n) {
      const isComma = c === 44;
      if (isComma || isSpace(c) || c === 126) {
        if (wordStart >= 0) words.push(s.slice(wordStart, i));
        wordStart = -1;
        if (isComma) {
          if (words.length > 0) parts.push(words);
          words = [];
        }
        continue;
      }
    }
    if (wordStart < 0) wordStart = i;
  }
  return parts;
}

/** Foreign-letter commands that are themselves the letter: their case is the name's. */
const LETTER_COMMANDS: ReadonlySet<string> = new Set([
  'oe',
  'OE',
  'ae',
  'AE',
  'aa',
  'AA',
  'o',
  'O',
  'l',
  'L',
  'ss',
  'i',
  'j',
  'dh',
  'DH',
  'th',
  'TH',
  'ng',
  'NG',
  'dj',
  'DJ',
]);

type WordCase = 'lower' | 'upper' | 'none';

/**
 * The case of a word as BibTeX sees it: the first letter at brace depth 0 decides; a
 * "special character" `{\"u}` counts as its letter (`u`), `{\o}` as the command's case;
 * other braced groups are caseless and skipped. Unbraced accents (`\"u`) are read the
 * same way as special characters, where BibTeX would look at the command name.
 */
function wordCase(word: string): WordCase {
  const n = word.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = word.charCodeAt(i);
    if (c === 123) {
      if (depth === 0 && word.charCodeAt(i + 1) === 92) {
        const end = groupEnd(word, i);
        const special = commandLetterCase(word, i + 1, end);
        if (special !== 'none') return special;
        i = end + 1;
        continue;
      }
      depth++;
    } else if (c === 125) {
      if (depth > 0) depth--;
    } else if (depth === 0) {
      if (c === 92) {
        const found = commandLetterCase(word, i, n);
        if (found !== 'none') return found;
        return 'none';
      }
      const letterCase = charCase(word[i]);
      if (letterCase !== 'none') return letterCase;
    }
    i++;
  }
  return 'none';
}

/** Index of the `}` closing the group opened at `open` (or the end). */
function groupEnd(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return s.length;
}

/** Case of the letter a command sequence starting at `from` (a backslash) stands on. */
function commandLetterCase(s: string, from: number, to: number): WordCase {
  let i = from;
  while (i < to) {
    const c = s.charCodeAt(i);
    if (c === 92) {
      i++;
      const nameStart = i;
      while (i < to && isAsciiLetterCode(s.charCodeAt(i))) i++;
      if (i === nameStart) {
        i++; // control symbol such as \" or \'
        continue;
      }
      const name = s.slice(nameStart, i);
      if (LETTER_COMMANDS.has(name)) return charCase(name[0]);
      continue;
    }
    const letterCase = charCase(s[i]);
    if (letterCase !== 'none') return letterCase;
    i++;
  }
  return 'none';
}

function isAsciiLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function charCase(ch: string): WordCase {
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  if (lower === upper) return 'none';
  return ch === lower ? 'lower' : 'upper';
}

/**
 * Parses a BibTeX name list. A final `and others` sets `etAl` and is not a person.
 * With `limit`, only the first `limit` people are parsed (a short byline needs three).
 */
export function parseNames(raw: string, limit = Infinity): { people: Person[]; etAl: boolean } {
  const names = splitNameList(raw);
  let etAl = false;
  if (names.length > 0 && names[names.length - 1].toLowerCase() === 'others') {
    names.pop();
    etAl = true;
  }
  const people: Person[] = [];
  for (const name of names) {
    if (people.length >= limit) break;
    const person = parseName(name);
    if (person.family !== '' || person.given !== '') people.push(person);
  }
  return { people, etAl };
}

/** "Given von Family, Suffix"; a literal name as is. */
export function formatName(p: Person): string {
  if (p.literal) return p.literal;
  let name = [p.given, p.von, p.family].filter((part) => part !== '').join(' ');
  if (p.suffix !== '') name += ', ' + p.suffix;
  return name;
}

function familyWithVon(p: Person): string {
  if (p.literal) return p.literal;
  return p.von !== '' ? `${p.von} ${p.family}` : p.family;
}

/** "Oh", "Oh and Kim", "Oh et al." (family names with their von part). */
export function formatAuthorsShort(people: Person[], etAl: boolean): string {
  if (people.length === 0) return '';
  const first = familyWithVon(people[0]);
  if (people.length === 1) return etAl ? `${first} et al.` : first;
  if (people.length === 2 && !etAl) return `${first} and ${familyWithVon(people[1])}`;
  return `${first} et al.`;
}

/**
 * One key per person however the name is written: LaTeX or Unicode accents, either name
 * order, any case. Family (with von) and the first given name are folded and stripped of
 * everything but letters and digits. The full first given name is used, not an initial, so
 * "S. J. Oh" and "Seong Joon Oh" get different keys: merging on initials would join
 * different people sharing a family name, which is worse for facets than a split.
 */
export function personKey(p: Person): string {
  if (p.literal) return keyPart(p.literal) + '|';
  const firstGiven = p.given.split(/[\s\u00A0]+/, 1)[0] ?? '';
  return keyPart(familyWithVon(p)) + '|' + keyPart(firstGiven);
}

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

function keyPart(s: string): string {
  return foldForSearch(s).replace(NOT_LETTER_OR_DIGIT, '');
}

/** Letters that have no Unicode decomposition to a base letter. */
const FOLDED_LETTERS: ReadonlyMap<string, string> = new Map([
  ['ß', 'ss'],
  ['ø', 'o'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ł', 'l'],
  ['đ', 'd'],
  ['ð', 'd'],
  ['þ', 'th'],
  ['ı', 'i'],
  ['ȷ', 'j'],
  ['ħ', 'h'],
  ['ŧ', 't'],
  ['ŋ', 'n'],
  ['ĸ', 'k'],
  ['ƒ', 'f'],
  ['ς', 'σ'],
  ['‘', "'"],
  ['’', "'"],
  ['‚', "'"],
  ['′', "'"],
  ['“', '"'],
  ['”', '"'],
  ['„', '"'],
  ['–', '-'],
  ['—', '-'],
  ['‐', '-'],
  ['‑', '-'],
]);

const NEEDS_LETTER_FOLDING = /[ßøæœłđðþıȷħŧŋĸƒς‘’‚′“”„–—‐‑]/g;
const COMBINING_MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Lower-cases and strips diacritics for searching and keys: `Mucsányi` → `mucsanyi`,
 * `Straße` → `strasse`, `Łukasz` → `lukasz`, `ﬁ` → `fi`, `x²` → `x2`, curly quotes and
 * dashes → ASCII.
 */
export function foldForSearch(s: string): string {
  if (!NON_ASCII.test(s)) return s.toLowerCase();
  return s
    .normalize('NFKD')
    .toLowerCase()
    .replace(COMBINING_MARKS, '')
    .replace(NEEDS_LETTER_FOLDING, (ch) => FOLDED_LETTERS.get(ch) ?? ch);
}
