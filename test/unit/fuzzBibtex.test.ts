/**
 * Fuzzing the BibTeX reader with mutations of real files (../shared/library, the ACL
 * Anthology sample, our fixtures): truncation at every kind of position, inserted and deleted
 * braces, quotes, `@`, commas, `=`, random characters, NUL, invalid UTF-8, and the extreme
 * inputs (100,000 nested braces, a 10 MB field, 1,000,000 tiny entries, a 100,000-character
 * key). Properties: the reader never throws, and every entry the mutation did not touch is
 * read exactly as before. Linear time is checked by bench/scaling.ts, not by a timed test.
 *
 * Runs are reproducible (fixed seeds); FUZZ_SEED=<n> FUZZ_RUNS=<n> explore further. A failure
 * prints a JSON case: save it in test/fixtures/fuzz/ and it is replayed below for good.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseBibtex } from '../../src/core/bibtex';
import { decodeCollection } from '../../src/core/encoding';
import {
  applyMutation,
  BibtexRegression,
  bibtexCorpus,
  compareUntouched,
  dependsOn,
  entrySignature,
  fuzzParameters,
  loadRegressions,
  Mutation,
  readChecked,
} from './fuzzSupport';

const corpus = bibtexCorpus();
const baseReads = corpus.map((f) => parseBibtex(f.text, f.name));

/** Offsets of the characters the reader's structure hangs on, and the ones just after them. */
const STRUCTURAL = /[@{}"',=#%\\\n]/g;
const structuralPositions = corpus.map((f) => {
  const positions: number[] = [];
  let m: RegExpExecArray | null;
  STRUCTURAL.lastIndex = 0;
  while ((m = STRUCTURAL.exec(f.text))) positions.push(m.index, m.index + 1);
  return positions;
});

const TOKENS = ['{', '}', '"', '@', ',', '=', '#', '%', '\\', '\n', '\0', '{{', '}}', '\uFFFD', '\uD800', '@article{', '\n@misc{', '\n@misc{x,', '@string{', '@comment{', '= {', '},', '"\n', '\\}', '\\{', '(', ')'];
/** Characters random text is drawn from: mostly the ones that matter to BibTeX. */
const HOSTILE_CHARS = '{}"@,=#%\\\n\r\t ()\0aZ9_-:.\uFFFD\uD800\uDFFF\u00E9\u2028';

const mutationArb = fc.record({
  file: fc.nat(),
  structural: fc.boolean(),
  pos: fc.nat(),
  kind: fc.constantFrom('truncate', 'insert-token', 'delete', 'replace-char', 'insert-text'),
  token: fc.constantFrom(...TOKENS),
  length: fc.integer({ min: 1, max: 40 }),
  charCode: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 0x7b, 0x7d, 0x22, 0x40, 0x2c, 0x3d, 0xfffd)),
  text: fc.array(fc.constantFrom(...HOSTILE_CHARS.split('')), { minLength: 1, maxLength: 24 }).map((cs) => cs.join('')),
});

type MutationSpec = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

function concreteMutation(spec: MutationSpec): { fileIndex: number; mutation: Mutation } {
  const fileIndex = spec.file % corpus.length;
  const text = corpus[fileIndex].text;
  const positions = structuralPositions[fileIndex];
  const at = spec.structural && positions.length ? Math.min(text.length, positions[spec.pos % positions.length]) : spec.pos % (text.length + 1);
  switch (spec.kind) {
    case 'truncate':
      return { fileIndex, mutation: { at, deleteCount: text.length - at, insert: '' } };
    case 'insert-token':
      return { fileIndex, mutation: { at, deleteCount: 0, insert: spec.token } };
    case 'delete':
      return { fileIndex, mutation: { at, deleteCount: Math.min(spec.length, text.length - at), insert: '' } };
    case 'replace-char':
      return { fileIndex, mutation: { at, deleteCount: Math.min(1, text.length - at), insert: String.fromCharCode(spec.charCode) } };
    default:
      return { fileIndex, mutation: { at, deleteCount: 0, insert: spec.text } };
  }
}

/** Checks one mutation; throws with a replayable JSON case when the property fails. */
function checkMutation(base: string, baseName: string, before: ReturnType<typeof parseBibtex>, mutation: Mutation): number {
  const mutated = applyMutation(base, mutation);
  const regression = (found: string): string => {
    const r: BibtexRegression = { kind: 'bibtex-mutation', found, base: excerptAround(base, mutation), mutation: { ...mutation, at: mutation.at - excerptStart(base, mutation) } };
    return `Regression case for test/fixtures/fuzz/:\n${JSON.stringify(r, null, 2)}`;
  };
  let after: ReturnType<typeof parseBibtex>;
  try {
    after = readChecked(mutated, baseName);
  } catch (e) {
    throw new Error(`reading failed after ${JSON.stringify(mutation)} in ${baseName}: ${(e as Error).message}\n${regression((e as Error).message)}`);
  }
  const { checked, problems } = compareUntouched(base, before, mutation, after);
  if (problems.length) {
    throw new Error(`${problems.length} untouched entries differ after ${JSON.stringify(mutation)} in ${baseName}:\n${problems.slice(0, 3).join('\n')}\n${regression(problems[0].split('\n')[0])}`);
  }
  return checked;
}

