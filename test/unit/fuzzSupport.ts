/**
 * Shared by the fuzz tests (test/unit/fuzz*.test.ts) and the scaling benchmark
 * (bench/scaling.ts): the real BibTeX corpus, one mutation model, and the property that an
 * entry the mutation did not touch is read exactly as before.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { parseBibtex } from '../../src/core/bibtex';
import { Entry, ParseResult } from '../../src/core/model';

export const repoRoot = join(__dirname, '..', '..');
/** CI clones main with shared/ beside the repository. */
export const sharedDir = join(repoRoot, '..', 'shared');
export const fuzzFixtureDir = join(repoRoot, 'test', 'fixtures', 'fuzz');

export interface CorpusFile {
  name: string;
  text: string;
}

function requireShared(path: string): string {
  if (!existsSync(path)) throw new Error(`Test data missing: ${path} (the fuzz tests need ../shared beside the repository)`);
  return path;
}

/**
 * The first `count` entries of the ACL Anthology export (CC BY 4.0), cut at an entry
 * boundary. Only the start of the 7 MB gzip is inflated, so this costs milliseconds.
 */
export function aclSlice(count: number): string {
  const gz = readFileSync(requireShared(join(sharedDir, 'bench-data', 'acl-anthology.bib.gz')));
  // About 7 bytes of text per compressed byte; inflate just enough compressed input.
  const head = gz.subarray(0, Math.min(gz.length, count * 160 + 16384));
  const text = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8');
  let seen = 0;
  let cut = -1;
  const re = /\n@/g;
  while (re.exec(text)) {
    if (++seen === count) {
      cut = re.lastIndex - 1;
      break;
    }
  }
  if (cut < 0) throw new Error(`The ACL Anthology sample holds fewer than ${count} entries`);
  return text.slice(0, cut);
}

/** ../shared/library, the ACL Anthology sample, and our own BibTeX fixtures (broken ones too). */
export function bibtexCorpus(aclEntries = 1500): CorpusFile[] {
  const files: CorpusFile[] = [];
  const library = requireShared(join(sharedDir, 'library'));
  for (const f of readdirSync(library).filter((x) => x.endsWith('.bib')).sort()) {
    files.push({ name: `shared/library/${f}`, text: readFileSync(join(library, f), 'utf8') });
  }
  if (files.length === 0) throw new Error(`No .bib files in ${library}`);
  files.push({ name: `acl-anthology (first ${aclEntries} entries)`, text: aclSlice(aclEntries) });
  const fixtures = join(repoRoot, 'test', 'fixtures', 'bibtex');
  for (const f of readdirSync(fixtures).filter((x) => x.endsWith('.bib')).sort()) {
    files.push({ name: `fixtures/bibtex/${f}`, text: readFileSync(join(fixtures, f), 'utf8') });
  }
  return files;
}

/** One edit: `deleteCount` characters at `at` replaced by `insert`. */
export interface Mutation {
  at: number;
  deleteCount: number;
  insert: string;
}

export function applyMutation(text: string, m: Mutation): string {
  return text.slice(0, m.at) + m.insert + text.slice(m.at + m.deleteCount);
}

/** The lower-cased field values as compared: name, raw value, and both spans. */
function fieldSignature(e: Entry, shift: number): string {
  const parts: string[] = [];
  for (const name of Object.keys(e.fields)) {
    const f = e.fields[name];
    parts.push(`${name}@${f.nameSpan.start + shift}-${f.nameSpan.end + shift}=${f.span.start + shift}-${f.span.end + shift}:${JSON.stringify(f.raw)}`);
  }
  return parts.join('\n');
}

/** Everything compared for one entry: type, key, spans, fields (the offsets moved by `shift`). */
export function entrySignature(e: Entry, shift = 0): string {
  return `@${e.type}{${e.key}} ${e.span.start + shift}-${e.span.end + shift} key ${e.keySpan.start + shift}-${e.keySpan.end + shift} broken=${!!e.broken}\n${fieldSignature(e, shift)}`;
}

/**
 * The region an entry depends on: from the start of the line holding its `@` (recovery from
 * a previous broken entry needs the `@` to begin a line) to its end.
 */
