import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  foldForSearch,
  formatAuthorsShort,
  formatName,
  parseName,
  parseNames,
  personKey,
  splitNameList,
} from '../../src/core/names';
import type { Person } from '../../src/core/model';

function person(given: string, von: string, family: string, suffix = ''): Person {
  return { given, von, family, suffix };
}

describe('splitNameList', () => {
  test('splits on " and "', () => assert.deepEqual(splitNameList('Oh, Seong Joon and Kim, Jin'), ['Oh, Seong Joon', 'Kim, Jin']));
  test('"and" in any case', () => assert.deepEqual(splitNameList('A AND B And C'), ['A', 'B', 'C']));
  test('newlines and tabs around "and"', () => assert.deepEqual(splitNameList('A\n  and\tB'), ['A', 'B']));
  test('not inside braces', () =>
    assert.deepEqual(splitNameList('{Barnes and Noble} and Smith, J.'), ['{Barnes and Noble}', 'Smith, J.']));
  test('not inside a word', () => assert.deepEqual(splitNameList('Anderson, Sandy and Band, Andy'), ['Anderson, Sandy', 'Band, Andy']));
  test('empty items are dropped', () => assert.deepEqual(splitNameList('A and and B'), ['A', 'B']));
  test('empty input', () => assert.deepEqual(splitNameList('   '), []));
});

describe('parseName: name forms', () => {
  test('First Last', () => assert.deepEqual(parseName('Seong Joon Oh'), person('Seong Joon', '', 'Oh')));
  test('Last, First', () => assert.deepEqual(parseName('Oh, Seong Joon'), person('Seong Joon', '', 'Oh')));
  test('First von Last', () => assert.deepEqual(parseName('Ludwig van Beethoven'), person('Ludwig', 'van', 'Beethoven')));
  test('von Last, First', () => assert.deepEqual(parseName('van Beethoven, Ludwig'), person('Ludwig', 'van', 'Beethoven')));
  test('von Last, Jr, First', () =>
    assert.deepEqual(parseName('de la Fontaine, Jr., Jean'), person('Jean', 'de la', 'Fontaine', 'Jr.')));
  test('multi-word von with capitalised words after it go to Last', () =>
    assert.deepEqual(
      parseName("Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin"),
      person('Charles Louis Xavier Joseph', 'de la', 'Vallée Poussin'),
    ));
  test('single word is the family name', () => assert.deepEqual(parseName('Aristotle'), person('', '', 'Aristotle')));
  test('last word is Last even when lower-case', () =>
    assert.deepEqual(parseName('jean de la fontaine'), person('', 'jean de la', 'fontaine')));
  test('capitalised von in comma form stays in Last (BibTeX: no lower-case word)', () =>
    assert.deepEqual(parseName('Van Beethoven, Ludwig'), person('Ludwig', '', 'Van Beethoven')));
  test('hyphenated given name is one word', () => assert.deepEqual(parseName('Jin-hwa Kim'), person('Jin-hwa', '', 'Kim')));
  test('tie ~ separates words', () => assert.deepEqual(parseName('Jean~Y. Song'), person('Jean Y.', '', 'Song')));
  test('whitespace and newlines inside a name', () => assert.deepEqual(parseName('  Oh,\n   Seong\tJoon '), person('Seong Joon', '', 'Oh')));
  test('extra commas join the given name', () => assert.deepEqual(parseName('Doe, Jr., John, Q.'), person('John, Q.', '', 'Doe', 'Jr.')));
});

describe('parseName: case of special characters (von detection)', () => {
  test('{\\"u} counts as lower-case u, so it is a von word', () =>
    assert.deepEqual(parseName('Hans {\\"u}ber Meier'), person('Hans', 'über', 'Meier')));
  test('{\\"U} counts as upper-case', () => assert.deepEqual(parseName('Hans {\\"U}ber Meier'), person('Hans Über', '', 'Meier')));
  test('unbraced accent \\"u counts as its letter', () =>
    assert.deepEqual(parseName('Hans \\"uber Meier'), person('Hans', 'über', 'Meier')));
  test('{\\o} counts as lower-case letter command', () => assert.deepEqual(parseName('Ole {\\o}st Hansen').von, 'øst'));
  test('{\\O} counts as upper-case letter command', () => assert.deepEqual(parseName('Ole {\\O}st Hansen').von, ''));
  test('braced group without a command is caseless, not von', () =>
    assert.deepEqual(parseName('Ada {de} Lovelace'), person('Ada de', '', 'Lovelace')));
  test('\\c{C} is read as C (upper), not as the command name c', () =>
    assert.deepEqual(parseName('Ana \\c{C}elik'), person('Ana', '', 'Çelik')));
});

