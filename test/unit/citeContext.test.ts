import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { citationKeyAt, latexCiteContext, markdownCiteContext } from '../../src/core/citeContext';
import { latexBibReferences, yamlBibReferences } from '../../src/core/bibrefs';

/** Text with `|` marking the cursor. */
function at(marked: string): [string, number] {
  const i = marked.indexOf('|');
  return [marked.slice(0, i) + marked.slice(i + 1), i];
}

function latex(marked: string, extra: string[] = []) {
  const [text, cursor] = at(marked);
  return latexCiteContext(text, cursor, extra);
}

function md(marked: string) {
  const [text, cursor] = at(marked);
  return markdownCiteContext(text, cursor);
}

describe('LaTeX citation context', () => {
  test('\\cite{ and a partly typed key', () => {
    assert.equal(latex('See \\cite{|')?.query, '');
    const ctx = latex('See \\cite{kirch|}');
    assert.equal(ctx?.query, 'kirch');
    assert.equal(ctx?.command, 'cite');
    assert.equal(ctx?.start, 10);
  });

  test('natbib options, starred forms and any *cite* command', () => {
    assert.equal(latex('\\citep[see][p.~3]{oh|')?.command, 'citep');
    assert.equal(latex('\\citet*{a|')?.query, 'a');
    assert.equal(latex('\\Citeauthor{x|')?.command, 'Citeauthor');
    assert.equal(latex('\\parencite[12]{|')?.query, '');
    assert.equal(latex('\\nocite{|')?.command, 'nocite');
    assert.equal(latex('\\bibentry{|')?.command, 'bibentry');
    assert.equal(latex('\\textcquote[p.~1]{|')?.command, 'textcquote');
  });

  test('apacite <..> prenote and biblatex multicite groups', () => {
    assert.equal(latex('\\cite<e.g.,>[p.~2]{|')?.command, 'cite');
    const ctx = latex('\\autocites(a)(b)[x]{k1}[y]{|');
    assert.equal(ctx?.command, 'autocites');
    assert.equal(ctx?.query, '');
    assert.equal(latex('\\textcites{k1}{k2,ab|')?.query, 'ab');
  });

  test('second key after a comma, keys on the next line, siblings', () => {
    const ctx = latex('\\cite{first,\n  sec|');
    assert.equal(ctx?.query, 'sec');
    assert.deepEqual(ctx?.siblings, ['first']);
    assert.equal(latex('\\cite{a, b,\n|')?.query, '');
  });

  test('search text with spaces is the query', () => {
    assert.equal(latex('\\cite{oh 2024 unc|')?.query, 'oh 2024 unc');
  });

  test('the rest of a key after the cursor is replaced', () => {
    const [text, cursor] = at('\\cite{kir|chhof2024}');
    const ctx = latexCiteContext(text, cursor)!;
    assert.equal(text.slice(ctx.start, ctx.end), 'kirchhof2024');
  });

  test('not in comments, options, closed commands, other commands', () => {
    assert.equal(latex('% \\cite{|'), undefined);
    assert.equal(latex('text % \\cite{|'), undefined);
    assert.equal(latex('\\cite[see|'), undefined);
    assert.equal(latex('\\cite{a} and |'), undefined);
    assert.equal(latex('\\cite{a}{|'), undefined);
    assert.equal(latex('\\section{|'), undefined);
    assert.equal(latex('\\cite{\\emph{|'), undefined);
    assert.equal(latex('50\\% \\cite{|')?.query, '');
  });

  test('commands from the citeCommands setting', () => {
    assert.equal(latex('\\mybib{|'), undefined);
    assert.equal(latex('\\mybib{|', ['mybib'])?.command, 'mybib');
    assert.equal(latex('\\mybib{|', ['\\mybib'])?.command, 'mybib');
  });
});

