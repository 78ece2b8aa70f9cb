/**
 * Differential test: our reader against bibtex-parse on files both accept. Same keys in the
 * same order, same field values after normalisation (bibtex-parse drops braces, upper-cases
 * field names and turns numbers into numbers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bibtexParse = require('bibtex-parse') as { entries(text: string): Array<Record<string, unknown>> };
import { parseBibtex } from '../../src/core/bibtex';

const shared = join(__dirname, '..', '..', '..', 'shared');

function normalise(value: unknown): string {
  return String(value).replace(/[{}\\]/g, '').replace(/\s+/g, ' ').trim();
}

function compare(text: string, name: string): number {
  const theirs = bibtexParse.entries(text);
  const ours = parseBibtex(text, name);
  assert.deepEqual(ours.diagnostics.filter((d) => d.severity === 'error'), [], `${name}: our reader reports errors`);
  assert.deepEqual(ours.entries.map((e) => e.key), theirs.map((e) => e.key), `${name}: keys differ`);
  for (let i = 0; i < theirs.length; i++) {
    const t = theirs[i];
    const o = ours.entries[i];
    assert.equal(o.type, String(t.type).toLowerCase(), `${name}: type of ${o.key}`);
    const theirFields = Object.keys(t).filter((k) => k !== 'key' && k !== 'type').map((k) => k.toLowerCase()).sort();
    assert.deepEqual(Object.keys(o.fields).sort(), theirFields, `${name}: field names of ${o.key}`);
    for (const k of Object.keys(t)) {
      if (k === 'key' || k === 'type') continue;
      assert.equal(normalise(o.fields[k.toLowerCase()].raw), normalise(t[k]), `${name}: ${o.key}.${k}`);
    }
  }
  return theirs.length;
}

test('same entries and values as bibtex-parse on ../shared/library', () => {
  let n = 0;
  const dir = join(shared, 'library');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.bib'))) n += compare(readFileSync(join(dir, f), 'utf8'), f);
  assert.equal(n, 227);
});

test('same entries and values as bibtex-parse on our well-formed fixtures', () => {
  // basic.bib and strings.bib are left out: bibtex-parse drops the valid field-less
  // `@misc{nofields}` and mis-expands a @string that uses another @string.
  for (const f of ['bom-crlf.bib']) {
    const text = readFileSync(join(__dirname, '..', 'fixtures', 'bibtex', f), 'utf8').replace(/^\uFEFF/, '');
    assert.ok(compare(text, f) > 0);
  }
});

test('same entries and values as bibtex-parse on 3,000 ACL Anthology entries', () => {
  const all = gunzipSync(readFileSync(join(shared, 'bench-data', 'acl-anthology.bib.gz'))).toString('utf8');
  // The first 3,000 entries, cut at an entry boundary; escaped braces (`\{`), which the two
  // readers treat differently on purpose, are left out of the comparison.
  let cut = 0;
  for (let i = 0; i < 3000; i++) cut = all.indexOf('\n@', cut + 1);
  const sample = all.slice(0, cut).split(/\n(?=@)/).filter((e) => !/\\[{}]/.test(e)).join('\n');
  const n = compare(sample, 'acl-sample');
  assert.ok(n > 2000, `only ${n} entries compared`);
});
