import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseBibtex } from '../../src/core/bibtex';
import { ParseResult } from '../../src/core/model';

const fixtures = join(__dirname, '..', 'fixtures', 'bibtex');
const libraryDir = join(__dirname, '..', '..', '..', 'shared', 'library');

function read(name: string): { text: string; result: ParseResult } {
  const text = readFileSync(join(fixtures, name), 'utf8');
  return { text, result: parseBibtex(text, name) };
}

function keys(r: ParseResult): string[] {
  return r.entries.map((e) => e.key);
}

function field(r: ParseResult, key: string, name: string): string | undefined {
  return r.entries.find((e) => e.key === key)?.fields[name]?.raw;
}

function codes(r: ParseResult): string[] {
  return r.diagnostics.map((d) => d.code);
}

describe('BibTeX reader: well-formed input', () => {
  test('braces, quotes, numbers, parentheses, nested braces, free text', () => {
    const { result } = read('basic.bib');
    assert.deepEqual(keys(result), ['smith2020', 'paren2021', 'nofields']);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(field(result, 'smith2020', 'title'), 'A {Nested {Brace}} Title');
    assert.equal(field(result, 'smith2020', 'journal'), 'Journal of {Things}');
    assert.equal(field(result, 'smith2020', 'year'), '2020');
    assert.equal(field(result, 'paren2021', 'title'), 'Entry with parentheses');
    assert.deepEqual(Object.keys(result.entries[2].fields), []);
  });

  test('entry types and field names are case-insensitive (lower-cased)', () => {
    const { result } = read('basic.bib');
    assert.equal(result.entries[0].type, 'article');
    assert.ok(result.entries[0].fields.author);
    assert.equal(result.entries[0].fields.author.name, 'author');
  });

  test('source spans of entry, key and field values', () => {
    const { text, result } = read('basic.bib');
    const e = result.entries[0];
    assert.equal(text.slice(e.keySpan.start, e.keySpan.end), 'smith2020');
    assert.ok(text.slice(e.span.start, e.span.end).startsWith('@Article{smith2020'));
    assert.ok(text.slice(e.span.start, e.span.end).endsWith('}'));
    assert.equal(text.slice(e.fields.journal.span.start, e.fields.journal.span.end), '"Journal of {Things}"');
    assert.equal(text.slice(e.fields.title.nameSpan.start, e.fields.title.nameSpan.end), 'Title');
    assert.equal(e.line, 3);
    assert.equal(e.column, 0);
    const pos = result.lineIndex.positionAt(e.keySpan.start);
    assert.deepEqual(pos, { line: 3, column: 9 });
  });

  test('@string with # concatenation, case-insensitive names, month macros', () => {
    const { result } = read('strings.bib');
    assert.deepEqual(keys(result), ['withmacros', 'undefinedmacro']);
    assert.equal(field(result, 'withmacros', 'booktitle'), 'Proceedings of the Annual Meeting of the Association for Computational Linguistics');
    assert.equal(field(result, 'withmacros', 'publisher'), 'Association for Computational Linguistics');
    assert.equal(field(result, 'withmacros', 'month'), 'June');
    assert.equal(field(result, 'undefinedmacro', 'month'), 'December');
    assert.equal(result.strings['acl'], 'Association for Computational Linguistics');
  });

  test('undefined @string macro: a warning naming it, the name kept as text', () => {
    const { result } = read('strings.bib');
    const d = result.diagnostics.find((x) => x.code === 'undefined-macro');
    assert.ok(d);
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /nosuchmacro/);
    assert.equal(field(result, 'undefinedmacro', 'note'), 'nosuchmacro');
  });

  test('macros defined by an earlier file can be passed in', () => {
    const r = parseBibtex('@misc{a, publisher = pub}', 'x.bib', { strings: { pub: 'Shared Publisher' } });
    assert.equal(field(r, 'a', 'publisher'), 'Shared Publisher');
    assert.deepEqual(r.diagnostics, []);
  });

  test('@preamble, @comment (with braces and a fake entry) are not entries', () => {
    const { result } = read('specials.bib');
    assert.deepEqual(keys(result), ['dupfield']);
    assert.equal(result.preambles.length, 1);
    assert.match(result.preambles[0], /noopsort/);
  });

  test('duplicate field: first wins, with a warning', () => {
    const { result } = read('specials.bib');
    assert.equal(field(result, 'dupfield', 'title'), 'First title');
    const d = result.diagnostics.find((x) => x.code === 'duplicate-field');
    assert.ok(d);
    assert.equal(d.severity, 'warning');
    assert.equal(d.key, 'dupfield');
    assert.equal(d.line, 6);
  });

  test('BOM and CRLF line ends', () => {
    const { text, result } = read('bom-crlf.bib');
    assert.equal(text.charCodeAt(0), 0xfeff);
    assert.deepEqual(keys(result), ['bomkey', 'second']);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(field(result, 'bomkey', 'title'), 'CRLF and BOM');
    assert.equal(result.entries[1].line, 5);
  });

  test('escaped braces \\{ \\} are literal and do not nest', () => {
    const r = parseBibtex('@misc{a,\n title = {{HOMO\\}-\\{MEX\\}: x \\{LGBT\\}+}},\n author = {B, C}\n}\n', 'x.bib');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(field(r, 'a', 'author'), 'B, C');
  });

  test('% comment lines between fields are skipped', () => {
    const r = parseBibtex('@misc{a,\n% author = {Nobody},\n title = {T},\n %year = 1\n}\n', 'x.bib');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(Object.keys(r.entries[0].fields), ['title']);
  });

  test('@ in free text and in values is not an entry', () => {
    const r = parseBibtex('mail me@x.org\n@misc{a, note = {write to a@b.c or @misc}, title={T}}\n', 'x.bib');
    assert.deepEqual(keys(r), ['a']);
    assert.deepEqual(r.diagnostics, []);
  });

  test('a field named __proto__ is refused without touching prototypes', () => {
    const r = parseBibtex('@misc{a, __proto__ = {x}, constructor = {y}, title = {T}}', 'x.bib');
    assert.equal(field(r, 'a', 'constructor'), 'y');
    assert.equal(Object.getPrototypeOf(r.entries[0].fields), Object.prototype);
    assert.ok(codes(r).includes('reserved-field'));
  });
});