describe('Markdown citation context', () => {
  test('[@, [see @a; @, [-@, in-text @, @ at line start', () => {
    assert.equal(md('As shown [@|')?.command, '[@]');
    const ctx = md('[see @a; @b|');
    assert.equal(ctx?.query, 'b');
    assert.deepEqual(ctx?.siblings, ['a']);
    assert.equal(md('Smith says [-@smi|')?.command, '[-@]');
    assert.equal(md('As @kirch| says')?.command, '@');
    assert.equal(md('@|')?.query, '');
  });

  test('keys with internal punctuation', () => {
    assert.equal(md('[@doi:10.1/x-y_z.v2|')?.query, 'doi:10.1/x-y_z.v2');
  });

  test('search words inside a bracket: [@level set', () => {
    assert.equal(md('[@level set|')?.query, 'level set');
    assert.equal(md('@level set|'), undefined);
  });

  test('not in e-mail addresses, code spans, fenced code, front matter, HTML comments, locators', () => {
    assert.equal(md('mail me@exa|'), undefined);
    assert.equal(md('`code @x|'), undefined);
    assert.equal(md('```\n@x|'), undefined);
    assert.equal(md('```\ncode\n```\n@x|')?.query, 'x');
    assert.equal(md('---\ntitle: @x|\n---\n'), undefined);
    assert.equal(md('<!-- [@x| -->'), undefined);
    assert.equal(md('[@a, p|'), undefined);
  });
});

describe('citation key under the cursor', () => {
  test('LaTeX keys in cite commands only', () => {
    const text = '\\citep[p.~3]{alpha, beta} \\ref{beta}';
    assert.equal(citationKeyAt(text, text.indexOf('beta') + 1, 'latex')?.key, 'beta');
    assert.equal(citationKeyAt(text, text.indexOf('alpha'), 'latex')?.key, 'alpha');
    assert.equal(citationKeyAt(text, text.lastIndexOf('beta') + 1, 'latex'), undefined);
    assert.equal(citationKeyAt(text, text.indexOf('p.~3') + 1, 'latex'), undefined);
  });

  test('Markdown keys with trailing punctuation stripped', () => {
    const text = 'As @doe99. says [see @smith:2020, p. 3].';
    const k1 = citationKeyAt(text, text.indexOf('doe99') + 2, 'markdown');
    assert.equal(k1?.key, 'doe99');
    assert.equal(citationKeyAt(text, text.indexOf('smith') + 2, 'markdown')?.key, 'smith:2020');
    assert.equal(citationKeyAt('write a@b.org', 9, 'markdown'), undefined);
  });
});

describe('bibliographies a document names', () => {
  test('\\bibliography with and without .bib, \\addbibresource with options, comments ignored', () => {
    const text = '\\bibliography{refs, more.bib}\n% \\bibliography{commented}\n\\addbibresource[location=local]{lib/x.bib}';
    const refs = latexBibReferences(text);
    assert.deepEqual(refs.map((r) => r.path), ['refs.bib', 'more.bib', 'lib/x.bib']);
    assert.equal(text.slice(refs[1].span.start, refs[1].span.end), 'more.bib');
    assert.equal(text.slice(refs[2].span.start, refs[2].span.end), 'lib/x.bib');
  });

  test('YAML bibliography as string, flow list and block list', () => {
    assert.deepEqual(yamlBibReferences('---\ntitle: x\nbibliography: refs.bib\n---\n').map((r) => r.path), ['refs.bib']);
    assert.deepEqual(yamlBibReferences('---\nbibliography: [a.bib, "b.json"]\n---\n').map((r) => r.path), ['a.bib', 'b.json']);
    const text = '---\nbibliography:\n  - one.bib\n  - two.json\nlink: x\n---\nbibliography: no.bib\n';
    const refs = yamlBibReferences(text);
    assert.deepEqual(refs.map((r) => r.path), ['one.bib', 'two.json']);
    assert.equal(text.slice(refs[1].span.start, refs[1].span.end), 'two.json');
    assert.deepEqual(yamlBibReferences('no front matter\nbibliography: x.bib'), []);
  });
});

import { matchesGlob } from '../../src/core/glob';

describe('exclude globs', () => {
  test('**, *, braces, bare folder names', () => {
    assert.ok(matchesGlob('a/node_modules/x.bib', '**/node_modules/**'));
    assert.ok(matchesGlob('a/node_modules/x.bib', 'node_modules'));
    assert.ok(matchesGlob('old/refs.bib', 'old'));
    assert.ok(matchesGlob('refs.bak.bib', '*.bak.bib'));
    assert.ok(matchesGlob('x/y.bib', '{x,z}/*.bib'));
    assert.ok(!matchesGlob('older/refs.bib', 'old'));
    assert.ok(!matchesGlob('a/b.bib', '*.json'));
  });
});
