import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBibtex } from '../../src/core/bibtex';
import { Library } from '../../src/core/library';
import { monthNumber } from '../../src/core/inherit';

const fixtures = join(__dirname, '..', 'fixtures', 'bibtex');

function libraryOf(files: Record<string, string>): Library {
  const lib = new Library();
  for (const [file, text] of Object.entries(files)) lib.setFile(parseBibtex(text, file));
  return lib;
}

describe('Library model', () => {
  test('entries by key with their file and range', () => {
    const text = readFileSync(join(fixtures, 'basic.bib'), 'utf8');
    const lib = new Library();
    lib.setFile(parseBibtex(text, 'basic.bib'));
    const e = lib.get('smith2020');
    assert.ok(e);
    assert.equal(e.file, 'basic.bib');
    assert.equal(text.slice(e.keySpan.start, e.keySpan.end), 'smith2020');
    assert.equal(lib.size, 3);
    assert.equal(lib.get('missing'), undefined);
  });

  test('duplicate keys within and across files are reported; the first definition is cited', () => {
    const lib = libraryOf({
      'a.bib': '@misc{dup, title={A1}}\n@misc{dup, title={A2}}\n@misc{cross, title={A3}}\n',
      'b.bib': '@misc{cross, title={B1}}\n',
    });
    assert.equal(lib.paper('dup')?.title, 'A1');
    assert.equal(lib.definitions('dup').length, 2);
    const a = lib.diagnostics('a.bib').filter((d) => d.code === 'duplicate-key');
    assert.equal(a.length, 3);
    assert.match(a.find((d) => d.key === 'cross')!.message, /b\.bib:1/);
    const b = lib.diagnostics('b.bib').filter((d) => d.code === 'duplicate-key');
    assert.equal(b.length, 1);
    assert.match(b[0].message, /a\.bib:3/);
    assert.deepEqual(lib.duplicates().map((d) => d.key).sort(), ['cross', 'dup']);
  });

  test('replacing one file updates only its entries; removing drops them', () => {
    const lib = libraryOf({ 'a.bib': '@misc{a1, title={Old}}', 'b.bib': '@misc{b1, title={B}}' });
    const bEntry = lib.get('b1');
    const change = lib.setFile(parseBibtex('@misc{a1, title={New}}\n@misc{a2, title={Added}}', 'a.bib'));
    assert.deepEqual([...change.keys].sort(), ['a1', 'a2']);
    assert.equal(lib.paper('a1')?.title, 'New');
    assert.equal(lib.paper('a2')?.title, 'Added');
    assert.equal(lib.get('b1'), bEntry, 'the other file is not re-read');
    lib.removeFile('a.bib');
    assert.equal(lib.get('a1'), undefined);
    assert.equal(lib.size, 1);
    assert.deepEqual(lib.files, ['b.bib']);
  });

  test('crossref inheritance across files, with biblatex title → booktitle', () => {
    const text = readFileSync(join(fixtures, 'biblatex.bib'), 'utf8');
    // The parent is defined in another file, read after the child.
    const child = parseBibtex(text.slice(text.indexOf('@inproceedings{child2020'), text.indexOf('@xdata')), 'child.bib');
    const parent = parseBibtex(text.slice(0, text.indexOf('@inproceedings{child2020')), 'parent.bib');
    assert.deepEqual([child.entries.map((e) => e.key), parent.entries.map((e) => e.key)], [['child2020'], ['proc2020']]);
    const lib = new Library();
    lib.setFile(child);
    assert.equal(lib.paper('child2020')?.venue, '');
    assert.ok(lib.diagnostics('child.bib').some((d) => d.code === 'missing-parent'));
    const change = lib.setFile(parent);
    assert.deepEqual([...change.dependentFiles], ['child.bib']);
    const paper = lib.paper('child2020')!;
    assert.equal(paper.title, 'A Paper in the Proceedings');
    assert.equal(paper.venue, 'Proceedings of the Big Conference');
    assert.equal(paper.year, '2020');
    assert.equal(lib.fields(lib.get('child2020')!).location.raw, 'Vienna');
    assert.equal(lib.fields(lib.get('child2020')!).crossref.raw, 'proc2020');
    assert.ok(!lib.diagnostics('child.bib').some((d) => d.code === 'missing-parent'));
  });

  test('xdata inheritance, journaltitle → journal, date → year and month', () => {
    const lib = libraryOf({ 'x.bib': readFileSync(join(fixtures, 'biblatex.bib'), 'utf8') });
    const fields = lib.fields(lib.get('xdatauser')!);
    assert.equal(fields.publisher.raw, 'ACM Press');
    assert.equal(fields.address.raw, 'New York');
    assert.equal(fields.journal.raw, 'Journal of BibLaTeX');
    assert.equal(fields.year.raw, '2019');
    assert.equal(fields.month.raw, 'May');
    assert.equal(lib.paper('xdatauser')?.year, '2019');
    assert.equal(lib.paper('xdatauser')?.venue, 'Journal of BibLaTeX');
  });

  test('year + month → date; journal → journaltitle', () => {
    const lib = libraryOf({ 'x.bib': readFileSync(join(fixtures, 'biblatex.bib'), 'utf8') });
    const fields = lib.fields(lib.get('withids')!);
    assert.equal(fields.date.raw, '2018-03');
    assert.equal(fields.journaltitle.raw, 'Old Journal');
    assert.equal(monthNumber('Dec'), '12');
    assert.equal(monthNumber('13'), '');
  });

  test('ids aliases: citing an alias finds the entry', () => {
    const lib = libraryOf({ 'x.bib': readFileSync(join(fixtures, 'biblatex.bib'), 'utf8') });
    assert.equal(lib.get('oldkey2')?.key, 'withids');
    assert.equal(lib.aliasTarget('oldkey1'), 'withids');
    assert.ok(lib.has('oldkey1'));
    assert.deepEqual(lib.paper('oldkey1')?.aliases, ['oldkey1', 'oldkey2']);
    lib.removeFile('x.bib');
    assert.equal(lib.get('oldkey1'), undefined);
  });

  test('crossref cycles do not hang', () => {
    const lib = libraryOf({ 'c.bib': '@misc{a, crossref={b}, title={A}}\n@misc{b, crossref={a}, note={B}}' });
    assert.equal(lib.fields(lib.get('a')!).note.raw, 'B');
    assert.equal(lib.paper('b')?.key, 'b');
  });
});

