/**
 * The built CLI (dist/cli.js) as a user runs it in scripts and CI: a child process whose
 * output goes through a real pipe, megabytes of it, read whole and parsed; `| head`; many
 * files with bad ones among them; binary files; documents without collections.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBibtex } from '../../bench/generate';
import { parseBibtex } from '../../src/core/bibtex';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const sharedLibrary = join(root, '..', 'shared', 'library');
const png = join(root, 'media', 'icon.png');

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** How many separate chunks arrived through the pipe (> 1: it really streamed). */
  chunks: number;
}

/** Runs the CLI with stdout and stderr as pipes, read to the end. */
function runCli(args: string[], cwd = root): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (status, signal) =>
      resolve({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), chunks: out.length }),
    );
  });
}

let work: string;
let big: string;
let bigEntries: number;

before(() => {
  // The tests are of the built CLI; `npm test` builds first, a lone run builds here.
  if (!existsSync(cli)) execFileSync(process.execPath, [join(root, 'esbuild.js')], { cwd: root });
  work = mkdtempSync(join(tmpdir(), 'citelens-cli-'));
  big = join(work, 'big.bib');
  const text = generateBibtex(12_000, { seed: 7, abstractRatio: 1 });
  writeFileSync(big, text);
  bigEntries = parseBibtex(text, 'big.bib').entries.length;
});

describe('output through a pipe', () => {
  test('parse --json: megabytes of JSON arrive whole and parse, every entry in it', async () => {
    const size = readFileSync(big).length;
    assert.ok(size > 8e6, `the generated collection is ${size} bytes`);
    const r = await runCli(['parse', '--json', big]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(r.stdout.length > 8e6, `only ${r.stdout.length} characters arrived`);
    assert.ok(r.chunks > 1, 'the output came as one chunk: not a streaming test');
    const json = JSON.parse(r.stdout);
    assert.equal(json.entries.length, bigEntries);
    assert.ok(json.entries.every((e: { key: string; fields: Record<string, string> }) => e.key && typeof e.fields.title === 'string'));
    assert.deepEqual(json.files, [{ file: big, entries: bigEntries, encoding: 'UTF-8' }]);
    // One entry per line: a line-oriented tool sees whole records.
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('{"key":')).length, bigEntries);
  });

  test('parse (text) and --csl: every entry, and the closing summary line', async () => {
    const text = await runCli(['parse', big]);
    assert.equal(text.status, 0, text.stderr);
    const lines = text.stdout.trimEnd().split('\n');
    assert.equal(lines.filter((l) => /^.*big\.bib:\d+: @\w+\{/.test(l)).length, bigEntries);
    assert.match(lines[lines.length - 1], new RegExp(`^${bigEntries} entries in 1 file, 0 problems$`));
    const csl = await runCli(['parse', '--csl', big]);
    assert.equal(csl.status, 0, csl.stderr);
    assert.equal(JSON.parse(csl.stdout).length, bigEntries);
  });

  test('search --json and check --json with large output arrive whole', async () => {
    const search = await runCli(['search', '--json', '--limit', '5000', big, '--', 'learning']);
    assert.equal(search.status, 0, search.stderr);
    const results = JSON.parse(search.stdout).results;
    assert.ok(results.length > 1000, `${results.length} results`);
    // A document citing every key, and one key no collection has.
    const keys = parseBibtex(readFileSync(big, 'utf8'), 'big.bib').entries.map((e) => e.key);
    const doc = join(work, 'cites-all.tex');
    writeFileSync(doc, keys.map((k) => `\\cite{${k}}`).join('\n') + '\n\\cite{nosuchkey2099}\n\\bibliography{big}\n');
    const check = await runCli(['check', '--json', doc]);
    assert.equal(check.status, 1, check.stderr);
    const json = JSON.parse(check.stdout);
    assert.equal(json.citations.length, keys.length + 1);
    assert.deepEqual(json.undefined.map((u: { key: string }) => u.key), ['nosuchkey2099']);
    assert.deepEqual(json.problems, []);
  });

  test('| head -c 100 ends quietly with status 0: no stack trace, no error', () => {
    for (const args of [`parse --json '${big}'`, `parse '${big}'`]) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; '${process.execPath}' '${cli}' ${args} | head -c 100 > /dev/null; echo "status \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
      assert.equal(r.stdout.trim(), 'status 0', args);
      assert.equal(r.stderr, '', args);
    }
  });

  test('a reader that stops reading early: the CLI ends by itself, quietly', async () => {
    const child = spawn(process.execPath, [cli, 'parse', '--json', big], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const first = await new Promise<Buffer>((resolve) => child.stdout.once('data', resolve));
    assert.ok(first.length > 0);
    child.stdout.destroy();
    const [status] = await new Promise<[number | null]>((resolve) => child.on('close', (s) => resolve([s])));
    assert.equal(status, 0);
    assert.equal(stderr, '');
  });
});

