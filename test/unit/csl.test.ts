import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCslJson } from '../../src/core/csl';
import { Entry, ParseResult } from '../../src/core/model';

const fixturePath = join(__dirname, '..', 'fixtures', 'csl', 'zotero-export.json');
const fixtureText = readFileSync(fixturePath, 'utf8');

function byKey(result: ParseResult, key: string): Entry {
  const entry = result.entries.find((e) => e.key === key);
  assert.ok(entry, `entry ${key} not found among ${result.entries.map((e) => e.key).join(', ')}`);
  return entry;
}

function raw(entry: Entry, field: string): string | undefined {
  return entry.fields[field]?.raw;
}

function syntaxErrors(result: ParseResult) {
  return result.diagnostics.filter((d) => d.code === 'json-syntax');
}

/** Splits a BibTeX name list the way BibTeX does: on top-level " and ", then on top-level commas. */
function splitBibtexNames(list: string): string[][] {
  const splitTopLevel = (text: string, separator: RegExp): string[] => {
    const parts: string[] = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
      else if (depth === 0) {
        const match = separator.exec(text.slice(i));
        if (match && match.index === 0) {
          parts.push(text.slice(start, i));
          i += match[0].length - 1;
          start = i + 1;
        }
      }
    }
    parts.push(text.slice(start));
    return parts.map((p) => p.trim());
  };
  return splitTopLevel(list, /^\s+and\s+/).map((name) => splitTopLevel(name, /^,/));
}

test('Zotero export: every item is read, in order, with mapped entry types', () => {
  const result = parseCslJson(fixtureText, 'refs.json');
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.format, 'csl-json');
  assert.deepEqual(
    result.entries.map((e) => [e.key, e.type]),
    [
      ['vaswani2017attention', 'inproceedings'],
      ['vangogh1888letters', 'article'],
      ['20231', 'techreport'],
      ['knuth1984texbook', 'book'],
      ['dubois2020chapter', 'incollection'],
      ['tanaka2016thesis', 'phdthesis'],
      ['python-docs', 'online'],
      ['devlin2019bert', 'misc'],
    ],
  );
  for (const entry of result.entries) {
    assert.equal(entry.format, 'csl-json');
    assert.equal(entry.file, 'refs.json');
    assert.equal(entry.broken, undefined);
  }
});

test('Zotero export: keySpan covers exactly the id, span the item object, line/column its start', () => {
  const result = parseCslJson(fixtureText, 'refs.json');
  for (const entry of result.entries) {
    assert.equal(fixtureText.slice(entry.keySpan.start, entry.keySpan.end), entry.key);
    assert.equal(fixtureText[entry.span.start], '{');
    assert.equal(fixtureText[entry.span.end - 1], '}');
    assert.deepEqual(JSON.parse(fixtureText.slice(entry.span.start, entry.span.end)).id.toString(), entry.key);
    assert.deepEqual(result.lineIndex.positionAt(entry.span.start), { line: entry.line, column: entry.column });
    assert.equal(entry.column, 1); // tab-indented inside the top-level array
  }
  assert.equal(byKey(result, 'vaswani2017attention').line, 1);
  // A numeric id's span is the number itself (no quotes to strip).
  const report = byKey(result, '20231');
  assert.equal(fixtureText.slice(report.keySpan.start - 6, report.keySpan.end), '"id": 20231');
});

