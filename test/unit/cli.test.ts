import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { StringOutput } from '../../src/cli/output';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures');
const library = join(root, '..', 'shared', 'library');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = new StringOutput();
  let err = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => {
    err += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(args, output);
    return { code, out: output.text.replace(/\n$/, ''), err };
  } finally {
    process.stderr.write = write;
  }
}

describe('citelens parse', () => {
  test('--json: entries with 1-based positions and display values, and diagnostics', async () => {
    const { code, out } = await run(['parse', '--json', join(fixtures, 'bibtex', 'broken-misc.bib'), join(fixtures, 'bibtex', 'biblatex.bib')]);
    assert.equal(code, 0);
    const json = JSON.parse(out);
    const e = json.entries.find((x: { key: string }) => x.key === 'missingcomma');
    assert.deepEqual(Object.keys(e), ['key', 'type', 'file', 'line', 'column', 'fields']);
    assert.equal(e.line, 1);
    assert.equal(e.column, 1);
    assert.equal(e.fields.title, 'No comma after this');
    const child = json.entries.find((x: { key: string }) => x.key === 'child2020');
    assert.equal(child.fields.booktitle, 'Proceedings of the Big Conference', 'crossref inherited');
    const d = json.diagnostics.find((x: { message: string }) => /Expected '='/.test(x.message));
    assert.deepEqual(Object.keys(d).slice(0, 5), ['file', 'line', 'column', 'severity', 'message']);
    assert.equal(d.line, 7);
    assert.equal(d.column, 3);
    assert.equal(d.severity, 'error');
  });

  test('--csl: CSL-JSON items', async () => {
    const { code, out } = await run(['parse', '--csl', join(fixtures, 'bibtex', 'basic.bib')]);
    assert.equal(code, 0);
    const items = JSON.parse(out);
    const smith = items.find((i: { id: string }) => i.id === 'smith2020');
    assert.equal(smith.type, 'article-journal');
    assert.deepEqual(smith.author[0], { family: 'Smith', given: 'John' });
    assert.deepEqual(smith.issued, { 'date-parts': [[2020]] });
    assert.equal(smith['container-title'], 'Journal of Things');
    assert.equal(smith.page, '1-10');
  });

  test('text output lists entries and problems; exit 0 with broken entries', async () => {
    const { code, out } = await run(['parse', join(fixtures, 'bibtex', 'truncated.bib')]);
    assert.equal(code, 0);
    assert.match(out, /@article\{complete\}/);
    assert.match(out, /truncated\.bib:8:\d+: error: The '\{' opening the value of 'year'/);
    assert.match(out, /2 entries in 1 file, 1 problem$/);
  });

  test('a folder: its .bib files', async () => {
    const { code, out } = await run(['parse', library]);
    assert.equal(code, 0);
    assert.match(out, /227 entries in 5 files, 0 problems/);
  });

  test('clear errors: missing file, folder without collections, binary file, no arguments', async () => {
    const missing = await run(['parse', 'no-such-file.bib']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /citelens: cannot read 'no-such-file\.bib': no such file or folder/);
    const empty = mkdtempSync(join(tmpdir(), 'citelens-empty-'));
    const none = await run(['search', empty, '--', 'x']);
    assert.equal(none.code, 2);
    assert.match(none.err, /cannot read '.*': no \.bib collections found in this folder/);
    const binary = join(empty, 'x.bib');
    writeFileSync(binary, Buffer.from([0x40, 0, 1, 2, 3]));
    const bin = await run(['parse', binary]);
    assert.equal(bin.code, 2);
    assert.match(bin.err, /binary file/);
    const usage = await run(['parse']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /Usage:/);
  });
});