describe('one bad file never loses the others', () => {
  test('30 files, one binary and one unreadable: the other 28 printed in full, each problem named, exit 2', async () => {
    const dir = join(work, 'thirty');
    mkdirSync(dir);
    const sources = readdirSync(sharedLibrary).filter((f) => f.endsWith('.bib'));
    const files: string[] = [];
    let expected = 0;
    for (let i = 0; i < 28; i++) {
      const file = join(dir, `good-${String(i).padStart(2, '0')}.bib`);
      const text = i < sources.length ? readFileSync(join(sharedLibrary, sources[i]), 'utf8') : generateBibtex(50, { seed: 100 + i }).replace(/@(\w+)\{/g, `@$1{f${i}-`);
      writeFileSync(file, text);
      expected += parseBibtex(text, file).entries.length;
      files.push(file);
    }
    const binary = join(dir, 'picture.bib');
    copyFileSync(png, binary);
    const loop = join(dir, 'loop.bib');
    symlinkSync(loop, loop);
    files.splice(10, 0, binary);
    files.splice(20, 0, loop);
    assert.equal(files.length, 30);
    const r = await runCli(['parse', '--json', ...files]);
    assert.equal(r.status, 2);
    const json = JSON.parse(r.stdout);
    assert.equal(json.entries.length, expected);
    assert.equal(json.files.length, 30);
    const problems = json.files.filter((f: { problem?: string }) => f.problem);
    assert.deepEqual(problems.map((p: { file: string }) => p.file).sort(), [binary, loop].sort());
    assert.match(problems.find((p: { file: string }) => p.file === binary).problem, /binary file/);
    assert.match(r.stderr, /citelens: cannot read '.*picture\.bib': it is a binary file, not text/);
    assert.match(r.stderr, /citelens: cannot read '.*loop\.bib': a symbolic link that points back to itself/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'a stack trace');
    // The text form says so too, after all the entries.
    const text = await runCli(['parse', ...files]);
    assert.equal(text.status, 2);
    assert.match(text.stdout, new RegExp(`${expected} entries in 28 files, \\d+ problems?; 2 files could not be read\\n$`));
  });

  test('one NUL in a real collection: every entry read, one warning at the NUL; a PNG renamed .bib is refused', async () => {
    const source = join(sharedLibrary, readdirSync(sharedLibrary).filter((f) => f.endsWith('.bib'))[0]);
    const text = readFileSync(source, 'utf8');
    const clean = parseBibtex(text, 'x.bib');
    const titleAt = text.indexOf('title', text.indexOf('@', text.length / 2));
    const at = text.indexOf('{', titleAt) + 3;
    const damaged = join(work, 'one-nul.bib');
    writeFileSync(damaged, text.slice(0, at) + '\0' + text.slice(at));
    const r = await runCli(['parse', '--json', damaged]);
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.entries.map((e: { key: string }) => e.key), clean.entries.map((e) => e.key));
    const nul = json.diagnostics.filter((d: { code: string }) => d.code === 'nul-character');
    assert.equal(nul.length, 1);
    assert.equal(nul[0].severity, 'warning');
    assert.equal(nul[0].line, text.slice(0, at).split('\n').length);
    assert.equal(json.diagnostics.length, clean.diagnostics.length + 1);
    const renamed = join(work, 'icon.bib');
    copyFileSync(png, renamed);
    const refused = await runCli(['parse', '--json', renamed]);
    assert.equal(refused.status, 2);
    assert.deepEqual(JSON.parse(refused.stdout).files, [{ file: renamed, problem: 'it is a binary file, not text' }]);
  });
});

describe('check refuses what it cannot check', () => {
  test('a binary file named .tex is refused (exit 2); the other documents are still checked', async () => {
    const dir = join(work, 'binary-doc');
    mkdirSync(dir);
    copyFileSync(png, join(dir, 'paper.tex'));
    writeFileSync(join(dir, 'refs.bib'), '@misc{known, title = {K}}\n');
    writeFileSync(join(dir, 'ok.tex'), '\\cite{known} \\cite{unknown}\n');
    const r = await runCli(['check', 'paper.tex', 'ok.tex'], dir);
    assert.equal(r.status, 2, 'a document that could not be checked wins over undefined keys');
    assert.match(r.stderr, /citelens: cannot read 'paper\.tex': it is a binary file, not text/);
    assert.match(r.stdout, /^ok\.tex:1:20: undefined citation key 'unknown'$/m);
    assert.match(r.stdout, /2 citations, 1 undefined; 1 document not checked\n$/);
  });

  test('a document with no collection anywhere: "no collection found" (exit 2), not every key undefined', async () => {
    const dir = join(work, 'no-collection');
    mkdirSync(dir);
    writeFileSync(join(dir, 'alone.md'), 'As shown [@first; @second].\n');
    const r = await runCli(['check', '--json', 'alone.md'], dir);
    assert.equal(r.status, 2);
    const json = JSON.parse(r.stdout);
    assert.equal(json.citations.length, 2);
    assert.deepEqual(json.undefined, []);
    assert.equal(json.problems.length, 1);
    assert.match(json.problems[0].problem, /^no collection found for alone\.md \(looked in collection files under /);
    assert.match(r.stderr, /citelens: no collection found for alone\.md/);
    // Named but missing: the message names what it looked for.
    writeFileSync(join(dir, 'named.tex'), '\\cite{x}\n\\bibliography{missing}\n');
    const named = await runCli(['check', 'named.tex'], dir);
    assert.equal(named.status, 2);
    assert.match(named.stderr, /no collection found for named\.tex \(looked in missing\.bib\)/);
  });
});