describe('parseName: conversion and special cases', () => {
  test('LaTeX accents become Unicode', () =>
    assert.deepEqual(parseName("Mucs{\\'a}nyi, B{\\'a}lint"), person('Bálint', '', 'Mucsányi')));
  test('Unicode input is kept', () => assert.deepEqual(parseName('Mucsányi, Bálint'), person('Bálint', '', 'Mucsányi')));
  test('corporate name in braces is a literal', () => {
    const p = parseName('{World Health Organization}');
    assert.equal(p.literal, 'World Health Organization');
    assert.equal(p.family, 'World Health Organization');
    assert.equal(p.given, '');
  });
  test('braced corporate name containing "and" and a comma stays whole', () =>
    assert.equal(parseName('{Barnes and Noble, Inc.}').literal, 'Barnes and Noble, Inc.'));
  test('leading braced special char is not a literal', () => {
    const p = parseName('{\\"O}zt{\\"u}rk, Ali');
    assert.equal(p.literal, undefined);
    assert.deepEqual(p, person('Ali', '', 'Öztürk'));
  });
  test('protected multi-word family name', () =>
    assert.deepEqual(parseName('Jane {Smith Jones}'), person('Jane', '', 'Smith Jones')));
  test('missing family ", John" falls back to a family name', () => assert.equal(parseName(', John').family, 'John'));
});

describe('parseName: garbage never throws', () => {
  const garbage = ['', '   ', ',', ',,,', '{', '}', '}{', '{{{', 'a, {b', '\\', '\\"{', ', , and', 'and', '~~~', '-', '{}'];
  for (const input of garbage) {
    test(`parseName(${JSON.stringify(input)})`, () => {
      const p = parseName(input);
      for (const part of [p.given, p.von, p.family, p.suffix]) assert.equal(typeof part, 'string');
    });
    test(`parseNames(${JSON.stringify(input)})`, () => {
      const { people, etAl } = parseNames(input);
      assert.ok(Array.isArray(people));
      assert.equal(typeof etAl, 'boolean');
    });
  }
  test('empty string gives an empty person', () => assert.deepEqual(parseName(''), person('', '', '')));
  test('only commas give an empty person', () => assert.deepEqual(parseName(',,,'), person('', '', '')));
  test('100,000 nested braces', () => {
    const p = parseName('{'.repeat(100_000) + 'x' + '}'.repeat(100_000));
    assert.equal(p.family, 'x');
    assert.deepEqual(splitNameList('{'.repeat(100_000) + 'a and b'), ['{'.repeat(100_000) + 'a and b']);
  });
});

describe('parseNames', () => {
  test('list of people', () => {
    const { people, etAl } = parseNames('Oh, Seong Joon and Jin-Hwa Kim');
    assert.deepEqual(people, [person('Seong Joon', '', 'Oh'), person('Jin-Hwa', '', 'Kim')]);
    assert.equal(etAl, false);
  });
  test('"and others" sets etAl and is not a person', () => {
    const { people, etAl } = parseNames('Oh, Seong Joon and Kim, Jin and others');
    assert.equal(etAl, true);
    assert.deepEqual(people.map((p) => p.family), ['Oh', 'Kim']);
  });
  test('"and Others" in any case', () => assert.equal(parseNames('Oh, S. and OTHERS').etAl, true));
  test('"others" not at the end is an ordinary name', () => {
    const { people, etAl } = parseNames('others and Oh, S.');
    assert.equal(etAl, false);
    assert.equal(people.length, 2);
  });
  test('empty list', () => assert.deepEqual(parseNames(''), { people: [], etAl: false }));
});

describe('formatName', () => {
  test('Given Family', () => assert.equal(formatName(person('Seong Joon', '', 'Oh')), 'Seong Joon Oh'));
  test('Given von Family', () => assert.equal(formatName(person('Ludwig', 'van', 'Beethoven')), 'Ludwig van Beethoven'));
  test('with suffix', () => assert.equal(formatName(person('Jean', 'de la', 'Fontaine', 'Jr.')), 'Jean de la Fontaine, Jr.'));
  test('family only', () => assert.equal(formatName(person('', '', 'Aristotle')), 'Aristotle'));
  test('literal as is', () => assert.equal(formatName(parseName('{World Health Organization}')), 'World Health Organization'));
});

describe('formatAuthorsShort', () => {
  const oh = person('Seong Joon', '', 'Oh');
  const kim = person('Jin', '', 'Kim');
  const lee = person('Hwaran', '', 'Lee');
  const beethoven = person('Ludwig', 'van', 'Beethoven');
  test('one author', () => assert.equal(formatAuthorsShort([oh], false), 'Oh'));
  test('two authors', () => assert.equal(formatAuthorsShort([oh, kim], false), 'Oh and Kim'));
  test('three authors', () => assert.equal(formatAuthorsShort([oh, kim, lee], false), 'Oh et al.'));
  test('one author and others', () => assert.equal(formatAuthorsShort([oh], true), 'Oh et al.'));
  test('two authors and others', () => assert.equal(formatAuthorsShort([oh, kim], true), 'Oh et al.'));
  test('von part is included', () => assert.equal(formatAuthorsShort([beethoven], false), 'van Beethoven'));
  test('literal name', () => assert.equal(formatAuthorsShort([parseName('{OpenAI}')], false), 'OpenAI'));
  test('no authors', () => assert.equal(formatAuthorsShort([], false), ''));
});