describe('BibTeX reader: recovery from broken entries', () => {
  test('unbalanced braces: the entry is cut at the next entry, the others are intact', () => {
    const { result } = read('broken-braces.bib');
    assert.deepEqual(keys(result), ['good1', 'unbalanced', 'good2']);
    assert.equal(field(result, 'good2', 'title'), 'Good two');
    assert.equal(field(result, 'good1', 'year'), '2020');
    const d = result.diagnostics.filter((x) => x.key === 'unbalanced');
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'error');
    assert.equal(d[0].line, 5);
    assert.match(d[0].message, /not closed before the next entry on line 11/);
    assert.ok(result.entries[1].broken);
    assert.ok(!result.entries[2].broken);
  });

  test('missing comma between fields: reported, both fields kept', () => {
    const { result } = read('broken-misc.bib');
    assert.equal(field(result, 'missingcomma', 'title'), 'No comma after this');
    assert.equal(field(result, 'missingcomma', 'year'), '2020');
    const d = result.diagnostics.find((x) => x.key === 'missingcomma');
    assert.ok(d);
    assert.equal(d.code, 'missing-comma');
    assert.equal(d.line, 1);
  });

  test('missing = : that field skipped, the next kept', () => {
    const { result } = read('broken-misc.bib');
    assert.equal(field(result, 'missingequals', 'title'), undefined);
    assert.equal(field(result, 'missingequals', 'year'), '2021');
    const d = result.diagnostics.find((x) => x.key === 'missingequals');
    assert.equal(d?.code, 'missing-equals');
    assert.match(d!.message, /Expected '=' after 'title'/);
  });

  test('stray text inside an entry: reported, the following field kept', () => {
    const { result } = read('broken-misc.bib');
    assert.equal(field(result, 'straytext', 'year'), '2022');
    assert.ok(result.diagnostics.some((x) => x.key === 'straytext'));
  });

  test('empty key and missing key: entry skipped with a clear error, reading goes on', () => {
    const { result } = read('broken-misc.bib');
    const missing = result.diagnostics.filter((x) => x.code === 'missing-key');
    assert.equal(missing.length, 2);
    assert.match(missing[0].message, /no citation key/);
    assert.equal(missing[0].line, 15);
    assert.equal(missing[1].line, 19);
    assert.ok(keys(result).includes('atinvalue'));
  });

  test('@ inside a bare value: reported, other fields of the entry kept', () => {
    const { result } = read('broken-misc.bib');
    assert.equal(field(result, 'atinvalue', 'title'), 'At sign in a bare value');
    assert.equal(field(result, 'atinvalue', 'year'), '2023');
    assert.ok(result.diagnostics.some((x) => x.key === 'atinvalue' && x.severity === 'error'));
  });

  test('an extra } closing an entry early is flagged', () => {
    const { result } = read('broken-misc.bib');
    const d = result.diagnostics.find((x) => x.code === 'text-after-entry');
    assert.ok(d);
    assert.equal(d.key, 'extrabrace');
    assert.match(d.message, /extra '\}'/);
    assert.ok(keys(result).includes('last'));
  });

  test('all entries of broken-misc.bib after the problems are read', () => {
    const { result } = read('broken-misc.bib');
    assert.deepEqual(keys(result), ['missingcomma', 'missingequals', 'straytext', 'atinvalue', 'extrabrace', 'last']);
  });

  test('truncated file: complete entries intact, the truncated one kept with an error', () => {
    const { result } = read('truncated.bib');
    assert.deepEqual(keys(result), ['complete', 'truncated']);
    assert.equal(field(result, 'truncated', 'title'), 'Truncated entry');
    // One problem, one diagnostic: the unclosed value explains why the entry ends early.
    const d = result.diagnostics.filter((x) => x.key === 'truncated');
    assert.equal(d.length, 1);
    assert.equal(d[0].code, 'unbalanced-braces');
    assert.match(d[0].message, /end of the file/);
    assert.equal(d[0].line, 7);
  });

  test('an entry still open when a line begins with @type{ is cut there', () => {
    const { result } = read('nextentry.bib');
    assert.deepEqual(keys(result), ['opened', 'following']);
    assert.equal(field(result, 'opened', 'year'), '2020');
    assert.equal(field(result, 'following', 'year'), '2021');
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0].code, 'unclosed-entry');
  });

  test('unclosed quote is cut at the next entry', () => {
    const r = parseBibtex('@misc{a, title = "never closed,\n year = 1\n}\n@misc{b, title = {B}}\n', 'x.bib');
    assert.deepEqual(keys(r), ['a', 'b']);
    assert.equal(field(r, 'b', 'title'), 'B');
    assert.deepEqual(codes(r), ['unclosed-quote']);
  });

  test('missing comma after the key', () => {
    const r = parseBibtex('@misc{a\n title = {T}}', 'x.bib');
    assert.deepEqual(keys(r), ['a']);
    assert.equal(field(r, 'a', 'title'), 'T');
    assert.deepEqual(codes(r), ['missing-comma']);
  });

  test('garbage never throws and never loops', () => {
    const inputs = ['@', '@{', '@misc', '@misc{', '@misc{a', '@misc{a,', '@misc{a, t', '@misc{a, t =', '@misc{a, t = {', '@misc{a, t = "', '@misc{a, t = x #', '}}}}', '{{{{', '@string{', '@preamble{', '@comment{', '\\', '\uFEFF', '', '@misc(a, t = {x}', '@misc{a, = {x}}'];
    for (const input of inputs) {
      const r = parseBibtex(input, 'x.bib');
      assert.ok(Array.isArray(r.entries), input);
    }
    const deep = '@misc{a, title = ' + '{'.repeat(100000) + '}\n@misc{b, title={B}}';
    const r = parseBibtex(deep, 'deep.bib');
    assert.deepEqual(keys(r), ['a', 'b']);
  });
});

describe('BibTeX reader: the sample library', () => {
  test('../shared/library reads 227 entries with no diagnostics', () => {
    let total = 0;
    const files = readdirSync(libraryDir).filter((f) => f.endsWith('.bib'));
    assert.equal(files.length, 5);
    for (const f of files) {
      const r = parseBibtex(readFileSync(join(libraryDir, f), 'utf8'), f);
      assert.deepEqual(r.diagnostics, [], f);
      total += r.entries.length;
    }
    assert.equal(total, 227);
  });
});
