/**
 * The CSL-JSON reader (Zotero/Mendeley exports) under the same mutations as the BibTeX reader:
 * it must never throw, and every diagnostic and entry span must lie inside the text. (Its
 * recovery rules differ from BibTeX's, so untouched items are not compared here.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseCslJson } from '../../src/core/csl';
import { applyMutation, fuzzParameters, repoRoot } from './fuzzSupport';

const base = readFileSync(join(repoRoot, 'test', 'fixtures', 'csl', 'zotero-export.json'), 'utf8');
// A bigger array of the same items, so mutations land in every part of a long file.
const items = JSON.parse(base) as unknown[];
const large = JSON.stringify(Array.from({ length: 40 }, (_, i) => items.map((it) => ({ ...(it as object), id: `item${i}-${(it as { id: string }).id}` }))).flat(), null, 2);

function checked(text: string): void {
  const r = parseCslJson(text, 'fuzz.json');
  for (const d of r.diagnostics) assert.ok(d.span.start >= 0 && d.span.end <= text.length && d.span.start <= d.span.end && d.message, `bad diagnostic ${JSON.stringify(d)}`);
  for (const e of r.entries) assert.ok(e.span.start >= 0 && e.span.end <= text.length, `entry ${e.key} span outside the text`);
}

test('CSL-JSON: the unmutated files read cleanly', () => {
  for (const text of [base, large]) {
    const r = parseCslJson(text, 'x.json');
    assert.equal(r.diagnostics.filter((d) => d.severity === 'error').length, 0);
    assert.ok(r.entries.length >= items.length);
  }
});

test('CSL-JSON: mutations never throw and keep every span inside the text', () => {
  const tokens = ['{', '}', '[', ']', '"', ',', ':', '\\', '\\u', '\\uD800', '\0', 'null', '-', '1e999', '\n', '"id":', '{"id": 1}'];
  fc.assert(
    fc.property(fc.boolean(), fc.nat(), fc.constantFrom('truncate', 'insert', 'delete'), fc.constantFrom(...tokens), fc.integer({ min: 1, max: 30 }), (useLarge, pos, kind, token, length) => {
      const text = useLarge ? large : base;
      const at = pos % (text.length + 1);
      const mutated = applyMutation(text, kind === 'truncate' ? { at, deleteCount: text.length - at, insert: '' } : kind === 'delete' ? { at, deleteCount: Math.min(length, text.length - at), insert: '' } : { at, deleteCount: 0, insert: token });
      checked(mutated);
    }),
    fuzzParameters(400, 21),
  );
});

test('CSL-JSON: extreme inputs', () => {
  checked('['.repeat(100_000));
  checked('['.repeat(50_000) + ']'.repeat(50_000));
  checked(`[{"id": "big", "type": "article", "abstract": "${'x'.repeat(10 * 1024 * 1024)}"}]`);
  checked(`[{"id": "${'k'.repeat(100_000)}", "type": "book"}]`);
  checked('"' + '\\'.repeat(10_001));
  checked('\uFEFF\0\uD800{}');
});
