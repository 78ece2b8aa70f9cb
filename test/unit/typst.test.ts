import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanDocument, syntaxOfPath } from '../../src/core/citations';
import { citationKeyAt, citeContext } from '../../src/core/citeContext';
import { citationInsertion } from '../../src/core/citationInsert';
import { bibReferences } from '../../src/core/bibrefs';
import { citeWrappers, isTypstLabelKey, typstCompletionEdit, typstRenameEdit } from '../../src/core/typst';

const dir = join(__dirname, '..', 'fixtures', 'typst');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

/** The offset just after `marker` (the cursor where `|` would be). */
function after(text: string, marker: string): number {
  const i = text.indexOf(marker);
  assert.ok(i >= 0, `marker ${marker} not found`);
  return i + marker.length;
}

describe('Typst citation scanner', () => {
  const text = read('forms.typ');
  const scan = scanDocument(text, 'typst');

  test('.typ files are Typst', () => {
    assert.equal(syntaxOfPath('/a/thesis.typ'), 'typst');
    assert.equal(syntaxOfPath('/a/thesis.TYP'), 'typst');
  });

  test('every form, in order, with exact key ranges', () => {
    assert.deepEqual(
      scan.citations.map((c) => c.key),
      ['arrgh', 'netwok', 'arrgh', 'netwok', 'knuth', 'smith2020', 'explicit', 'withsupp', 'DBLP:books/lib/Knuth86a', 'old-one', 'old-a', 'old-b', 'wrapped', 'partial', 'intro', 'intro', 'refkey', 'outer', 'inner', 'incaption', 'müller-2020', 'a_b.c:d'],
    );
    for (const c of scan.citations) assert.equal(text.slice(c.start, c.end), c.key);
  });

  test('commands tell the forms apart', () => {
    const byKey = new Map(scan.citations.map((c) => [c.key, c.command]));
    assert.equal(byKey.get('arrgh'), '@');
    assert.equal(byKey.get('explicit'), 'cite');
    assert.equal(byKey.get('DBLP:books/lib/Knuth86a'), 'cite(label)');
    assert.equal(byKey.get('old-b'), 'cite("")');
    assert.equal(byKey.get('wrapped'), 'citet');
    assert.equal(byKey.get('partial'), 'citep');
    assert.equal(byKey.get('refkey'), 'ref');
  });

  test('a trailing . or : ends a reference in prose', () => {
    const knuth = scan.citations.find((c) => c.key === 'knuth')!;
    assert.equal(text[knuth.end], ':');
    assert.ok(scan.citations.some((c) => c.key === 'netwok' && text[c.end] === '.'));
  });

  test('labels the document defines (headings, figures)', () => {
    assert.deepEqual(scan.labels, ['intro', 'fig:one']);
  });

  test('not citations: comments, raw text, strings, e-mail addresses, URLs, math, escapes, label() outside cite', () => {
    const s = scanDocument(read('ignored.typ'), 'typst');
    assert.deepEqual(s.citations, []);
    assert.deepEqual(s.labels, []);
  });

  test('includes and bibliographies (one path or an array), relative as written; import adds nothing', () => {
    const s = scanDocument(read('main.typ'), 'typst');
    assert.deepEqual(s.includes.map((i) => i.path), ['chapters/one.typ', 'paren-include.typ']);
    assert.deepEqual(s.bibliographies.map((b) => b.path), ['refs.bib', 'works.yml']);
    const main = read('main.typ');
    for (const b of s.bibliographies) assert.equal(main.slice(b.span.start, b.span.end), b.path);
    assert.deepEqual(bibReferences('#bibliography("refs.bib", title: "Works")', 'typst').map((b) => b.path), ['refs.bib']);
    assert.deepEqual(bibReferences('// #bibliography("old.bib")\n', 'typst'), []);
  });

  test('wrappers: functions that pass an argument on to cite', () => {
    const wrappers = citeWrappers('#let citet(k) = cite(k, form: "prose")\n#let citep = cite.with(form: "normal")\n#let other(k) = emph(k)\n#let both(a, b) = cite(b)\n');
    assert.deepEqual([...wrappers].sort(), ['both', 'citep', 'citet']);
    assert.deepEqual(scanDocument('#let other(k) = emph(k)\n#other(<notcited>)', 'typst').citations, []);
  });

  test('unclosed and hostile input stays linear and loses nothing after it', () => {
    const stray = 'A stray ` backtick, then @after.';
    assert.deepEqual(scanDocument(stray, 'typst').citations.map((c) => c.key), ['after']);
    const deep = '#box['.repeat(50000) + ' @deep ' + ']'.repeat(50000);
    assert.ok(scanDocument(deep, 'typst').citations.some((c) => c.key === 'deep'));
    const many = Array.from({ length: 20000 }, (_, i) => `@k${i}`).join(' ');
    assert.equal(scanDocument(many, 'typst').citations.length, 20000);
    const ticks = '`'.repeat(3) + ' x '.repeat(1000) + '``` @kept';
    assert.deepEqual(scanDocument(ticks, 'typst').citations.map((c) => c.key), ['kept']);
    assert.deepEqual(scanDocument('/* never closed @hidden', 'typst').citations, []);
    assert.deepEqual(scanDocument('#cite(', 'typst').citations, []);
    assert.deepEqual(scanDocument('#cite(label("unclosed', 'typst').citations, []);
  });
});