describe('citelens search', () => {
  test('oh 2024 uncertainty ranks Oh\'s 2024 uncertainty papers first', async () => {
    const { code, out } = await run(['search', '--json', library, '--', 'oh 2024 uncertainty']);
    assert.equal(code, 0);
    const { results } = JSON.parse(out);
    assert.ok(results.length >= 3);
    for (const r of results.slice(0, 3)) {
      assert.equal(r.year, '2024');
      assert.match(r.title + r.key, /ncertaint|pretrained|disentangle|star|diversif|apricot/i);
    }
    assert.ok(results.slice(0, 3).some((r: { key: string }) => r.key === 'kirchhof2024pretrained' || r.key === 'balint2024disentanglement'));
  });

  test('text output: key, authors, year, title', async () => {
    const { out } = await run(['search', library, '--', 'star domain']);
    assert.match(out.split('\n')[0], /^ankit2024star {2}Sonthalia et al\. \(2024\) {2}Do Deep Neural Network Solutions Form a Star Domain\?$/);
  });

  test('the built bin works as `npx citelens`', { skip: !existsSync(join(root, 'dist', 'cli.js')) && 'dist/cli.js not built (npm run build)' }, () => {
    const out = execFileSync('npx', ['--no-install', 'citelens', 'search', library, '--', 'star domain'], { cwd: root, encoding: 'utf8' });
    assert.match(out, /^ankit2024star/);
    const bad = spawnSync('npx', ['--no-install', 'citelens', 'parse', 'nope.bib'], { cwd: root, encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});

describe('encodings', () => {
  test('Windows-1252 and UTF-16 collections are decoded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citelens-enc-'));
    const latin = join(dir, 'latin.bib');
    writeFileSync(latin, Buffer.from('@misc{latin, author = {M\xfcller, J\xf6rg}, title = {Caf\xe9}}\n', 'latin1'));
    const utf16 = join(dir, 'utf16.bib');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('@misc{wide, title = {Ünïcode}}\n', 'utf16le')]));
    const { code, out, err } = await run(['parse', '--json', latin, utf16]);
    assert.equal(code, 0);
    const json = JSON.parse(out);
    assert.equal(json.entries[0].fields.title, 'Café');
    assert.equal(json.entries[0].fields.author, 'Müller, Jörg');
    assert.equal(json.entries[1].fields.title, 'Ünïcode');
    assert.match(err, /latin\.bib is not valid UTF-8; read as Windows-1252/);
  });
});

describe('citelens check', () => {
  const project = join(fixtures, 'citations', 'project');

  test('a multi-file LaTeX project from its main file: undefined keys with file:line:column, exit 1', async () => {
    const { code, out } = await run(['check', join(project, 'main.tex')]);
    assert.equal(code, 1);
    const lines = out.split('\n');
    assert.match(lines[0], /chapters\/one\.tex:2:35: undefined citation key 'Beta' \(did you mean 'beta'\?\)$/);
    assert.match(lines[1], /chapters\/two\.tex:1:56: undefined citation key 'missingkey'$/);
    assert.equal(lines[2], '6 citations, 2 undefined');
  });

  test('--json: citations and undefined keys, 1-based, with the command', async () => {
    const { code, out } = await run(['check', '--json', join(fixtures, 'citations', 'paper.md')]);
    assert.equal(code, 1);
    const json = JSON.parse(out);
    assert.deepEqual(Object.keys(json), ['citations', 'undefined', 'problems']);
    assert.deepEqual(json.citations.map((c: { key: string; command: string }) => `${c.command}${c.key}`), ['[@]alpha', '[@]gamma', '[-@]nothere']);
    assert.deepEqual(Object.keys(json.citations[0]), ['file', 'line', 'column', 'key', 'command']);
    assert.deepEqual(json.undefined.map((u: { key: string; line: number; column: number }) => [u.key, u.line, u.column]), [['nothere', 6, 39]]);
    assert.deepEqual(Object.keys(json.undefined[0]), ['file', 'line', 'column', 'key']);
  });

  test('exit 0 when every key is defined; an ids alias counts as defined', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citelens-check-'));
    writeFileSync(join(dir, 'refs.bib'), '@misc{known, ids = {oldname}, title = {K}}\n');
    writeFileSync(join(dir, 'ok.tex'), '\\cite{known} \\cite{oldname} % \\cite{commented}\n');
    const { code, out } = await run(['check', join(dir, 'ok.tex')]);
    assert.equal(code, 0, out);
    assert.equal(out, '2 citations, 0 undefined');
  });

  test('errors: not a document, missing file', async () => {
    assert.equal((await run(['check', join(fixtures, 'bibtex', 'basic.bib')])).code, 2);
    const missing = await run(['check', 'nope.tex']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read 'nope\.tex'/);
  });
});
