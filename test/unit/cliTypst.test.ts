/** The command line on Typst projects and Hayagriva files, run as a child process. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..');
const project = join(root, 'test', 'fixtures', 'typst', 'project');

function citelens(args: string[], cwd = root): { code: number; out: string; err: string } {
  // tsx by path: the child may run in a temporary folder, where `tsx` does not resolve.
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src', 'cli', 'main.ts'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('citelens check on Typst', () => {
  test('a Typst main file with its #include: citations in every form, labels are not undefined keys, exit 1', () => {
    const { code, out } = citelens(['check', 'test/fixtures/typst/project/main.typ']);
    assert.equal(code, 1);
    assert.deepEqual(out.trim().split('\n'), [
      "test/fixtures/typst/project/main.typ:9:11: undefined citation key 'nosuchkey'",
      "test/fixtures/typst/project/main.typ:9:32: undefined citation key 'alsomissing'",
      '7 citations, 2 undefined',
    ]);
  });

  test('--json lists the citations of the included chapter, with the Typst command', () => {
    const { out } = citelens(['check', '--json', 'test/fixtures/typst/project/main.typ']);
    const json = JSON.parse(out);
    const keys = json.citations.map((c: { key: string; command: string; file: string }) => `${c.file.replace(/\\/g, '/')}:${c.key}:${c.command}`);
    assert.deepEqual(keys, [
      'test/fixtures/typst/project/main.typ:oh2024uncertainty:@',
      'test/fixtures/typst/project/main.typ:harry:citet',
      'test/fixtures/typst/project/main.typ:DBLP:books/lib/Knuth86a:cite(label)',
      'test/fixtures/typst/project/main.typ:nosuchkey:@',
      'test/fixtures/typst/project/main.typ:alsomissing:cite',
      'test/fixtures/typst/project/chapters/one.typ:kinetics:@',
      'test/fixtures/typst/project/chapters/one.typ:oh2024uncertainty:@',
    ]);
  });

  test('a folder: its Typst documents that no other includes', () => {
    const { code, out } = citelens(['check', 'test/fixtures/typst/project']);
    assert.equal(code, 1);
    assert.match(out, /7 citations, 2 undefined$/m);
  });

  test('exit 0 once every key is defined; a missing collection is a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'citelens-typst-'));
    cpSync(project, dir, { recursive: true });
    writeFileSync(join(dir, 'extra.yml'), 'nosuchkey:\n  type: misc\n  title: Now defined\nalsomissing:\n  type: misc\n  title: Also\n');
    writeFileSync(join(dir, 'main2.typ'), '@nosuchkey and #cite(<alsomissing>) and @harry\n#bibliography(("extra.yml", "works.yml", "gone.bib"))\n');
    const { code, out, err } = citelens(['check', 'main2.typ'], dir);
    assert.equal(code, 0, out + err);
    assert.match(out, /^3 citations, 0 undefined$/m);
    assert.match(err, /gone\.bib: named by main2\.typ but not found/);
  });

  test('without a bibliography, @name refers to labels: only cite() forms are checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'citelens-typst-'));
    writeFileSync(join(dir, 'refs.bib'), '@book{known, title = {Known}}\n');
    writeFileSync(join(dir, 'notes.typ'), '= Heading <h>\nSee @h and @somewhere and @known and #cite(<unknown>).\n');
    const { code, out } = citelens(['check', 'notes.typ'], dir);
    assert.equal(code, 1);
    assert.deepEqual(out.trim().split('\n'), ["notes.typ:2:45: undefined citation key 'unknown'", '2 citations, 1 undefined']);
  });

  test('errors name Typst among the document kinds', () => {
    const { code, err } = citelens(['check', 'package.json']);
    assert.equal(code, 2);
    assert.match(err, /LaTeX, Markdown or Typst document/);
  });
});

describe('citelens parse on Hayagriva', () => {
  test('entries and problems of .yml files; a folder contributes Hayagriva .yml files only', () => {
    const { code, out } = citelens(['parse', 'test/fixtures/hayagriva/broken.yml']);
    assert.equal(code, 0);
    assert.match(out, /broken\.yml:1: @book\{good-one\} Doe \(2001\) First good entry/);
    assert.match(out, /broken\.yml:7:1: error: Entry 'broken-quote': Missing closing "quote/);
    const dir = mkdtempSync(join(tmpdir(), 'citelens-yml-'));
    cpSync(join(project, 'works.yml'), join(dir, 'works.yml'));
    writeFileSync(join(dir, 'ci.yml'), 'name: CI\non:\n  push:\njobs:\n  build:\n    runs-on: ubuntu-latest\n');
    const folder = citelens(['parse', '--json', dir]);
    const json = JSON.parse(folder.out);
    assert.deepEqual(json.entries.map((e: { key: string }) => e.key), ['harry', 'kinetics', 'DBLP:books/lib/Knuth86a', 'luther', 'talk']);
    assert.deepEqual(json.diagnostics, []);
    assert.equal(json.entries[1].fields.journal, 'Physical Review B');
  });
});