describe('personKey', () => {
  const key = (raw: string) => personKey(parseName(raw));
  test('LaTeX and Unicode accents give the same key', () =>
    assert.equal(key("Mucs{\\'a}nyi, B{\\'a}lint"), key('Mucsányi, Bálint')));
  test('both name orders give the same key', () => assert.equal(key('Seong Joon Oh'), key('Oh, Seong Joon')));
  test('case does not matter', () => assert.equal(key('OH, SEONG JOON'), key('Oh, Seong Joon')));
  test('von in either order', () => assert.equal(key('Ludwig van Beethoven'), key('van Beethoven, Ludwig')));
  test('special letters fold (\\o, ø, o)', () => assert.equal(key('S{\\o}ren Kierkegaard'), key('Kierkegaard, Søren')));
  test('ß and ss', () => assert.equal(key('Stra{\\ss}er, Max'), key('Strasser, Max')));
  test('key shape is family|first given name', () => assert.equal(key('Oh, Seong Joon'), 'oh|seong'));
  test('different given names differ', () => assert.notEqual(key('Oh, Seong Joon'), key('Oh, Tae-Hyun')));
  test('initials differ from full names (documented choice)', () => assert.notEqual(key('S. J. Oh'), key('Seong Joon Oh')));
  test('different family names differ', () => assert.notEqual(key('Kim, Jin'), key('Lee, Jin')));
  test('literal names', () => assert.equal(key('{World Health Organization}'), key('{World health organization}')));
});

describe('foldForSearch', () => {
  test('lower-cases ASCII', () => assert.equal(foldForSearch('Deep NETS'), 'deep nets'));
  test('strips diacritics', () => assert.equal(foldForSearch('Mucsányi Bálint Gödel Çelik'), 'mucsanyi balint godel celik'));
  test('ß → ss', () => assert.equal(foldForSearch('Straße'), 'strasse'));
  test('ø → o', () => assert.equal(foldForSearch('Ørsted'), 'orsted'));
  test('æ and œ', () => assert.equal(foldForSearch('Æsir œuvre'), 'aesir oeuvre'));
  test('ł → l', () => assert.equal(foldForSearch('Łukasz'), 'lukasz'));
  test('đ, ð, þ', () => assert.equal(foldForSearch('Đorđe Ðð Þór'), 'dorde dd thor'));
  test('dotless ı', () => assert.equal(foldForSearch('Kılıç'), 'kilic'));
  test('compatibility forms (ligature, superscript)', () => assert.equal(foldForSearch('ﬁne x²'), 'fine x2'));
  test('curly quotes and dashes', () => assert.equal(foldForSearch('“a”–b’s'), '"a"-b\'s'));
  test('no-break space becomes a space', () => assert.equal(foldForSearch('Fig.\u00A01'), 'fig. 1'));
  test('decomposed input', () => assert.equal(foldForSearch('Mucsa\u0301nyi'), 'mucsanyi'));
});

describe('real library author fields', () => {
  const dir = '/work/shared/library';
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bib')) : [];
  const fields: string[] = [];
  let authorLines = 0;
  for (const file of files) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (/^\s*author\s*=/.test(line)) authorLines++;
      const match = /^\s*author\s*=\s*\{(.*)\},?\s*$/.exec(line);
      if (match) fields.push(match[1]);
    }
  }

  test('every author line of the sample library is read', { skip: files.length === 0 ? 'no sample library' : false }, () => {
    assert.ok(fields.length > 0);
    assert.equal(fields.length, authorLines);
  });

  test('every author parses to people with family names and clean display', () => {
    for (const field of fields) {
      const { people } = parseNames(field);
      assert.ok(people.length > 0, field);
      for (const p of people) {
        assert.notEqual(p.family, '', `empty family in ${field}`);
        const shown = formatName(p);
        assert.ok(!/[\\{}]/.test(shown), `leftover LaTeX in "${shown}" from ${field}`);
        assert.ok(!/\band\b/.test(shown), `unsplit "and" in "${shown}" from ${field}`);
      }
    }
  });

  test('the same person written with LaTeX and Unicode accents gets one key', () => {
    const keys = new Set<string>();
    for (const field of fields) {
      for (const p of parseNames(field).people) if (p.family.startsWith('Mucs')) keys.add(personKey(p));
    }
    if (fields.some((f) => f.includes('Mucs'))) assert.deepEqual([...keys], ['mucsanyi|balint']);
  });
});
