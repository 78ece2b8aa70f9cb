import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCollectionFile, parseCollection } from '../../src/core/collection';
import { hayagrivaKeyText, looksLikeHayagriva, parseHayagriva, parseHayagrivaInSlices } from '../../src/core/hayagriva';
import { IncrementalCollection } from '../../src/core/incremental';
import { Library } from '../../src/core/library';
import { Entry } from '../../src/core/model';
import { toPaper } from '../../src/core/paper';

const dir = join(__dirname, '..', 'fixtures', 'hayagriva');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const raw = (e: Entry | undefined, name: string) => e?.fields[name]?.raw;

describe('Hayagriva reader', () => {
  const text = read('refs.yml');
  const result = parseHayagriva(text, 'refs.yml');
  const byKey = new Map(result.entries.map((e) => [e.key, e]));

  test('every entry, with its key span and 0-based position; no problems', () => {
    assert.deepEqual([...byKey.keys()], ['harry', 'kinetics', 'DBLP:books/lib/Knuth86a', 'luther', 'talk']);
    assert.deepEqual(result.diagnostics, []);
    for (const e of result.entries) assert.equal(text.slice(e.keySpan.start, e.keySpan.end), e.key);
    assert.equal(byKey.get('harry')!.line, 1);
    assert.equal(byKey.get('harry')!.column, 0);
    assert.equal(result.format, 'hayagriva');
  });

  test('types, names (string, list, structured), dates', () => {
    const harry = byKey.get('harry');
    assert.equal(harry!.type, 'book');
    assert.equal(raw(harry, 'author'), 'Rowling, J. K.');
    assert.equal(raw(harry, 'year'), '2003');
    assert.equal(raw(harry, 'month'), '6');
    assert.equal(raw(harry, 'date'), '2003-06-21');
    assert.equal(raw(harry, 'pagetotal'), '768');
    assert.equal(raw(byKey.get('kinetics'), 'author'), 'Doan, T. D. and Tran Thoai, D. B. and Haug, Hartmut');
    assert.equal(raw(byKey.get('DBLP:books/lib/Knuth86a'), 'author'), 'Knuth, Donald E.');
    // `Family, Given, Suffix` becomes BibTeX's `Family, Suffix, Given`.
    assert.equal(raw(byKey.get('luther'), 'author'), 'Luther King, Jr., Martin');
  });

  test('the parent gives the venue and what it carries; proceedings make inproceedings', () => {
    const k = byKey.get('kinetics');
    assert.equal(k!.type, 'article');
    assert.equal(raw(k, 'journal'), 'Physical Review B');
    assert.equal(raw(k, 'volume'), '102');
    assert.equal(raw(k, 'number'), '16');
    assert.equal(raw(k, 'publisher'), 'American Physical Society');
    assert.equal(raw(k, 'pages'), '165126-165139');
    assert.equal(raw(k, 'doi'), '10.1103/PhysRevB.102.165126');
    const talk = byKey.get('talk');
    assert.equal(talk!.type, 'inproceedings');
    assert.equal(raw(talk, 'booktitle'), 'World Wide Developer Conference 2020');
  });

  test('formattable strings, serial numbers and URLs with dates', () => {
    const knuth = byKey.get('DBLP:books/lib/Knuth86a');
    assert.equal(raw(knuth, 'title'), 'The TeXbook');
    assert.equal(raw(knuth, 'isbn'), '0-201-13447-0');
    assert.equal(raw(knuth, 'eprint'), '1234.5678');
    assert.equal(raw(knuth, 'eprinttype'), 'arxiv');
    assert.equal(raw(knuth, 'url'), 'https://example.org/texbook');
    assert.equal(raw(knuth, 'urldate'), '2020-11-12');
  });

  test('field spans point at the YAML that gave them', () => {
    const k = byKey.get('kinetics')!;
    const journal = k.fields.journal;
    assert.equal(text.slice(journal.span.start, journal.span.end), 'Physical Review B');
    assert.equal(text.slice(journal.nameSpan.start, journal.nameSpan.end), 'title');
  });

  test('papers: authors, year, venue, abstract for search and hover', () => {
    const library = new Library();
    library.setFile(result);
    const paper = toPaper(byKey.get('kinetics')!, library.fields(byKey.get('kinetics')!));
    assert.deepEqual(paper.authors.map((p) => p.family), ['Doan', 'Tran Thoai', 'Haug']);
    assert.equal(paper.year, '2020');
    assert.equal(paper.venue, 'Physical Review B');
    assert.equal(paper.abstract, 'We study the kinetics of a polariton condensate.');
    assert.equal(paper.doi, '10.1103/PhysRevB.102.165126');
  });

  test('a broken entry costs only itself, with a diagnostic at its position', () => {
    const broken = read('broken.yml');
    const r = parseHayagriva(broken, 'broken.yml');
    const keys = r.entries.map((e) => e.key);
    for (const good of ['good-one', 'good-two', 'good-three']) assert.ok(keys.includes(good), good);
    assert.equal(r.entries.find((e) => e.key === 'good-two')!.fields.url.raw, 'https://example.org/@user');
    assert.ok(r.entries.filter((e) => e.key !== 'good-one' && e.key !== 'good-two' && e.key !== 'good-three').every((e) => e.broken));
    const lines = r.diagnostics.map((d) => `${d.line + 1}:${d.code}`);
    assert.ok(lines.includes('7:yaml-syntax'), lines.join(' '));
    assert.ok(lines.includes('12:invalid-item'), lines.join(' '));
    assert.ok(lines.includes('21:yaml-syntax'), lines.join(' '));
    assert.ok(r.diagnostics.every((d) => d.severity === 'error' && d.message.length > 10));
  });

  test('hostile YAML: deep nesting, alias bombs, garbage, a list, duplicates, BOM and CRLF', () => {
    const deep = parseHayagriva('a:\n  title: ' + '['.repeat(100000) + '\nb:\n  title: Fine\n', 'deep.yml');
    assert.ok(deep.entries.some((e) => e.key === 'b' && e.fields.title.raw === 'Fine'));
    assert.ok(deep.diagnostics.length > 0 && deep.diagnostics.length <= 100);

    const lol = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) lol.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    lol.push('paper:\n  title: Survives\n  author: *j');
    const started = Date.now();
    const bomb = parseHayagriva(lol.join('\n') + '\n', 'bomb.yml');
    assert.ok(Date.now() - started < 5000, 'alias bomb does not expand');
    assert.equal(bomb.entries.find((e) => e.key === 'paper')?.fields.title.raw, 'Survives');

    const garbage = parseHayagriva('\u0000\u0001 {{{ ]]] : : :\n\tx', 'garbage.yml');
    assert.deepEqual(garbage.entries.filter((e) => !e.broken), []);
    assert.ok(garbage.diagnostics.length > 0);

    const list = parseHayagriva('- id: a\n  title: CSL YAML\n', 'list.yml');
    assert.deepEqual(list.entries, []);
    assert.match(list.diagnostics[0].message, /mapping from entry keys/);

    const dup = parseHayagriva('a:\n  title: One\na:\n  title: Two\n', 'dup.yml');
    assert.deepEqual(dup.entries.map((e) => e.fields.title.raw), ['One', 'Two']);
    const library = new Library();
    library.setFile(dup);
    assert.ok(library.diagnostics('dup.yml').some((d) => /duplicate|more than once/i.test(d.message)));

    const crlf = parseHayagriva('\uFEFFk:\r\n  type: book\r\n  title: Windows\r\n', 'crlf.yml');
    assert.equal(crlf.entries[0].key, 'k');
    assert.equal(crlf.entries[0].fields.title.raw, 'Windows');

    assert.deepEqual(parseHayagriva('', 'empty.yml').entries, []);
    assert.deepEqual(parseHayagriva('# only a comment\n', 'c.yml').diagnostics, []);
  });

  test('a renamed key is written so that YAML reads it back as that key', () => {
    for (const [key, quote] of [['plain2020', ''], ['DBLP:books/x', ''], ['&anchor', ''], ['*alias', ''], ['[x]', ''], ['a: b', ''], ['-x', ''], ['say "hi"', '"'], ["it's", "'"], ['?q', '']] as const) {
      const written = hayagrivaKeyText(key, quote);
      const yml = `${quote}${written}${quote}:\n  title: T\n`;
      assert.deepEqual(parseHayagriva(yml, 'k.yml').entries.map((e) => e.key), [key], `${key} written as ${quote}${written}${quote}`);
    }
    assert.equal(hayagrivaKeyText('plain2020', ''), 'plain2020');
  });

  test('aliases between entries resolve (the file is parsed whole)', () => {
    const r = parseHayagriva('base: &journal\n  type: Periodical\n  title: Shared Journal\nx:\n  type: Article\n  title: X\n  parent: *journal\n', 'alias.yml');
    assert.equal(r.entries.find((e) => e.key === 'x')?.fields.journal.raw, 'Shared Journal');
    assert.deepEqual(r.diagnostics, []);
  });

  test('sliced reading pauses between entries and reads the same', async () => {
    let now = 0;
    let pauses = 0;
    const sliced = await parseHayagrivaInSlices(text, 'refs.yml', async () => void pauses++, 1, () => (now += 5));
    assert.ok(pauses >= 3, `${pauses} pauses`);
    assert.deepEqual(
      sliced.entries.map((e) => [e.key, e.fields]),
      result.entries.map((e) => [e.key, e.fields]),
    );
  });

  test('.yml files are collections read as Hayagriva; content tells them from other YAML', () => {
    assert.ok(isCollectionFile('works.yml') && isCollectionFile('works.yaml'));
    assert.equal(parseCollection(text, 'x.yaml').format, 'hayagriva');
    assert.ok(looksLikeHayagriva(text));
    assert.ok(!looksLikeHayagriva('name: CI\non:\n  push:\n    branches: [main]\njobs:\n  build:\n    runs-on: ubuntu-latest\n'));
    assert.ok(!looksLikeHayagriva('references:\n- id: a\n  title: x\n'));
  });

  test('an edited Hayagriva file is read again whole', async () => {
    const collection = new IncrementalCollection('refs.yml');
    const first = await collection.update(text);
    assert.equal(first.full, true);
    assert.equal(first.entryCount, 5);
    const second = await collection.update(text.replace('harry:', 'harry2:'));
    assert.equal(second.full, true);
    assert.equal(second.format, 'hayagriva');
    assert.equal(second.entryCount, 5);
  });
});