describe('Paper display records', () => {
  test('Unicode display text, names, venue, keywords, links, arXiv class', () => {
    const lib = libraryOf({
      'p.bib': String.raw`@inproceedings{p1,
  author = {Mucs{\'a}nyi, B{\'a}lint and Oh, Seong Joon and others},
  editor = {Ed, Itor},
  title = {Benchmarking {U}ncertainty --- a $\alpha$ study},
  booktitle = {NeurIPS},
  year = {2024},
  keywords = {Uncertainty, Evaluation; Uncertainty},
  doi = {https://doi.org/10.1000/x\_y},
  url = {\url{https://example.org/a\_b}},
  primaryclass = {cs.LG},
  abstract = {An {\"o}ver view.}
}`,
    });
    const p = lib.paper('p1')!;
    assert.equal(p.authors.length, 2);
    assert.equal(p.authors[0].family, 'Mucsányi');
    assert.equal(p.authors[0].given, 'Bálint');
    assert.equal(p.etAl, true);
    assert.equal(p.editors[0].family, 'Ed');
    assert.match(p.title, /^Benchmarking Uncertainty — a α study$/);
    assert.equal(p.venue, 'NeurIPS');
    assert.deepEqual(p.keywords, ['Uncertainty', 'Evaluation']);
    assert.equal(p.doi, '10.1000/x_y');
    assert.equal(p.url, 'https://example.org/a_b');
    assert.equal(p.arxivClass, 'cs.LG');
    assert.equal(p.abstract, 'An över view.');
  });

  test('entries with no author or year give empty values, not errors', () => {
    const lib = libraryOf({ 'p.bib': '@misc{bare, title={Only a title}}' });
    const p = lib.paper('bare')!;
    assert.deepEqual(p.authors, []);
    assert.equal(p.year, '');
    assert.equal(p.venue, '');
    assert.equal(p.abstract, '');
  });
});

test('filesAffectedBy: the changed file, files with other definitions of its keys, files inheriting from them', () => {
  const lib = new Library();
  lib.setFile(parseBibtex('@book{parent, title = {P}}\n@misc{dup, title = {D}}\n', 'a.bib'));
  lib.setFile(parseBibtex('@inbook{child, crossref = {parent}, title = {C}}\n', 'b.bib'));
  lib.setFile(parseBibtex('@misc{dup, title = {D again}}\n', 'c.bib'));
  lib.setFile(parseBibtex('@misc{alone, title = {A}}\n', 'd.bib'));
  assert.deepEqual([...lib.filesAffectedBy('a.bib', ['parent'])].sort(), ['a.bib', 'b.bib']);
  assert.deepEqual([...lib.filesAffectedBy('a.bib', ['dup'])].sort(), ['a.bib', 'c.bib']);
  assert.deepEqual([...lib.filesAffectedBy('d.bib', ['alone'])], ['d.bib']);
  // A key no longer defined anywhere still reaches the files that inherit from it.
  lib.removeFile('a.bib');
  assert.deepEqual([...lib.filesAffectedBy('a.bib', ['parent'])].sort(), ['a.bib', 'b.bib']);
});