test('Zotero export: fields are mapped to BibTeX names with plain-text values and value spans', () => {
  const result = parseCslJson(fixtureText, 'refs.json');
  const vaswani = byKey(result, 'vaswani2017attention');
  assert.equal(raw(vaswani, 'title'), 'Attention Is All You Need');
  assert.equal(raw(vaswani, 'booktitle'), 'Advances in Neural Information Processing Systems');
  assert.equal(raw(vaswani, 'journal'), undefined);
  assert.equal(raw(vaswani, 'pages'), '5998-6008');
  assert.equal(raw(vaswani, 'year'), '2017');
  assert.equal(raw(vaswani, 'date'), '2017');
  assert.equal(raw(vaswani, 'month'), undefined);
  assert.equal(raw(vaswani, 'event-place'), 'Long Beach, CA, USA');
  assert.equal(raw(vaswani, 'author'), 'Vaswani, Ashish and Shazeer, Noam and Parmar, Niki');

  const title = vaswani.fields.title;
  assert.equal(fixtureText.slice(title.span.start, title.span.end), '"Attention Is All You Need"');
  assert.equal(fixtureText.slice(title.nameSpan.start, title.nameSpan.end), 'title');
  const issued = vaswani.fields.year;
  assert.match(fixtureText.slice(issued.span.start, issued.span.end), /^\{\s+"date-parts"[\s\S]*\}$/);

  const gogh = byKey(result, 'vangogh1888letters');
  assert.equal(raw(gogh, 'journal'), 'Journal of Art History');
  assert.equal(raw(gogh, 'title'), 'Letters from Arles: "Sunflowers" and the Yellow House');
  assert.equal(raw(gogh, 'doi'), '10.1000/jah.1888.042');
  assert.equal(raw(gogh, 'issn'), '0000-1234');
  assert.equal(raw(gogh, 'number'), '4');
  assert.equal(raw(gogh, 'volume'), '12'); // a JSON number, kept as written
  assert.equal(raw(gogh, 'keywords'), 'painting, correspondence, post-impressionism');
  assert.equal(raw(gogh, 'language'), 'en');
  assert.equal(raw(gogh, 'journalabbreviation'), 'J. Art Hist.');
  assert.equal(raw(gogh, 'year'), '1888');
  assert.equal(raw(gogh, 'month'), '9');
  assert.equal(raw(gogh, 'date'), '1888-09-08');
  assert.equal(raw(gogh, 'urldate'), '2024-01-15');
  assert.equal(
    raw(gogh, 'author'),
    'van Gogh, Vincent and de La Fontaine, Jean and King, Jr., Martin Luther and Müller, Jürgen',
  );

  const report = byKey(result, '20231');
  assert.equal(raw(report, 'author'), '{World Health Organization}');
  assert.equal(raw(report, 'publisher'), 'World Health Organization');
  assert.equal(raw(report, 'address'), 'Geneva');
  assert.equal(raw(report, 'isbn'), '978-92-4-151657-0');
  assert.equal(raw(report, 'number'), 'WHO/NMH/19.12');
  assert.equal(raw(report, 'url'), 'https://www.who.int/publications/i/item/9789241516570');
  assert.equal(raw(report, 'date'), '2019-10');
  assert.equal(raw(report, 'month'), '10');

  const knuth = byKey(result, 'knuth1984texbook');
  assert.equal(raw(knuth, 'note'), 'Includes index');
  assert.equal(raw(knuth, 'series'), 'Computers & Typesetting');
  assert.equal(raw(knuth, 'number-of-pages'), '483');

  const chapter = byKey(result, 'dubois2020chapter');
  assert.equal(raw(chapter, 'booktitle'), 'Handbook of Computational Linguistics');
  assert.equal(raw(chapter, 'editor'), 'Smith, Jane and Nguyễn, Văn An');
  assert.equal(raw(chapter, 'date'), '2020-02/2020-05');
  assert.equal(raw(chapter, 'year'), '2020');

  const thesis = byKey(result, 'tanaka2016thesis');
  assert.equal(raw(thesis, 'year'), '2016');
  assert.equal(raw(thesis, 'date'), '2016-03');
  assert.equal(raw(thesis, 'author'), '田中, 太郎');

  const web = byKey(result, 'python-docs');
  assert.equal(raw(web, 'booktitle'), 'Python 3 Documentation');
  assert.equal(raw(web, 'year'), 'n.d.');
  assert.equal(raw(web, 'date'), undefined);

  const bert = byKey(result, 'devlin2019bert');
  assert.equal(raw(bert, 'date'), '2019-05-24');
  assert.equal(raw(bert, 'month'), '5');
});

test('name lists read back with a BibTeX-style name split', () => {
  const text = JSON.stringify([
    {
      id: 'names',
      author: [
        { family: 'Gogh', given: 'Vincent', 'non-dropping-particle': 'van' },
        { family: 'King', given: 'Martin Luther', suffix: 'Jr.' },
        { literal: 'Bill and Melinda Gates Foundation' },
        { family: 'Smith, Jones', given: 'Ann' },
        { given: 'Plato' },
        { family: 'Beethoven', given: 'Ludwig', 'dropping-particle': 'van' },
      ],
    },
  ]);
  const author = raw(parseCslJson(text, 'n.json').entries[0], 'author')!;
  assert.deepEqual(splitBibtexNames(author), [
    ['van Gogh', 'Vincent'],
    ['King', 'Jr.', 'Martin Luther'],
    ['{Bill and Melinda Gates Foundation}'],
    ['{Smith, Jones}', 'Ann'],
    ['Plato'],
    ['van Beethoven', 'Ludwig'],
  ]);
});

test('string escapes are decoded, including surrogate pairs; keySpan stays on the source', () => {
  const text = String.raw`[{"id": "k\u00e9y", "title": "Tab\there \"q\" \\ \/ \ud83d\ude00 \u00FC", "note": "a\nb"}]`;
  const result = parseCslJson(text, 'e.json');
  assert.deepEqual(result.diagnostics, []);
  const entry = result.entries[0];
  assert.equal(entry.key, 'kéy');
  assert.equal(text.slice(entry.keySpan.start, entry.keySpan.end), String.raw`k\u00e9y`);
  assert.equal(raw(entry, 'title'), 'Tab\there "q" \\ / 😀 ü');
  assert.equal(raw(entry, 'note'), 'a\nb');
});