/** A regression case keeps a few entries around the mutation, not the whole file. */
function excerptStart(text: string, m: Mutation): number {
  let start = m.at;
  for (let i = 0; i < 3 && start > 0; i++) start = Math.max(0, text.lastIndexOf('\n@', start - 1));
  return start <= 0 ? 0 : start + 1;
}

function excerptAround(text: string, m: Mutation): string {
  let end = m.at + m.deleteCount;
  for (let i = 0; i < 3 && end >= 0 && end < text.length; i++) end = text.indexOf('\n@', end + 1);
  return text.slice(excerptStart(text, m), end < 0 ? text.length : end + 1);
}

describe('BibTeX reader under fuzzing', () => {
  test('the corpus is real: shared library, ACL sample and fixtures read with entries', () => {
    assert.ok(corpus.length >= 10, 'corpus files');
    const entries = baseReads.reduce((n, r) => n + r.entries.length, 0);
    assert.ok(entries >= 227 + 1500, `only ${entries} entries in the corpus`);
  });

  test('single mutations of real files: never throws, untouched entries read identically', () => {
    let checkedEntries = 0;
    fc.assert(
      fc.property(mutationArb, (spec) => {
        const { fileIndex, mutation } = concreteMutation(spec);
        checkedEntries += checkMutation(corpus[fileIndex].text, corpus[fileIndex].name, baseReads[fileIndex], mutation);
      }),
      fuzzParameters(400, 1),
    );
    // The property must have compared something, or it proves nothing.
    assert.ok(checkedEntries > 1000, `only ${checkedEntries} untouched entries compared`);
  });

  test('several mutations at once: never throws, entries far from all of them read identically', () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 2, maxLength: 6 }), (specs) => {
        const fileIndex = specs[0].file % corpus.length;
        // Apply from the end backwards so earlier offsets stay valid.
        const mutations = specs
          .map((s) => concreteMutation({ ...s, file: fileIndex }).mutation)
          .sort((a, b) => b.at - a.at)
          .filter((m, i, all) => i === 0 || m.at + m.deleteCount <= all[i - 1].at);
        let text = corpus[fileIndex].text;
        for (const m of mutations) text = applyMutation(text, m);
        const after = readChecked(text, corpus[fileIndex].name);
        // Entries before the first mutation keep their offsets exactly.
        const first = mutations[mutations.length - 1];
        const expected = baseReads[fileIndex].entries.filter((e) => dependsOn(corpus[fileIndex].text, e).to < first.at);
        const got = new Map(after.entries.map((e) => [e.span.start, e]));
        for (const e of expected) {
          const found = got.get(e.span.start);
          assert.ok(found, `entry '${e.key}' before every mutation is missing`);
          assert.equal(entrySignature(found), entrySignature(e));
        }
      }),
      fuzzParameters(150, 2),
    );
  });

  test('truncation at every structural position of a real entry list', () => {
    // Exhaustive rather than random: every `@ { } " , = #` and line break in the first 25 entries.
    const index = corpus.findIndex((f) => f.name.startsWith('acl-anthology'));
    const base = corpus[index].text;
    const end = (() => {
      let p = 0;
      for (let i = 0; i < 25; i++) p = base.indexOf('\n@', p + 1);
      return p;
    })();
    let cuts = 0;
    for (const at of structuralPositions[index]) {
      if (at > end) break;
      checkMutation(base, corpus[index].name, baseReads[index], { at, deleteCount: base.length - at, insert: '' });
      cuts++;
    }
    assert.ok(cuts > 300, `only ${cuts} truncation points`);
  });

  test('invalid UTF-8 in one entry: decoded as Windows-1252, every other ASCII entry read identically', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0x80], [0xed, 0xa0, 0x80], [0xc0, 0xaf]), (f, which, bad) => {
        const fileIndex = f % corpus.length;
        const { text } = corpus[fileIndex];
        const entries = baseReads[fileIndex].entries;
        if (!entries.length) return;
        const target = entries[which % entries.length];
        const at = target.span.start + Math.floor((target.span.end - target.span.start) / 2);
        const head = encoder.encode(text.slice(0, at));
        const tail = encoder.encode(text.slice(at));
        const bytes = new Uint8Array(head.length + bad.length + tail.length);
        bytes.set(head, 0);
        bytes.set(bad, head.length);
        bytes.set(tail, head.length + bad.length);
        const decoded = decodeCollection(bytes);
        assert.equal(decoded.encoding, 'Windows-1252');
        const after = readChecked(decoded.text, corpus[fileIndex].name);
        // Offsets move wherever non-ASCII text was re-decoded, so entries are matched by order
        // among the pure-ASCII ones, which decode the same either way.
        const ascii = (s: string) => !/[^\x00-\x7f]/.test(s);
        const sliceOf = (t: string, e: { span: { start: number; end: number } }) => t.slice(e.span.start, e.span.end);
        const expected = entries.filter((e) => e !== target && ascii(sliceOf(text, e))).map((e) => `${e.type}{${e.key}} ${JSON.stringify(Object.entries(e.fields).map(([k, v]) => [k, v.raw]))}`);
        const actual = after.entries.filter((e) => ascii(sliceOf(decoded.text, e))).map((e) => `${e.type}{${e.key}} ${JSON.stringify(Object.entries(e.fields).map(([k, v]) => [k, v.raw]))}`);
        // The target entry may now be ASCII-free of damage too; everything expected must be there in order.
        let i = 0;
        for (const sig of actual) if (i < expected.length && sig === expected[i]) i++;
        assert.equal(i, expected.length, `ASCII entries lost after invalid UTF-8 in '${target.key}': ${expected[i]}`);
      }),
      fuzzParameters(60, 3),
    );
  });

  test('regression cases in test/fixtures/fuzz replay cleanly', async (t) => {
    const cases = loadRegressions<BibtexRegression>('bibtex-mutation');
    assert.ok(cases.length > 0, 'no bibtex regression fixtures found in test/fixtures/fuzz');
    for (const { file, data } of cases) {
      await t.test(file, () => {
        const before = readChecked(data.base, file);
        assert.ok(before.entries.length > 0, `${file}: the base text has no entries`);
        const checked = checkMutation(data.base, file, before, data.mutation);
        assert.ok(checked > 0, `${file}: compares no untouched entry`);
      });
    }
  });
});