describe('Typst completion context', () => {
  test('after @ in markup, with the typed query and the key after the cursor', () => {
    const text = 'As shown by @oh20 here.';
    const ctx = citeContext(text, after(text, '@oh20'), 'typst')!;
    assert.equal(ctx.query, 'oh20');
    assert.equal(ctx.command, '@');
    assert.equal(text.slice(ctx.start, ctx.end), 'oh20');
    const empty = 'See @';
    assert.equal(citeContext(empty, empty.length, 'typst')?.query, '');
  });

  test('in cite(<, in label(" inside cite, and in old-style cite("', () => {
    let text = 'Text #cite(<kn';
    assert.deepEqual(pick(citeContext(text, text.length, 'typst')), { query: 'kn', command: 'cite' });
    text = 'Text #cite(<knuth>, supplement: [p. 7])';
    assert.deepEqual(pick(citeContext(text, after(text, '<kn'), 'typst')), { query: 'kn', command: 'cite' });
    text = 'Text #cite(label("DBLP:bo")).';
    assert.deepEqual(pick(citeContext(text, after(text, 'DBLP:bo'), 'typst')), { query: 'DBLP:bo', command: 'cite(label)' });
    text = 'Old #cite("a", "b';
    const ctx = citeContext(text, text.length, 'typst')!;
    assert.deepEqual(pick(ctx), { query: 'b', command: 'cite("")' });
    assert.deepEqual(ctx.siblings, ['a']);
  });

  test('no completion in comments, raw, strings, math, e-mail addresses, named arguments', () => {
    for (const text of ['// see @kn', '`@kn|`', '```\n@kn|\n```', '#let s = "@kn', '$x @kn', 'mail me@kn', '#cite(<a>, form: "pr', '/* @kn']) {
      const cursor = text.includes('|') ? text.indexOf('|') : text.length;
      assert.equal(citeContext(text.replace('|', ''), cursor, 'typst'), undefined, text);
    }
  });

  test('the key under the cursor, for hover and navigation', () => {
    const text = 'See @knuth: and #cite(label("DBLP:x/y")) and #cite(<arrgh>).';
    assert.equal(citationKeyAt(text, after(text, '@kn'), 'typst')?.key, 'knuth');
    assert.equal(citationKeyAt(text, after(text, 'DBLP:x'), 'typst')?.key, 'DBLP:x/y');
    assert.equal(citationKeyAt(text, after(text, '<arr'), 'typst')?.key, 'arrgh');
    assert.equal(citationKeyAt(text, 1, 'typst'), undefined);
  });
});

describe('Typst edits', () => {
  test('which keys a label can hold', () => {
    assert.ok(isTypstLabelKey('oh2024'));
    assert.ok(isTypstLabelKey('a:b.c-d_e'));
    assert.ok(!isTypstLabelKey('DBLP:books/lib/Knuth86a'));
    assert.ok(!isTypstLabelKey('ends.'));
    assert.ok(!isTypstLabelKey(''));
  });

  test('completion of a key a label cannot hold rewrites the site to label("…")', () => {
    let text = 'See @DBL';
    let edit = typstCompletionEdit(text, '@', 5, 8, 'DBLP:books/x');
    assert.equal(text.slice(0, edit.start) + edit.text + text.slice(edit.end), 'See #cite(label("DBLP:books/x"))');
    text = '#cite(<DB>)';
    edit = typstCompletionEdit(text, 'cite', 7, 9, 'DBLP:books/x');
    assert.equal(text.slice(0, edit.start) + edit.text + text.slice(edit.end), '#cite(label("DBLP:books/x"))');
    edit = typstCompletionEdit('See @oh', '@', 5, 7, 'oh2024');
    assert.deepEqual(edit, { start: 5, end: 7, text: 'oh2024' });
  });

  test('rename: keys in place, @key and <key> to label forms when needed, supplements kept', () => {
    const apply = (text: string, marker: string, command: string, key: string) => {
      const start = text.indexOf(marker);
      const e = typstRenameEdit(text, { start, end: start + marker.length, command }, key);
      return text.slice(0, e.start) + e.text + text.slice(e.end);
    };
    assert.equal(apply('See @old.', 'old', '@', 'new'), 'See @new.');
    assert.equal(apply('See @old.', 'old', '@', 'a/b'), 'See #cite(label("a/b")).');
    assert.equal(apply('See @old[p. 7].', 'old', '@', 'a/b'), 'See #cite(label("a/b"), supplement: [p. 7]).');
    assert.equal(apply('#cite(<old>)', 'old', 'cite', 'a/b'), '#cite(label("a/b"))');
    assert.equal(apply('#cite(label("old"))', 'old', 'cite(label)', 'a/b'), '#cite(label("a/b"))');
    assert.equal(apply('#cite("old")', 'old', 'cite("")', 'a/b'), '#cite("a/b")');
  });

  test('insert citation: @key, #cite(label(…)) when needed, after the key the cursor is on', () => {
    assert.deepEqual(citationInsertion('See ', 4, 'typst', ['a', 'DBLP:x/y']), { offset: 4, text: '@a #cite(label("DBLP:x/y"))' });
    assert.deepEqual(citationInsertion('See', 3, 'typst', ['a']), { offset: 3, text: ' @a' });
    const text = 'See @a here';
    assert.deepEqual(citationInsertion(text, 5, 'typst', ['a', 'b']), { offset: 6, text: ' @b' });
    assert.equal(citationInsertion(text, 5, 'typst', ['a']), undefined);
  });
});

function pick(ctx: { query: string; command: string } | undefined) {
  return ctx && { query: ctx.query, command: ctx.command };
}