test('a bad escape is reported and the item is still read', () => {
  const text = String.raw`[{"id": "a", "title": "C:\path \uZZZZ"}]`;
  const result = parseCslJson(text, 'e.json');
  assert.equal(result.entries.length, 1);
  assert.equal(raw(result.entries[0], 'title'), 'C:path uZZZZ');
  assert.equal(syntaxErrors(result).length, 2);
});

test('a syntax error in the middle keeps the items before it, recovers the ones after, and reports the line', () => {
  const items = Array.from({ length: 6 }, (_, i) => ({ id: `item${i}`, type: 'book', title: `Title ${i}` }));
  const pretty = JSON.stringify(items, null, '\t');
  // Break item3's title value: `"title": "Title 3"` → `"title": Title 3"`.
  const broken = pretty.replace('"title": "Title 3"', '"title": Title 3"');
  assert.notEqual(broken, pretty);
  const result = parseCslJson(broken, 'broken.json');

  const errors = syntaxErrors(result);
  assert.equal(errors.length, 1);
  const errorLine = broken.slice(0, broken.indexOf('Title 3"')).split('\n').length - 1;
  assert.equal(errors[0].line, errorLine);
  assert.equal(errors[0].severity, 'error');
  assert.equal(errors[0].key, 'item3');
  assert.match(errors[0].message, /Expected a value/);

  assert.deepEqual(
    result.entries.map((e) => e.key),
    ['item0', 'item1', 'item2', 'item3', 'item4', 'item5'],
  );
  const item3 = byKey(result, 'item3');
  assert.equal(item3.broken, true);
  assert.equal(raw(item3, 'title'), undefined);
  for (const key of ['item0', 'item1', 'item2', 'item4', 'item5']) {
    const entry = byKey(result, key);
    assert.equal(entry.broken, undefined);
    assert.equal(raw(entry, 'title'), `Title ${key.slice(4)}`);
    assert.equal(broken.slice(entry.keySpan.start, entry.keySpan.end), key);
  }
});

test('a missing comma between properties is reported with a clear message and read through', () => {
  const text = '[\n  {"id": "a", "title": "A"\n   "volume": "3"},\n  {"id": "b"}\n]';
  const result = parseCslJson(text, 'c.json');
  const errors = syntaxErrors(result);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].message, "Expected ',' or '}' after a property value");
  assert.deepEqual({ line: errors[0].line, column: errors[0].column }, { line: 2, column: 3 });
  assert.deepEqual(result.entries.map((e) => [e.key, raw(e, 'volume')]), [['a', '3'], ['b', undefined]]);
});

test('single-line JSON recovers at the next object that looks like an item', () => {
  const text =
    '[{"id":"a","author":[{"family":"X","given":"Y"}]},' +
    '{"id":"b","author":[{"family":"Z" "given":}]},' +
    '{"id":"c","author":[{"family":"W"}]},{"type":"book","id":"d"}]';
  const result = parseCslJson(text, 'min.json');
  assert.deepEqual(result.entries.map((e) => e.key), ['a', 'b', 'c', 'd']);
  assert.equal(byKey(result, 'b').broken, true);
  assert.equal(raw(byKey(result, 'c'), 'author'), 'W');
  assert.ok(syntaxErrors(result).length >= 1);
});

test('a missing comma between items and trailing commas are reported without losing items', () => {
  const text = '[{"id": "a",}\n{"id": "b"},]';
  const result = parseCslJson(text, 't.json');
  assert.deepEqual(result.entries.map((e) => e.key), ['a', 'b']);
  assert.deepEqual(
    syntaxErrors(result).map((d) => d.message),
    ["Unexpected ',' before '}'", "Expected ',' or ']' after an array element", "Unexpected ',' before ']'"],
  );
});

test('a truncated file keeps the complete items, the cut one as broken, and reports the end', () => {
  const full = JSON.stringify([{ id: 'one', title: 'First' }, { id: 'two', title: 'Second', volume: '7' }], null, 2);
  const cut = full.slice(0, full.indexOf('"Second"') + 4);
  const result = parseCslJson(cut, 'cut.json');
  assert.deepEqual(result.entries.map((e) => [e.key, e.broken]), [['one', undefined], ['two', true]]);
  const errors = syntaxErrors(result);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /end of file/);
  assert.equal(errors[0].span.start, cut.length);

  const unclosed = full.slice(0, full.lastIndexOf(']'));
  const result2 = parseCslJson(unclosed, 'cut.json');
  assert.deepEqual(result2.entries.map((e) => [e.key, e.broken]), [['one', undefined], ['two', undefined]]);
  assert.match(syntaxErrors(result2)[0].message, /expected '\]' to close the array opened on line 1/);
});

