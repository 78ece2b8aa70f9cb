import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { parseBibtex } from '../../src/core/bibtex';
import { MovableEntry } from '../../src/core/entries';
import { FlatEntryReader, flatKeys, flattenEntries, unflattenEntries } from '../../src/core/flat';
import { IncrementalCollection, readChunks, spliceEntries } from '../../src/core/incremental';
import { Entry, LineIndex } from '../../src/core/model';

const root = join(__dirname, '..', '..');
const libraryDir = join(root, '..', 'shared', 'library');
const fixtureDir = join(root, 'test', 'fixtures', 'bibtex');

/** Everything an entry carries, offsets and line numbers included. */
function describe(e: Entry): unknown {
  return {
    type: e.type,
    key: e.key,
    span: e.span,
    keySpan: e.keySpan,
    line: e.line,
    column: e.column,
    broken: !!e.broken,
    fields: Object.values(e.fields).map((f) => [f.name, f.raw, f.span, f.nameSpan]),
  };
}

function libraryText(): string {
  return readdirSync(libraryDir)
    .filter((f) => f.endsWith('.bib'))
    .sort()
    .map((f) => readFileSync(join(libraryDir, f), 'utf8'))
    .join('\n');
}

function aclSample(): string {
  const gz = join(root, '..', 'shared', 'bench-data', 'acl-anthology.bib.gz');
  const text = gunzipSync(readFileSync(gz)).toString('utf8');
  return text.slice(0, text.indexOf('\n@', 3_000_000) + 1);
}

test('flattening and rebuilding keeps every entry, field, offset and line', () => {
  const text = libraryText();
  const result = parseBibtex(text, 'lib.bib');
  const flat = flattenEntries(result.entries);
  const { starts, count } = result.lineIndex.export();
  const holder = { lineIndex: LineIndex.fromStarts(starts, count) };
  const rebuilt = unflattenEntries(flat, 'lib.bib', 'bibtex', holder);
  assert.equal(rebuilt.length, result.entries.length);
  assert.ok(rebuilt.length > 200);
  for (let i = 0; i < rebuilt.length; i++) assert.deepEqual(describe(rebuilt[i]), describe(result.entries[i]));
});

test('flatKeys gives every key and a place from which that one entry (with its display) is rebuilt', () => {
  // Entries with crossref have no display (they inherit): one in the middle.
  const inheriting = '@inproceedings{child,\n  crossref = {parent},\n  title = {A Chapter},\n  author = {Doe, Jane}\n}\n@proceedings{parent,\n  title = {The Book},\n  year = {2020}\n}\n';
  const result = parseBibtex(libraryText() + inheriting + aclSample().slice(0, 400_000), 'lib.bib');
  const flat = flattenEntries(result.entries, 0, true);
  const holder = { lineIndex: result.lineIndex };
  const all = unflattenEntries(flat, 'lib.bib', 'bibtex', holder);
  const { keys, places } = flatKeys(flat);
  assert.deepEqual(keys, result.entries.map((e) => e.key));
  assert.ok(all.some((e) => e.display) && all.some((e) => !e.display), 'entries with and without displays');
  for (let i = 0; i < all.length; i++) {
    const place = { numbers: places[4 * i], strings: places[4 * i + 1], displayNumbers: places[4 * i + 2], displayStrings: places[4 * i + 3] };
    const one = FlatEntryReader.entryAt(flat, place, 'lib.bib', 'bibtex', holder);
    assert.deepEqual(describe(one), describe(all[i]), `entry ${i}`);
    assert.deepEqual(one.display, all[i].display, `display of entry ${i}`);
  }
});

test('the sliced rebuild stops when its budget is spent and resumes where it stopped', () => {
  const result = parseBibtex(libraryText(), 'lib.bib');
  const flat = flattenEntries(result.entries);
  let t = 0;
  const reader = new FlatEntryReader(flat, 'lib.bib', 'bibtex', { lineIndex: result.lineIndex }, () => (t += 1));
  let slices = 0;
  while (reader.next(1)) slices++;
  assert.ok(slices > 1, 'more than one slice');
  assert.equal(reader.entries.length, result.entries.length);
  assert.deepEqual(reader.entries.map((e) => e.key), result.entries.map((e) => e.key));
});

