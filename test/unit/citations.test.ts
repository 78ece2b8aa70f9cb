import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanDocument } from '../../src/core/citations';
import { nearestKeys, editDistance } from '../../src/core/nearest';

const dir = join(__dirname, '..', 'fixtures', 'citations');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('citation scanner: LaTeX', () => {
  const text = read('forms.tex');
  const scan = scanDocument(text, 'latex', ['refsee']);
  const keys = scan.citations.map((c) => c.key);

  test('every cite form, with exact key ranges', () => {
    assert.deepEqual(keys, ['plain', 'natbib1', 'natbib2', 'starred', 'auto', 'text', 'paren', 'apa', 'multi1', 'multi2', 'multi3', 'over1', 'over2', 'over3', 'quotekey', 'foreignquote', 'nokey', 'bibentrykey', 'capital', 'custom', 'afterpercent']);
    for (const c of scan.citations) assert.equal(text.slice(c.start, c.end), c.key);
  });

  test('command names', () => {
    const byKey = Object.fromEntries(scan.citations.map((c) => [c.key, c.command]));
    assert.equal(byKey.natbib2, 'citep');
    assert.equal(byKey.starred, 'citet');
    assert.equal(byKey.multi3, 'autocites');
    assert.equal(byKey.quotekey, 'textcquote');
    assert.equal(byKey.custom, 'refsee');
    assert.equal(byKey.nokey, 'nocite');
  });

  test('a custom command is not a citation unless configured', () => {
    assert.ok(!scanDocument(text, 'latex').citations.some((c) => c.key === 'custom'));
  });

  test('comments, verbatim, lstlisting, minted, comment, \\iffalse, \\verb, \\ref do not count; \\nocite{*} defines nothing', () => {
    const s = scanDocument(read('ignored.tex'), 'latex');
    assert.deepEqual(s.citations.map((c) => c.key), ['kept']);
    assert.equal(s.nociteAll, true);
  });

  test('includes of a multi-file project and its bibliography', () => {
    const s = scanDocument(read('project/main.tex'), 'latex');
    assert.deepEqual(s.includes.map((i) => i.path), ['chapters/one.tex', 'chapters/two.tex', 'chapters/three.tex', 'chapters/four.tex']);
    assert.deepEqual(s.includes.map((i) => i.command), ['include', 'input', 'subfile', 'import']);
    assert.deepEqual(s.bibliographies.map((b) => b.path), ['refs.bib']);
  });

  test('an unclosed \\cite{ and 10,000 keys in one command', () => {
    assert.deepEqual(scanDocument('\\cite{a, b', 'latex').citations, []);
    const many = Array.from({ length: 10000 }, (_, i) => `k${i}`).join(',');
    assert.equal(scanDocument(`\\cite{${many}}`, 'latex').citations.length, 10000);
  });
});

describe('citation scanner: Markdown', () => {
  const text = read('forms.md');
  const scan = scanDocument(text, 'markdown');

  test('bracketed, suppressed, in-text, braced and punctuated keys', () => {
    assert.deepEqual(scan.citations.map((c) => c.key), ['bracket1', 'bracket2', 'bracket3', 'suppressed', 'intext', 'braced:key.x', 'doi:10.1/x-y_z.v2', 'sentence', 'linestart']);
    for (const c of scan.citations) assert.equal(text.slice(c.start, c.end), c.key);
    assert.deepEqual(scan.citations.map((c) => c.command), ['[@]', '[@]', '[@]', '[-@]', '@', '@', '@', '@', '@']);
    assert.deepEqual(scan.bibliographies.map((b) => b.path), ['refs.bib']);
  });

  test('YAML, e-mail addresses, cross-references, code spans, HTML comments, fenced code do not count', () => {
    assert.deepEqual(scanDocument(read('ignored.md'), 'markdown').citations.map((c) => c.key), ['kept']);
  });

  test('an unmatched code fence hides the rest, not what is before it', () => {
    const s = scanDocument('[@before]\n```\n[@inside]\n', 'markdown');
    assert.deepEqual(s.citations.map((c) => c.key), ['before']);
  });
});

describe('nearest keys', () => {
  test('case first, then typos, bounded', () => {
    const keys = ['kirchhof2024pretrained', 'Smith2020', 'smith2021', 'jones2019', 'smyth2020'];
    assert.deepEqual(nearestKeys('smith2020', keys), ['Smith2020', 'smith2021', 'smyth2020']);
    assert.deepEqual(nearestKeys('kirchof2024pretrained', keys), ['kirchhof2024pretrained']);
    assert.deepEqual(nearestKeys('zzz', keys), []);
    assert.equal(editDistance('abcd', 'abdc', 2), 1);
  });
});