test('an empty or blank file is an empty library', () => {
  for (const text of ['', '  \n\t', '\ufeff', '[]', '{"items": []}']) {
    const result = parseCslJson(text, 'empty.json');
    assert.deepEqual(result.entries, [], JSON.stringify(text));
    assert.deepEqual(result.diagnostics, [], JSON.stringify(text));
  }
});

test('the {"items": [...]} form and a single top-level item are accepted', () => {
  const wrapped = '{"schema": "csl", "items": [{"id": "x", "type": "book"}, {"id": "y"}]}';
  const result = parseCslJson(wrapped, 'w.json');
  assert.deepEqual(result.diagnostics, []);
  assert.deepEqual(result.entries.map((e) => [e.key, e.type]), [['x', 'book'], ['y', 'misc']]);
  assert.equal(wrapped.slice(result.entries[1].keySpan.start, result.entries[1].keySpan.end), 'y');

  const single = '\ufeff{"id": "solo", "type": "article-journal", "container-title": "Nature"}';
  const one = parseCslJson(single, 's.json');
  assert.deepEqual(one.diagnostics, []);
  assert.equal(one.entries.length, 1);
  assert.equal(one.entries[0].key, 'solo');
  assert.equal(raw(one.entries[0], 'journal'), 'Nature');
  assert.deepEqual(one.entries[0].span, { start: 1, end: single.length });
});

test('items without an id are skipped with a missing-key diagnostic; duplicates are all returned', () => {
  const text = '[\n{"id": "a"},\n{"title": "No id"},\n{"id": ""},\n{"id": "a", "title": "again"},\n"oops"\n]';
  const result = parseCslJson(text, 'm.json');
  assert.deepEqual(result.entries.map((e) => e.key), ['a', 'a']);
  const missing = result.diagnostics.filter((d) => d.code === 'missing-key');
  assert.deepEqual(missing.map((d) => d.line), [2, 3]);
  assert.deepEqual(result.diagnostics.filter((d) => d.code === 'invalid-item').map((d) => d.line), [5]);
  assert.equal(syntaxErrors(result).length, 0);
});

test('unknown fields are kept lower-cased when they are strings or numbers', () => {
  const text = JSON.stringify([
    { id: 'u', 'Custom-Field': 'v', count: 3.50, flag: true, nested: { a: 1 }, list: ['x'], empty: null, constructor: 'c' },
  ]).replace('3.5', '3.50');
  const entry = parseCslJson(text, 'u.json').entries[0];
  assert.deepEqual(
    Object.values(entry.fields).map((f) => [f.name, f.raw]),
    [['custom-field', 'v'], ['count', '3.50'], ['constructor', 'c']],
  );
});

test('100,000 nested brackets neither throw nor overflow the stack', () => {
  const open = '['.repeat(100_000);
  const unbalanced = parseCslJson(open, 'deep.json');
  assert.equal(unbalanced.entries.length, 0);
  assert.equal(syntaxErrors(unbalanced).length, 1);

  const balanced = parseCslJson(open + ']'.repeat(100_000), 'deep.json');
  assert.equal(balanced.entries.length, 0);
  assert.equal(syntaxErrors(balanced).length, 0);

  const deepItem = parseCslJson(`[{"id": "d", "x": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}]`, 'deep.json');
  assert.deepEqual(deepItem.entries.map((e) => e.key), ['d']);
});

test('mangled input never throws or hangs, and every complete earlier item survives', () => {
  // Deterministic damage at many positions: cut, insert a stray character, delete a character.
  const strays = ['"', '{', '}', '[', ']', ',', ':', '\\', '\n', 'x'];
  const firstItemEnd = byKey(parseCslJson(fixtureText, 'f.json'), 'vaswani2017attention').span.end;
  for (let pos = 0; pos < fixtureText.length; pos += 37) {
    const variants = [
      fixtureText.slice(0, pos),
      fixtureText.slice(0, pos) + strays[pos % strays.length] + fixtureText.slice(pos),
      fixtureText.slice(0, pos) + fixtureText.slice(pos + 1),
    ];
    for (const text of variants) {
      const result = parseCslJson(text, 'fuzz.json');
      if (pos > firstItemEnd + 2) assert.ok(result.entries.some((e) => e.key === 'vaswani2017attention'), `pos ${pos}`);
      for (const entry of result.entries) {
        assert.ok(entry.span.start <= entry.span.end && entry.span.end <= text.length);
      }
    }
  }
});