test('reading in chunks gives what one read gives (library, fixtures, 3 MB of the ACL Anthology)', async () => {
  const texts = [libraryText(), aclSample()];
  for (const f of readdirSync(fixtureDir).filter((f) => f.endsWith('.bib'))) texts.push(readFileSync(join(fixtureDir, f), 'utf8'));
  for (const text of texts) {
    const whole = parseBibtex(text, 'x.bib');
    let pauses = 0;
    const chunked = await readChunks(text, 0, text.length, 'x.bib', {}, { pause: async () => void pauses++, sliceMs: 0 });
    const lines = new LineIndex(text);
    const entries = unflattenEntries(chunked.entries, 'x.bib', 'bibtex', { lineIndex: lines });
    assert.deepEqual(entries.map(describe), whole.entries.map(describe));
    assert.deepEqual(chunked.diagnostics.map((d) => [d.code, d.span]), whole.diagnostics.map((d) => [d.code, d.span]));
    assert.deepEqual({ ...chunked.strings }, { ...whole.strings });
    if (text.length > 600_000) assert.ok(pauses > 0, 'paused between chunks');
  }
});

/** Applies patches to a model the way the extension does and compares with a fresh read. */
class Model {
  entries: MovableEntry[] = [];
  holder = { lineIndex: new LineIndex('') };
  inc = new IncrementalCollection('m.bib');
  async read(text: string) {
    const patch = await this.inc.update(text);
    this.holder.lineIndex = LineIndex.fromStarts(patch.lineStarts, patch.lineCount);
    const added = unflattenEntries(patch.added, 'm.bib', 'bibtex', this.holder);
    this.entries = spliceEntries(this.entries, patch, added).entries;
    const whole = parseBibtex(text, 'm.bib');
    assert.equal(patch.entryCount, whole.entries.length);
    assert.deepEqual(this.entries.map(describe), whole.entries.map(describe));
    assert.deepEqual(patch.diagnostics.map((d) => [d.code, d.span, d.line, d.column]), whole.diagnostics.map((d) => [d.code, d.span, d.line, d.column]));
    return patch;
  }
}

test('an edit re-reads only the entries it touches, and the result equals a fresh read', async () => {
  let text = libraryText();
  const m = new Model();
  const first = await m.read(text);
  assert.equal(first.full, true);
  const key = 'kirchhof2024pretrained';
  const at = text.indexOf('title', text.indexOf(key));
  text = text.slice(0, at) + 'title = {Inserted words},\n  ' + text.slice(at);
  const patch = await m.read(text);
  assert.equal(patch.full, false);
  assert.equal(patch.removed, 2, 'the edited entry and the one before it');
  assert.equal(patch.added.count, 2);
  assert.ok(patch.delta > 0);
  // Deleting an entry's closing brace breaks only that entry (the next one begins a line).
  const close = text.indexOf('\n}', text.indexOf(key));
  text = text.slice(0, close) + '\n' + text.slice(close + 2);
  const broken = await m.read(text);
  assert.equal(broken.full, false);
  assert.ok(broken.diagnostics.some((d) => d.severity === 'error'));
});

test('random edits (insert, delete, braces, @, quotes) keep the model equal to a fresh read', async () => {
  let text = libraryText();
  const m = new Model();
  await m.read(text);
  let seed = Number(process.env.CITELENS_EDIT_SEED ?? 12345);
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const pieces = ['{', '}', '"', '@', ',', '=', '@article{new' , '\n@misc{z,\n title={t}}\n', 'x', '\n', '%', ''];
  let partial = 0;
  for (let i = 0; i < 300; i++) {
    const at = rand(text.length);
    const cut = rand(4) === 0 ? rand(40) : 0;
    text = text.slice(0, at) + pieces[rand(pieces.length)] + text.slice(at + cut);
    const patch = await m.read(text);
    if (!patch.full) partial++;
  }
  assert.ok(partial > 200, `most edits were partial (${partial})`);
});