describe('BibTeX reader on extreme inputs', () => {
  test('100,000 nested braces: one diagnostic, the entries around it intact', () => {
    const deep = '{'.repeat(100_000) + 'x' + '}'.repeat(100_000);
    const r = readChecked(`@misc{a, title = {A}}\n@misc{deep, title = ${deep}}\n@misc{b, title = {B}}\n`, 'deep.bib');
    assert.deepEqual(r.entries.map((e) => e.key), ['a', 'deep', 'b']);
    assert.equal(r.entries[1].fields.title.raw.length, deep.length - 2);
    assert.equal(r.diagnostics.length, 0);
    const unclosed = readChecked(`@misc{a, title = {A}}\n@misc{deep, title = ${'{'.repeat(100_000)}\n@misc{b, title = {B}}\n`, 'deep.bib');
    assert.deepEqual(unclosed.entries.map((e) => e.key), ['a', 'deep', 'b']);
    assert.equal(unclosed.diagnostics.length, 1, unclosed.diagnostics.map((d) => d.message).join('\n'));
    assert.equal(unclosed.entries[2].fields.title.raw, 'B');
  });

  test('a 10 MB field is read whole', () => {
    const big = 'lorem ipsum '.repeat(873_814).slice(0, 10 * 1024 * 1024);
    const r = readChecked(`@misc{big, abstract = {${big}}, year = 2024}\n@misc{next, title = {N}}`, 'big.bib');
    assert.equal(r.entries[0].fields.abstract.raw.length, big.length);
    assert.equal(r.entries[0].fields.year.raw, '2024');
    assert.equal(r.entries[1].key, 'next');
  });

  test('1,000,000 tiny entries', () => {
    const parts: string[] = [];
    for (let i = 0; i < 1_000_000; i++) parts.push(`@a{k${i},}`);
    const r = readChecked(parts.join('\n'), 'tiny.bib');
    assert.equal(r.entries.length, 1_000_000);
    assert.equal(r.entries[999_999].key, 'k999999');
    assert.equal(r.diagnostics.length, 0);
  });

  test('a key of 100,000 characters', () => {
    const key = 'k'.repeat(100_000);
    const r = readChecked(`@misc{${key}, title = {T}}\n@misc{after, title = {A}}`, 'longkey.bib');
    assert.equal(r.entries[0].key, key);
    assert.deepEqual(r.entries.map((e) => e.key.length), [100_000, 5]);
  });

  test('NUL bytes, lone surrogates and control characters do not stop the reader', () => {
    const r = readChecked(`@misc{a, title = {x\0y\uD800}}\n\0\0@misc{c\0d, title = "\u0001"}\n@misc{e, title = {E}}`, 'nul.bib');
    // NUL ends a key like any control character: one diagnostic, and the entry is still read.
    assert.deepEqual(r.entries.map((e) => e.key), ['a', 'c', 'e']);
    assert.equal(r.entries[0].fields.title.raw, 'x\0y\uD800');
    assert.equal(r.entries[2].fields.title.raw, 'E');
    // A NUL inside a value is a warning of its entry (issue 13); the key's NUL is a syntax error of 'c'.
    const [inValue, ...rest] = r.diagnostics;
    assert.equal(inValue.key, 'a');
    assert.equal(inValue.severity, 'warning');
    assert.equal(inValue.code, 'nul-character');
    assert.match(inValue.message, /U\+0000\) in its field 'title'/);
    assert.ok(rest.length >= 1 && rest.every((d) => d.key === 'c'), r.diagnostics.map((d) => d.message).join('\n'));
    assert.match(rest[0].message, /U\+0000/);
  });
});
