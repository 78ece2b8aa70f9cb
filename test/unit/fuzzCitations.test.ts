/**
 * Fuzzing the citation scanner (scanDocument, maskLatex, maskMarkdown) with mutations of real
 * LaTeX and Markdown documents, and the extreme inputs: an unclosed `\cite{`, 10,000 keys in
 * one command, a 100,000-line document, unmatched code fences. Properties: never throws,
 * every citation's offsets point at its key, masking keeps the length and line breaks, and
 * the citations of paragraphs the mutation did not reach are found exactly as before.
 * Seeds are fixed; FUZZ_SEED / FUZZ_RUNS explore further; failures print a replayable case
 * for test/fixtures/fuzz/.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Citation, DocumentScan, maskLatex, maskMarkdown, scanDocument, tableCloseFinder } from '../../src/core/citations';
import { citeArguments } from '../../src/core/citeContext';
import { DocumentSyntax } from '../../src/core/citeContext';
import { applyMutation, fuzzParameters, loadRegressions, Mutation, repoRoot } from './fuzzSupport';

interface Doc {
  name: string;
  syntax: DocumentSyntax;
  text: string;
}

function documentsUnder(dir: string): Doc[] {
  const docs: Doc[] = [];
  for (const f of readdirSync(dir).sort()) {
    const path = join(dir, f);
    if (statSync(path).isDirectory()) docs.push(...documentsUnder(path));
    else if (/\.(tex|md)$/.test(f)) docs.push({ name: path.slice(repoRoot.length + 1), syntax: f.endsWith('.tex') ? 'latex' : 'markdown', text: readFileSync(path, 'utf8') });
  }
  return docs;
}

const corpus: Doc[] = [
  ...documentsUnder(join(repoRoot, 'test', 'fixtures', 'citations')),
  ...documentsUnder(join(repoRoot, 'test', 'fixtures', 'workspace')),
  ...documentsUnder(join(repoRoot, 'examples', 'sample-workspace')),
];
const baseScans = corpus.map((d) => scanDocument(d.text, d.syntax));

function checkedScan(text: string, syntax: DocumentSyntax): DocumentScan {
  const masked = syntax === 'latex' ? maskLatex(text) : maskMarkdown(text);
  assert.equal(masked.length, text.length, 'masking changed the length');
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) assert.equal(masked[i], '\n', `masking lost the line break at ${i}`);
  const scan = scanDocument(text, syntax);
  for (const c of scan.citations) {
    assert.ok(c.start >= 0 && c.end <= text.length && c.start < c.end, `citation '${c.key}' has offsets ${c.start}-${c.end}`);
    if (syntax === 'latex') assert.equal(text.slice(c.start, c.end), c.key, `citation offsets do not point at '${c.key}'`);
    else assert.ok(text.slice(c.start, c.end) === c.key, `citation offsets do not point at '${c.key}'`);
  }
  return scan;
}

/** Paragraph (blank-line separated) spans: the scanner never looks across a blank line except for masking that runs forward. */
function paragraphEndOf(text: string, offset: number): number {
  const re = /\n[ \t\r]*\n/g;
  re.lastIndex = offset;
  const m = re.exec(text);
  return m ? m.index + m[0].length : text.length;
}

function signature(c: Citation, shift = 0): string {
  return `${c.command}:${c.key}@${c.start + shift}-${c.end + shift}`;
}

/**
 * Could the edit open or close something that legitimately hides text beyond its paragraph?
 * (A code fence, an HTML comment or front matter in Markdown; `\iffalse`, `\fi` or a
 * verbatim environment in LaTeX.) Judged on the whole lines around the edit, before and after.
 */
