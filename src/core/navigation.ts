/**
 * Pure helpers behind go-to-definition, references, rename and citation diagnostics: which
 * key sits at an offset of a collection, whether a new key is acceptable, which citations of
 * a document are undefined or differ in case, and which LaTeX file is a main file.
 */
import { Citation } from './citations';
import { keySpansInValue, Library } from './library';
import { Entry } from './model';

/** Characters a citation key cannot contain (BibTeX, biblatex and CSL-JSON agree on these). */
const FORBIDDEN_KEY_CHARS = ',{}()"#%\'=\\';

/** Why `key` cannot be a citation key, or undefined when it can. */
export function invalidKeyReason(key: string): string | undefined {
  if (key.length === 0) return 'A citation key cannot be empty.';
  if (/\s/.test(key)) return `'${key}' is not a valid citation key: it contains white space.`;
  const bad = [...key].find((c) => FORBIDDEN_KEY_CHARS.includes(c));
  if (bad !== undefined) return `'${key}' is not a valid citation key: it contains '${bad}' (none of , { } ( ) " # % ' = \\ may appear in a key).`;
  if (key.startsWith('@')) return `'${key}' is not a valid citation key: it starts with '@'.`;
  return undefined;
}

/** Can `key` be written as a bare Pandoc citation (`@key`, `[@key]`)? */
export function isBarePandocKey(key: string): boolean {
  return /^[\p{L}\p{N}_][\p{L}\p{N}_:.#$%&\-+?<>~/]*$/u.test(key) && !/[:.#$%&\-+?<>~/]$/.test(key);
}

export interface KeyInCollection {
  /** The key written there. */
  key: string;
  start: number;
  end: number;
  /** `entry`: the key of an entry; `crossref`/`xdata`: a parent key in that field's value. */
  kind: 'entry' | 'crossref' | 'xdata';
  /** The entry the offset is in. */
  entry: Entry;
}

/**
 * The key at `offset` of a collection file: an entry's own key, or a key inside its
 * `crossref`/`xdata` value. `entries` are the file's entries in source order. Offsets at
 * either end of a key count as on it (the cursor may sit just after it).
 */
export function keyInCollectionAt(entries: readonly Entry[], offset: number): KeyInCollection | undefined {
  // Entries are in source order: binary search for the last one starting at or before offset.
  let lo = 0;
  let hi = entries.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid].span.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = found; i >= 0 && i >= found - 1; i--) {
    const entry = entries[i];
    if (offset > entry.span.end) continue;
    if (entry.key && entry.keySpan.start <= offset && offset <= entry.keySpan.end) return { key: entry.key, start: entry.keySpan.start, end: entry.keySpan.end, kind: 'entry', entry };
    for (const name of ['crossref', 'xdata'] as const) {
      const field = entry.fields[name];
      if (!field || offset < field.span.start || offset > field.span.end) continue;
      for (const k of keySpansInValue(field)) if (k.start <= offset && offset <= k.end) return { key: k.key, start: k.start, end: k.end, kind: name, entry };
    }
  }
  return undefined;
}

export interface CitationProblem {
  kind: 'undefined-key' | 'case-mismatch';
  key: string;
  start: number;
  end: number;
  /** For `case-mismatch`: the entries' spellings of the key. */
  spellings: string[];
  /** For `undefined-key` in a scoped check: files outside the scope that define the key. */
  definedIn: string[];
}

/** Is `key` (or the entry it is an `ids` alias of) defined in one of `scope`'s files (all files when undefined)? */
export function isDefinedIn(library: Library, key: string, scope?: ReadonlySet<string>): boolean {
  if (!scope) return library.has(key);
  if (library.definitions(key).some((e) => scope.has(e.file))) return true;
  const target = library.aliasTarget(key);
  return target !== undefined && library.definitions(target).some((e) => scope.has(e.file));
}

/** The verdict on one cited key. */
export interface KeyVerdict {
  /** Some collection has the key in some case. */
  knownInAnyCase: boolean;
  problem: null | Omit<CitationProblem, 'key' | 'start' | 'end'>;
}

/**
 * Verdicts on cited keys: undefined, or differing in case from the entry's key. `scope`
 * restricts the check to the entries of those files (the collections a document names);
 * undefined means the whole library.
 */
export function judgeKeys(library: Library, keys: Iterable<string>, scope?: ReadonlySet<string>): Record<string, KeyVerdict> {
  const out: Record<string, KeyVerdict> = Object.create(null);
  for (const key of keys) {
    if (out[key]) continue;
    out[key] = { knownInAnyCase: library.has(key) || library.keysIgnoringCase(key).length > 0, problem: judge(key, library, scope) };
  }
  return out;
}

/** The problems of `citations` by their keys' verdicts. The key `*` (`\nocite{*}`) is never a problem. */
export function citationProblems(citations: readonly Citation[], verdicts: Readonly<Record<string, KeyVerdict>>): CitationProblem[] {
  const out: CitationProblem[] = [];
  for (const c of citations) {
    if (c.key === '*' || c.key === '') continue;
    const problem = verdicts[c.key]?.problem;
    if (problem) out.push({ ...problem, key: c.key, start: c.start, end: c.end });
  }
  return out;
}

/** Undefined keys and keys whose case differs from the entry's, against `library` (see judgeKeys). */
export function checkCitations(citations: readonly Citation[], library: Library, scope?: ReadonlySet<string>): CitationProblem[] {
  return citationProblems(citations, judgeKeys(library, citations.map((c) => c.key), scope));
}

function judge(key: string, library: Library, scope: ReadonlySet<string> | undefined): Omit<CitationProblem, 'key' | 'start' | 'end'> | null {
  if (isDefinedIn(library, key, scope)) return null;
  const spellings = library.keysIgnoringCase(key).filter((k) => k !== key && (!scope || library.definitions(k).some((e) => scope.has(e.file))));
  if (spellings.length) return { kind: 'case-mismatch', spellings, definedIn: [] };
  const definedIn = scope ? [...new Set(library.definitions(library.aliasTarget(key) ?? key).map((e) => e.file))] : [];
  return { kind: 'undefined-key', spellings: [], definedIn };
}

/** Blanks LaTeX comments, keeping offsets. */
function uncommented(text: string): string {
  return text.replace(/(^|[^\\])%.*$/gm, (m, pre: string) => pre + ' '.repeat(m.length - pre.length));
}

/** Does this LaTeX text start a document (`\documentclass` outside comments)? */
export function isLatexMain(text: string): boolean {
  return /\\documentclass\s*[[{]/.test(uncommented(text));
}

/**
 * The main file a LaTeX file declares: the magic comment `% !TEX root = main.tex` or the
 * subfiles class option `\documentclass[../main.tex]{subfiles}`. As written (relative to the file).
 */
export function declaredLatexRoot(text: string): string | undefined {
  const magic = /^[ \t]*%[ \t]*!T[eE]X[ \t]+root[ \t]*=[ \t]*(.+?)[ \t]*$/m.exec(text);
  if (magic) return magic[1];
  const subfiles = /\\documentclass\s*\[([^\]]+)\]\s*\{subfiles\}/.exec(uncommented(text));
  if (subfiles) {
    const path = subfiles[1].trim();
    return /\.tex$/i.test(path) ? path : `${path}.tex`;
  }
  return undefined;
}
