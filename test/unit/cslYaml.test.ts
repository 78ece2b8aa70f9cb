/** CSL YAML collections (src/core/cslYaml.ts): Pandoc's `references:` list, with positions and tolerance. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { parseCollection } from '../../src/core/collection';
import { parseCslJson } from '../../src/core/csl';
import { parseCslYaml } from '../../src/core/cslYaml';

const refs = `references:
- id: knuth1984
  type: article-journal
  author:
  - family: Knuth
    given: Donald E.
  title: Literate Programming
  container-title: The Computer Journal
  volume: 27
  issue: 2
  page: 97-111
  issued:
    date-parts:
    - [1984]
  DOI: 10.1093/comjnl/27.2.97
- id: "doi:10.1000/xyz.42"
  type: book
  editor:
  - family: de la Fontaine
    given: Jean
  title: "Fables: Choisies"
  publisher: Barbin
  issued: {date-parts: [[1668, 3]]}
- id: 2021
  type: webpage
  title: A numeric id
  URL: https://example.org/a?b=c
`;

test('items become entries with their keys where the file has them, fields as from CSL-JSON', () => {
  const r = parseCslYaml(refs, 'refs.yaml');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.entries.map((e) => e.key), ['knuth1984', 'doi:10.1000/xyz.42', '2021']);
  for (const e of r.entries) assert.equal(refs.slice(e.keySpan.start, e.keySpan.end), e.key);
  assert.deepEqual(r.entries.map((e) => e.line), [1, 15, 23]);
  const [knuth, fables, web] = r.entries;
  assert.equal(knuth.type, 'article');
  assert.equal(knuth.fields.author.raw, 'Knuth, Donald E.');
  assert.equal(knuth.fields.journal.raw, 'The Computer Journal');
  assert.equal(knuth.fields.year.raw, '1984');
  assert.equal(knuth.fields.number.raw, '2');
  assert.equal(knuth.fields.pages.raw, '97-111');
  assert.equal(fables.type, 'book');
  assert.equal(fables.fields.title.raw, 'Fables: Choisies');
  assert.equal(fables.fields.month.raw, '3');
  assert.equal(web.fields.url.raw, 'https://example.org/a?b=c');
  // The same items as CSL-JSON give the same entries (fields and types).
  const json = JSON.stringify((parseDocument(refs).toJS() as { references: unknown[] }).references, null, 1);
  const fromJson = parseCslJson(json, 'refs.json').entries;
  assert.deepEqual(
    r.entries.map((e) => ({ key: e.key, type: e.type, fields: Object.fromEntries(Object.entries(e.fields).map(([k, f]) => [k, f.raw])) })),
    fromJson.map((e) => ({ key: e.key, type: e.type, fields: Object.fromEntries(Object.entries(e.fields).map(([k, f]) => [k, f.raw])) })),
  );
});

test('a broken item or one without an id costs that item only, with a clear message', () => {
  const text = `references:
- id: first
  title: First
- title: No id here
- id: second
  title: [unclosed
- id: third
  title: Third
`;
  const r = parseCslYaml(text, 'broken.yaml');
  const keys = r.entries.map((e) => e.key);
  assert.ok(keys.includes('first') && keys.includes('third'), keys.join(', '));
  assert.ok(r.diagnostics.some((d) => d.code === 'missing-key' && d.line === 3 && /no id/.test(d.message)));
  assert.ok(r.diagnostics.some((d) => d.severity === 'error' && /^YAML: /.test(d.message)), 'the syntax error is reported');
});

test('a metadata block (--- references: … ---) is read at its place in the file', () => {
  const text = `---\ntitle: Notes\nreferences:\n- id: inblock\n  title: In The Block\n---\n\nBody text @inblock.\n`;
  const r = parseCslYaml(text, 'refs.yaml');
  assert.deepEqual(r.entries.map((e) => e.key), ['inblock']);
  const e = r.entries[0];
  assert.equal(text.slice(e.keySpan.start, e.keySpan.end), 'inblock');
  assert.equal(e.line, 3);
});

test('a YAML file without references: is not CSL YAML; parseCollection tells CSL YAML from Hayagriva', () => {
  assert.match(parseCslYaml('title: x\n', 'x.yaml').diagnostics[0].message, /references:/);
  assert.equal(parseCollection(refs, 'refs.yaml').entries.length, 3);
  const hayagriva = 'harry:\n  type: book\n  title: Harry Potter\n  author: Rowling, J. K.\n  date: 1997\n';
  const h = parseCollection(hayagriva, 'lib.yml');
  assert.equal(h.format, 'hayagriva');
  assert.deepEqual(h.entries.map((e) => e.key), ['harry']);
});
