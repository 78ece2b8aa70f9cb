/**
 * Fuzzing the Typst scanner and the Hayagriva reader with mutations of the fixtures (characters
 * that matter to Typst or YAML inserted, deleted or replaced at random places). Properties:
 * never throws; every citation's offsets point at its key; completion contexts lie around
 * the cursor; a Hayagriva entry that ends before the mutation is read exactly as before.
 * Seeds are fixed; FUZZ_SEED / FUZZ_RUNS explore further.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { scanDocument } from '../../src/core/citations';
import { citeContext } from '../../src/core/citeContext';
import { parseHayagriva } from '../../src/core/hayagriva';
import { scanTypstSites } from '../../src/core/typst';
import { Entry } from '../../src/core/model';
import { repoRoot } from './fuzzSupport';

const seed = Number(process.env.FUZZ_SEED ?? 1616);
const numRuns = Number(process.env.FUZZ_RUNS ?? 300);

const typstDocs = ['forms.typ', 'ignored.typ', 'main.typ', 'project/main.typ', 'project/chapters/one.typ'].map((f) => readFileSync(join(repoRoot, 'test', 'fixtures', 'typst', f), 'utf8'));
const ymlDocs = ['refs.yml', 'broken.yml'].map((f) => readFileSync(join(repoRoot, 'test', 'fixtures', 'hayagriva', f), 'utf8'));

const TYPST_PIECES = ['@', '#', '<', '>', '(', ')', '[', ']', '{', '}', '"', '`', '```', '$', '/', '//', '/*', '*/', '\\', ',', ':', '.', '\n', '\n\n', ' ', 'cite(', 'label("', 'x'];
const YAML_PIECES = [':', ': ', '"', "'", '[', ']', '{', '}', '-', '- ', '#', '&a', '*a', '|', '>', '\n', '\t', '  ', '---\n', 'key:', '\u0000'];

interface Mutation {
  doc: number;
  at: number;
  remove: number;
  insert: string;
}

function mutation(docs: string[], pieces: string[]): fc.Arbitrary<Mutation> {
  return fc.record({
    doc: fc.nat(docs.length - 1),
    at: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x),
    remove: fc.nat(4),
    insert: fc.array(fc.constantFrom(...pieces), { maxLength: 4 }).map((a) => a.join('')),
  }).map((m) => ({ ...m, at: Math.floor(m.at * docs[m.doc].length) }));
}

function apply(text: string, m: Mutation): string {
  return text.slice(0, m.at) + m.insert + text.slice(m.at + m.remove);
}

describe('fuzz: Typst scanner', () => {
  test('never throws; citations point at their keys; contexts surround the cursor', () => {
    fc.assert(
      fc.property(mutation(typstDocs, TYPST_PIECES), fc.double({ min: 0, max: 1, noNaN: true }), (m, where) => {
        const text = apply(typstDocs[m.doc], m);
        const scan = scanDocument(text, 'typst');
        for (const c of scan.citations) assert.equal(text.slice(c.start, c.end), c.key);
        const cursor = Math.floor(where * text.length);
        // A scan stopped after the cursor's line sees the same sites before the cursor.
        const full = scanTypstSites(text).sites.filter((x) => x.start <= cursor);
        const partial = scanTypstSites(text, cursor).sites.filter((x) => x.start <= cursor);
        assert.deepEqual(partial, full);
        const ctx = citeContext(text, cursor, 'typst');
        if (ctx) assert.ok(ctx.start <= cursor && cursor <= ctx.end, `context ${ctx.start}-${ctx.end} around ${cursor}`);
      }),
      { seed, numRuns },
    );
  });
});

function signature(e: Entry): string {
  return JSON.stringify([e.key, e.type, e.span, Object.values(e.fields).map((f) => [f.name, f.raw])]);
}

describe('fuzz: Hayagriva reader', () => {
  const before = ymlDocs.map((t) => parseHayagriva(t, 'f.yml'));

  test('never throws; entries in range; an entry before the mutated line is read as before', () => {
    fc.assert(
      fc.property(mutation(ymlDocs, YAML_PIECES), (m) => {
        const text = apply(ymlDocs[m.doc], m);
        const result = parseHayagriva(text, 'f.yml');
        for (const e of result.entries) {
          assert.ok(e.keySpan.start >= 0 && e.keySpan.end <= text.length, `key span of ${e.key}`);
          assert.ok(e.span.start <= e.keySpan.start && e.span.end <= text.length, `span of ${e.key}`);
        }
        for (const d of result.diagnostics) assert.ok(d.span.start >= 0 && d.span.end <= text.length && d.line >= 0, 'diagnostic in range');
        // The line the mutation starts on, and everything after it, may change.
        const lineStart = ymlDocs[m.doc].lastIndexOf('\n', m.at - 1);
        const after = new Map(result.entries.map((e) => [e.key, signature(e)]));
        for (const e of before[m.doc].entries) {
          if (e.broken || e.span.end >= lineStart - 1) continue;
          // The next entry's key line must also be untouched for this entry's extent to hold.
          assert.equal(after.get(e.key), signature(e), `entry '${e.key}' changed by a mutation at ${m.at}`);
        }
      }),
      { seed, numRuns },
    );
  });
});