test('an edit touching @string re-reads the whole file', async () => {
  let text = '@string{ac = {ACL}}\n@inproceedings{a, booktitle = ac}\n@misc{b, title={B}}\n';
  const m = new Model();
  await m.read(text);
  text = text.replace('{ACL}', '{EMNLP}');
  const patch = await m.read(text);
  assert.equal(patch.full, true);
  assert.equal(m.entries[0].fields.booktitle.raw, 'EMNLP');
});

test('the ACL sample: the first read is chunked and an edit in the middle is partial', async () => {
  if (!existsSync(join(root, '..', 'shared'))) assert.fail('../shared is missing');
  let text = aclSample();
  const m = new Model();
  await m.read(text);
  const mid = text.indexOf('\n title        = {', text.length >> 1) + 18;
  assert.ok(mid > 18);
  text = text.slice(0, mid) + 'Zyxwv ' + text.slice(mid);
  const patch = await m.read(text);
  assert.equal(patch.full, false, 'partial');
  assert.equal(patch.removed, 2, JSON.stringify({ from: patch.from, removed: patch.removed, mid, around: text.slice(mid - 100, mid + 30) }));
  assert.equal(patch.added.count, 2);
  assert.ok(Object.values(m.entries[patch.from + 1].fields.title).length && m.entries[patch.from + 1].fields.title.raw.startsWith('Zyxwv '));
});

test('papers assembled from the reader\'s precomputed displays equal papers computed in place', async () => {
  const { Library } = await import('../../src/core/library');
  const text = libraryText() + '\n@inproceedings{child, crossref = {kirchhof2024pretrained}, pages = {1--2}}\n@misc{lit, author = {{World Health Organization} and others}, keywords = {a; b, c}}\n';
  const m = new Model();
  await m.read(text);
  const withDisplay = m.entries.filter((e) => e.display).length;
  assert.equal(withDisplay, m.entries.length - 1, 'every entry but the crossref child has a display');
  const fromFlat = new Library();
  fromFlat.setFile({ ...parseBibtex(text, 'm.bib'), entries: m.entries });
  const inPlace = new Library();
  inPlace.setFile(parseBibtex(text, 'm.bib'));
  const pick = (p: any) => ({ key: p.key, authors: p.authors, etAl: p.etAl, title: p.title, year: p.year, venue: p.venue, keywords: p.keywords, arxivClass: p.arxivClass, abstract: p.abstract });
  for (const e of m.entries) assert.deepEqual(pick(fromFlat.paper(e.key)), pick(inPlace.paper(e.key)), e.key);
});

test('a long file\'s line index is built in slices and equals the one-pass index', async () => {
  const text = aclSample();
  let pauses = 0;
  const patch = await new IncrementalCollection('x.bib').update(text, { pause: async () => void pauses++, sliceMs: 0 });
  const whole = new LineIndex(text).export();
  assert.equal(patch.lineCount, whole.count);
  assert.deepEqual([...patch.lineStarts], [...whole.starts]);
  assert.ok(pauses > 5);
});

test('SerialPerKey runs one key\'s tasks in order and other keys alongside, past failures', async () => {
  const { SerialPerKey } = await import('../../src/core/serial');
  const serial = new SerialPerKey();
  const log: string[] = [];
  const task = (name: string, ms: number, fail = false) => () =>
    new Promise<string>((resolve, reject) => setTimeout(() => (log.push(name), fail ? reject(new Error(name)) : resolve(name)), ms));
  const a1 = serial.run('a', task('a1', 30, true));
  const a2 = serial.run('a', task('a2', 1));
  const b1 = serial.run('b', task('b1', 5));
  await assert.rejects(a1);
  assert.deepEqual(await Promise.all([a2, b1]), ['a2', 'b1']);
  assert.deepEqual(log, ['b1', 'a1', 'a2']);
});