function reachesBeyondParagraph(doc: Doc, m: Mutation): boolean {
  const editEnd = m.at + m.deleteCount;
  const lineStart = doc.text.lastIndexOf('\n', m.at - 1) + 1;
  const nl = doc.text.indexOf('\n', editEnd);
  const lineEnd = nl < 0 ? doc.text.length : nl;
  const before = doc.text.slice(lineStart, lineEnd);
  const after = doc.text.slice(lineStart, m.at) + m.insert + doc.text.slice(editEnd, lineEnd);
  const block = doc.syntax === 'markdown' ? /```|~~~|<!--|-->|---|\.\.\./ : /\\(?:if|fi|begin|end)/;
  return block.test(before) || block.test(after) || (doc.syntax === 'markdown' && doc.text.slice(0, m.at).trim() === '');
}

function compareUntouched(doc: Doc, before: DocumentScan, m: Mutation, after: DocumentScan): string[] {
  const editEnd = m.at + m.deleteCount;
  const shift = m.insert.length - m.deleteCount;
  const found = new Set(after.citations.map((c) => signature(c)));
  // Paragraphs wholly before the edit: masking and citations only look forward, so they must
  // be read exactly as before. Paragraphs after it too, unless the edit opens or closes a
  // block construct (an inserted fence or `\iffalse` legitimately hides the rest).
  const laterToo = !reachesBeyondParagraph(doc, m);
  const problems: string[] = [];
  for (const c of before.citations) {
    const beforeEdit = paragraphEndOf(doc.text, c.end) < m.at;
    const afterEdit = laterToo && c.start > paragraphEndOf(doc.text, editEnd);
    if (!beforeEdit && !afterEdit) continue;
    const want = signature(c, beforeEdit ? 0 : shift);
    if (!found.has(want)) problems.push(`citation ${want} not found after ${JSON.stringify(m)} in ${doc.name}`);
  }
  return problems;
}

const TOKENS = ['\\cite{', '\\cite[', '\\citep{a,', '}', '{', '[', ']', '%', '\\', '\n', '\n\n', '```', '```\n', '~~~', '`', '<!--', '-->', '---\n', '@', '[@', '\\iffalse', '\\fi', '\\begin{verbatim}', '\\verb|', '\0', '\uD800', ',', ';'];
const CHARS = '\\{}[]()%`~@-,;: \n\tab0\0\uFFFD';

const mutationArb = fc.record({
  doc: fc.nat(),
  pos: fc.nat(),
  kind: fc.constantFrom('truncate', 'insert-token', 'delete', 'insert-text', 'insert-word'),
  token: fc.constantFrom(...TOKENS),
  length: fc.integer({ min: 1, max: 30 }),
  text: fc.array(fc.constantFrom(...CHARS.split('')), { minLength: 1, maxLength: 16 }).map((cs) => cs.join('')),
  word: fc.stringMatching(/^[a-z0-9 ]{1,8}$/),
});

function concrete(spec: typeof mutationArb extends fc.Arbitrary<infer T> ? T : never): { doc: Doc; index: number; mutation: Mutation } {
  const index = spec.doc % corpus.length;
  const doc = corpus[index];
  const at = spec.pos % (doc.text.length + 1);
  const mutation: Mutation =
    spec.kind === 'truncate'
      ? { at, deleteCount: doc.text.length - at, insert: '' }
      : spec.kind === 'delete'
        ? { at, deleteCount: Math.min(spec.length, doc.text.length - at), insert: '' }
        : { at, deleteCount: 0, insert: spec.kind === 'insert-token' ? spec.token : spec.kind === 'insert-word' ? spec.word : spec.text };
  return { doc, index, mutation };
}

interface CitationRegression {
  kind: 'citation-mutation';
  found: string;
  syntax: DocumentSyntax;
  base: string;
  mutation: Mutation;
}

function checkCase(doc: Doc, before: DocumentScan, mutation: Mutation): void {
  const after = checkedScan(applyMutation(doc.text, mutation), doc.syntax);
  const problems = compareUntouched(doc, before, mutation, after);
  if (problems.length) {
    const regression: CitationRegression = { kind: 'citation-mutation', found: problems[0], syntax: doc.syntax, base: doc.text, mutation };
    throw new Error(`${problems.join('\n')}\nRegression case for test/fixtures/fuzz/:\n${JSON.stringify(regression, null, 2)}`);
  }
}

describe('citation scanner under fuzzing', () => {
  test('the corpus holds LaTeX and Markdown documents with citations', () => {
    assert.ok(corpus.some((d) => d.syntax === 'latex') && corpus.some((d) => d.syntax === 'markdown'));
    assert.ok(baseScans.reduce((n, s) => n + s.citations.length, 0) > 50);
  });

  test('mutations of real documents: never throws, untouched paragraphs scan identically', () => {
    fc.assert(
      fc.property(mutationArb, (spec) => {
        const { doc, index, mutation } = concrete(spec);
        checkCase(doc, baseScans[index], mutation);
      }),
      fuzzParameters(1500, 11),
    );
  });

  test('regression cases in test/fixtures/fuzz replay cleanly', async (t) => {
    const cases = loadRegressions<CitationRegression>('citation-mutation');
    assert.ok(cases.length > 0, 'no citation regression fixtures found in test/fixtures/fuzz');
    for (const { file, data } of cases) {
      await t.test(file, () => {
        const doc: Doc = { name: file, syntax: data.syntax, text: data.base };
        const before = checkedScan(doc.text, doc.syntax);
        assert.ok(before.citations.length > 0, `${file}: the base text has no citations`);
        checkCase(doc, before, data.mutation);
      });
    }
  });
});

describe('the scanner\'s table-driven argument parsing', () => {
  test('reads the same arguments as citeArguments\' own scan, on random argument soup', () => {
    const soup = fc.array(fc.constantFrom('{', '}', '[', ']', '(', ')', '<', '>', '\\', 'a', ',', ' ', '\n', '\\cite'), { maxLength: 60 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(soup, fc.constantFrom('cite', 'cites', 'foreignblockcquote'), fc.nat(), (text, command, cut) => {
        const finder = tableCloseFinder(text);
        // The scanner starts right after a command name, never at a character a `\` escapes.
        const escaped = new Set<number>();
        for (let i = 0; i < text.length; i++) if (text[i] === '\\') escaped.add(++i);
        for (let from = 0; from <= text.length; from++) {
          if (escaped.has(from)) continue;
          const limit = from + (cut % (text.length - from + 1));
          assert.deepEqual(citeArguments(text, from, command, limit, finder), citeArguments(text, from, command, limit), `from ${from} limit ${limit} in ${JSON.stringify(text)}`);
        }
      }),
      fuzzParameters(1500, 12),
    );
  });
});

describe('citation scanner on extreme inputs', () => {
  test('an unclosed \\cite{ costs only its own paragraph', () => {
    const text = `Intro \\cite{open, half\n\nLater \\cite{closed} and \\citep{x}.\n`;
    const scan = checkedScan(text, 'latex');
    assert.deepEqual(scan.citations.map((c) => c.key), ['closed', 'x']);
    const many = checkedScan('\\cite{'.repeat(20_000) + '\n\n\\cite{last}', 'latex');
    assert.deepEqual(many.citations.map((c) => c.key), ['last']);
    const options = checkedScan('\\cite[p.~1 '.repeat(20_000) + '\n\n\\cite[p.~2]{last}', 'latex');
    assert.deepEqual(options.citations.map((c) => c.key), ['last']);
  });

  test('10,000 keys in one command', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `key${i}`);
    const scan = checkedScan(`\\cite{${keys.join(', ')}}`, 'latex');
    assert.equal(scan.citations.length, 10_000);
    assert.equal(scan.citations[9_999].key, 'key9999');
    const md = checkedScan(`[${keys.map((k) => `@${k}`).join('; ')}]`, 'markdown');
    assert.equal(md.citations.length, 10_000);
    assert.ok(md.citations.every((c) => c.command === '[@]'));
  });

  test('a 100,000-line document', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? `Line ${i} cites \\citep{k${i}} here.` : `Plain line ${i} with no citation.`));
    assert.equal(checkedScan(lines.join('\n'), 'latex').citations.length, 10_000);
    const md = Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? `Line ${i} cites @k${i} and [@b${i}].` : `Plain line ${i}.`));
    assert.equal(checkedScan(md.join('\n'), 'markdown').citations.length, 20_000);
  });

  test('an unmatched code fence hides the rest, as CommonMark reads it', () => {
    const scan = checkedScan('Before [@a].\n\n```python\nx = "@b"\n\nAfter @c.\n', 'markdown');
    assert.deepEqual(scan.citations.map((c) => c.key), ['a']);
    const tilde = checkedScan('~~~\n@a\n```\n@b\n~~~~\n@c\n', 'markdown');
    assert.deepEqual(tilde.citations.map((c) => c.key), ['c']);
  });

  test('a stray backtick does not hide the citations of later paragraphs', () => {
    const scan = checkedScan('A stray ` backtick [@a].\n\nLater [@b] and `@code` and @c.\n\nEnd `x` ` [@d].\n', 'markdown');
    assert.deepEqual(scan.citations.map((c) => c.key), ['a', 'b', 'c', 'd']);
  });

  test('NUL, lone surrogates and unclosed \\verb do not stop the scanner', () => {
    // An unclosed `\verb|` is an error in LaTeX; the scanner blanks only the `\verb|` itself.
    const scan = checkedScan('\0\uD800 \\verb|never closed \\cite{a}\nnext \\cite{b\0c, d}\n', 'latex');
    assert.deepEqual(scan.citations.map((c) => c.key), ['a', 'b\0c', 'd']);
  });
});
