import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseBibtex } from '../../src/core/bibtex';
import { Citation } from '../../src/core/citations';
import { parseCslJson } from '../../src/core/csl';
import { Library } from '../../src/core/library';
import { checkCitations, declaredLatexRoot, invalidKeyReason, isBarePandocKey, isDefinedIn, isLatexMain, keyInCollectionAt } from '../../src/core/navigation';

const BIB = `@book{book2019,
  title = {A Book},
  year = {2019}
}

@inbook{chapter2019,
  crossref = {book2019},
  ids = {oldchapter, olderchapter},
  title = {A Chapter}
}

@article{Article2020, xdata = {series, book2019}, title = {An Article}}
@xdata{series, series = {S}}
`;

function cite(text: string, key: string, from = 0): Citation {
  const start = text.indexOf(key, from);
  return { key, start, end: start + key.length, command: 'cite' };
}

describe('invalidKeyReason', () => {
  test('accepts ordinary keys, with punctuation BibTeX allows', () => {
    for (const key of ['smith2020', 'Smith:2020a', 'doe-2021_x', 'a/b.c', 'über2024', '10.1000/xyz', 'k@inside']) assert.equal(invalidKeyReason(key), undefined, key);
  });
  test('refuses empty keys, white space, forbidden characters and a leading @', () => {
    assert.match(invalidKeyReason('')!, /empty/);
    assert.match(invalidKeyReason('a b')!, /white space/);
    assert.match(invalidKeyReason('a\tb')!, /white space/);
    assert.match(invalidKeyReason(' ')!, /white space/);
    for (const c of [',', '{', '}', '(', ')', '"', '#', '%', "'", '=', '\\']) assert.match(invalidKeyReason(`a${c}b`)!, new RegExp(`contains '${c.replace(/[\\()[\]{}]/g, '\\$&')}'`), c);
    assert.match(invalidKeyReason('@key')!, /starts with '@'/);
  });
});

describe('isBarePandocKey', () => {
  test('letters, digits, _ and internal punctuation', () => {
    assert.equal(isBarePandocKey('smith2020'), true);
    assert.equal(isBarePandocKey('Smith:2020.a'), true);
    assert.equal(isBarePandocKey('_x'), true);
    assert.equal(isBarePandocKey('x.'), false, 'trailing punctuation is not part of a bare key');
    assert.equal(isBarePandocKey('-x'), false);
    assert.equal(isBarePandocKey('a;b'), false);
    assert.equal(isBarePandocKey('a]b'), false);
  });
});

describe('keyInCollectionAt', () => {
  const result = parseBibtex(BIB, 'refs.bib');
  test('on an entry key, at its start, inside and at its end', () => {
    const at = BIB.indexOf('book2019,');
    for (const offset of [at, at + 3, at + 'book2019'.length]) {
      const found = keyInCollectionAt(result.entries, offset);
      assert.equal(found?.kind, 'entry');
      assert.equal(found?.key, 'book2019');
      assert.deepEqual([found?.start, found?.end], [at, at + 8]);
    }
  });
  test('on a crossref value and on each key of an xdata list', () => {
    const cross = BIB.indexOf('{book2019}') + 2;
    assert.deepEqual(
      (({ key, kind, entry }) => ({ key, kind, entry: entry.key }))(keyInCollectionAt(result.entries, cross)!),
      { key: 'book2019', kind: 'crossref', entry: 'chapter2019' },
    );
    const series = BIB.indexOf('series, book2019');
    assert.equal(keyInCollectionAt(result.entries, series + 1)?.key, 'series');
    const second = keyInCollectionAt(result.entries, series + 'series, '.length + 2)!;
    assert.equal(second.key, 'book2019');
    assert.equal(second.kind, 'xdata');
    assert.equal(BIB.slice(second.start, second.end), 'book2019');
  });
  test('nothing on field names, titles or between entries', () => {
    assert.equal(keyInCollectionAt(result.entries, BIB.indexOf('title')), undefined);
    assert.equal(keyInCollectionAt(result.entries, BIB.indexOf('A Book') + 2), undefined);
    assert.equal(keyInCollectionAt(result.entries, BIB.indexOf('@inbook') - 1), undefined);
    assert.equal(keyInCollectionAt([], 3), undefined);
  });
  test('CSL-JSON ids', () => {
    const json = '[{"id": "doe2020", "type": "book", "title": "T"}]';
    const found = keyInCollectionAt(parseCslJson(json, 'x.json').entries, json.indexOf('doe2020') + 1);
    assert.equal(found?.key, 'doe2020');
    assert.equal(json.slice(found!.start, found!.end), 'doe2020');
  });
});

describe('checkCitations', () => {
  const lib = new Library();
  lib.setFile(parseBibtex(BIB, 'refs.bib'));
  lib.setFile(parseBibtex('@misc{other2021, title = {Elsewhere}}\n', 'other.bib'));
  const text = '\\cite{book2019, oldchapter, missing, article2020, other2021, *} \\cite{missing}';
  const citations = ['book2019', 'oldchapter', 'missing', 'article2020', 'other2021', '*'].map((k) => cite(text, k));
  citations.push(cite(text, 'missing', text.lastIndexOf('missing')));

  test('whole library: undefined keys (each occurrence), case mismatches with the entry spelling; aliases and * are fine', () => {
    const problems = checkCitations(citations, lib);
    assert.deepEqual(
      problems.map((p) => [p.kind, p.key, p.spellings, p.start]),
      [
        ['undefined-key', 'missing', [], text.indexOf('missing')],
        ['case-mismatch', 'article2020', ['Article2020'], text.indexOf('article2020')],
        ['undefined-key', 'missing', [], text.lastIndexOf('missing')],
      ],
    );
  });

  test('scoped to some files: a key of another file is undefined and says where it is', () => {
    const problems = checkCitations(citations, lib, new Set(['refs.bib']));
    const other = problems.find((p) => p.key === 'other2021');
    assert.equal(other?.kind, 'undefined-key');
    assert.deepEqual(other?.definedIn, ['other.bib']);
    assert.equal(problems.some((p) => p.key === 'oldchapter'), false, 'an alias of an entry in scope is defined');
    assert.equal(checkCitations(citations, lib, new Set(['other.bib'])).find((p) => p.key === 'oldchapter')?.kind, 'undefined-key');
  });

  test('isDefinedIn follows aliases within the scope', () => {
    assert.equal(isDefinedIn(lib, 'olderchapter'), true);
    assert.equal(isDefinedIn(lib, 'olderchapter', new Set(['refs.bib'])), true);
    assert.equal(isDefinedIn(lib, 'olderchapter', new Set(['other.bib'])), false);
  });
});

describe('LaTeX main files', () => {
  test('\\documentclass outside comments makes a main file', () => {
    assert.equal(isLatexMain('\\documentclass[11pt]{article}\n\\begin{document}'), true);
    assert.equal(isLatexMain('% \\documentclass{article}\n\\section{Intro}'), false);
    assert.equal(isLatexMain('\\section{Intro}'), false);
  });
  test('% !TEX root and the subfiles class name the main file', () => {
    assert.equal(declaredLatexRoot('% !TEX root = ../main.tex\n\\section{A}'), '../main.tex');
    assert.equal(declaredLatexRoot('%!TeX root=main.tex\n'), 'main.tex');
    assert.equal(declaredLatexRoot('\\documentclass[../thesis]{subfiles}\n'), '../thesis.tex');
    assert.equal(declaredLatexRoot('\\documentclass{article}\n'), undefined);
  });
});