export function dependsOn(text: string, e: Entry): { from: number; to: number } {
  const from = text.lastIndexOf('\n', e.span.start - 1) + 1;
  if (!e.broken) return { from, to: e.span.end };
  // A broken entry was cut where the next entry starts: it depends on that `@type{` line too.
  const nl = text.indexOf('\n', e.span.end);
  return { from, to: nl < 0 ? text.length : nl };
}

/** `@string` definitions: changing one changes every later entry that uses the macro. */
function stringRegions(text: string): Array<{ from: number; to: number }> {
  const regions: Array<{ from: number; to: number }> = [];
  const re = /@\s*string\s*[{(]/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const close = text.indexOf('\n@', m.index + 1);
    regions.push({ from: m.index, to: close < 0 ? text.length : close });
  }
  return regions;
}

export interface Comparison {
  /** Entries the mutation did not touch (each must be read again identically). */
  checked: number;
  /** Descriptions of the differences; empty when the property holds. */
  problems: string[];
}

/**
 * The recovery property: every entry of `before` whose region the mutation does not touch is
 * read from the mutated text with the same type, key, fields and raw values, at the same
 * place (offsets after the edit moved by the edit's length change).
 */
export function compareUntouched(text: string, before: ParseResult, m: Mutation, after: ParseResult): Comparison {
  const editEnd = m.at + m.deleteCount;
  const shift = m.insert.length - m.deleteCount;
  const touchesStrings = stringRegions(text).some((r) => m.at <= r.to && editEnd >= r.from);
  const byStart = new Map<number, Entry>();
  for (const e of after.entries) if (!byStart.has(e.span.start)) byStart.set(e.span.start, e);
  const problems: string[] = [];
  let checked = 0;
  for (const e of before.entries) {
    const region = dependsOn(text, e);
    // Inclusive bounds: an insertion right at either edge counts as touching.
    if (m.at <= region.to && editEnd >= region.from) continue;
    const isAfter = region.from > editEnd;
    if (isAfter && touchesStrings) continue;
    checked++;
    const s = isAfter ? shift : 0;
    const expected = entrySignature(e, s);
    const found = byStart.get(e.span.start + s);
    if (!found) {
      problems.push(`entry '${e.key}' (offset ${e.span.start}) was not read after the mutation`);
      continue;
    }
    const actual = entrySignature(found);
    if (actual !== expected) problems.push(`entry '${e.key}' changed:\n--- expected\n${expected}\n--- actual\n${actual}`);
  }
  return { checked, problems };
}

/** Reading must not throw, and every diagnostic must point inside the text. */
export function readChecked(text: string, file: string): ParseResult {
  const result = parseBibtex(text, file);
  for (const d of result.diagnostics) {
    if (!(d.span.start >= 0 && d.span.end <= text.length && d.span.start <= d.span.end)) {
      throw new Error(`diagnostic span ${d.span.start}-${d.span.end} outside the text (${text.length}): ${d.message}`);
    }
    if (!d.message) throw new Error(`diagnostic ${d.code} has no message`);
  }
  return result;
}

/** A regression case kept in test/fixtures/fuzz/*.json: a base text and the mutation that broke it. */
export interface BibtexRegression {
  kind: 'bibtex-mutation';
  /** What went wrong before the fix. */
  found: string;
  base: string;
  mutation: Mutation;
}

export function loadRegressions<T extends { kind: string }>(kind: T['kind']): Array<{ file: string; data: T }> {
  if (!existsSync(fuzzFixtureDir)) return [];
  return readdirSync(fuzzFixtureDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, data: JSON.parse(readFileSync(join(fuzzFixtureDir, f), 'utf8')) as T }))
    .filter((r) => r.data.kind === kind);
}

/** Fixed seeds by default; FUZZ_SEED / FUZZ_RUNS explore further (a failure prints its seed). */
export function fuzzParameters(defaultRuns: number, salt: number): { seed: number; numRuns: number } {
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) + salt : 0x5eed + salt;
  const numRuns = process.env.FUZZ_RUNS !== undefined ? Number(process.env.FUZZ_RUNS) : defaultRuns;
  return { seed, numRuns };
}
