/**
 * File churn: 200 collection files created, changed and deleted in quick succession (each
 * phase's writes all in flight at once, one file rewritten five times concurrently, some files
 * created, changed and deleted within milliseconds) while
 * completion is requested in a loop. Afterwards the library and the search index must equal a
 * fresh read of the files on disk (same files, keys, types and field values), no request may
 * have failed, and no CiteLens problem may be left on any of those files. Uses only the public
 * API ({ collections }) and polling. Runs in both hosts.
 */
import * as vscode from 'vscode';
import { deepEqual, ok } from '../assert';
import { after, before, suite, test } from '../harness';
import { citelens, removeQuietly, workspaceUri, writeText } from './util';
import { parseBibtex } from '../../../src/core/bibtex';
import type { CiteLensApi } from '../../../src/extension';

const FILES = 200;
/** Writes in flight at once (all of a phase's files). */
const BATCH = 200;

function bibText(i: number, version: number): string {
  const entry = (suffix: string) =>
    `@article{churn${i}v${version}${suffix},\n  title = {Churn ${i} version ${version}${suffix}},\n  author = {Churner, Carla and Mover, Max${i}},\n  journal = {Journal of Churn},\n  year = {${2000 + version}}\n}\n`;
  return i % 2 ? entry('a') + '\n' + entry('b') : entry('a');
}

/** One line per entry: file, key, type and every field's raw value, sorted. */
function describe(file: string, entries: Array<{ key: string; type: string; fields: Record<string, { raw: string }> }>): string[] {
  return entries.map((e) => `${file} @${e.type}{${e.key}} ${Object.keys(e.fields).sort().map((k) => `${k}=${e.fields[k].raw}`).join(' | ')}`);
}

async function runBatched(jobs: Array<() => Promise<void>>): Promise<void> {
  for (let i = 0; i < jobs.length; i += BATCH) await Promise.all(jobs.slice(i, i + BATCH).map((j) => j()));
}

let api: CiteLensApi;

suite('churn: 200 collection files created, changed and deleted during completion', () => {
  const dir = () => workspaceUri('churn');
  const file = (i: number) => workspaceUri('churn', `c${i}.bib`);

  before(async () => {
    api = await citelens();
  });

  after(async () => {
    await removeQuietly(dir());
  });

  test('afterwards the library and the index equal a fresh read, and nothing failed', async () => {
    await vscode.workspace.fs.createDirectory(dir());
    let completing = true;
    let requests = 0;
    const failures: string[] = [];
    const loop = (async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'latex', content: 'See \\cite{churn' });
      const position = doc.positionAt(doc.getText().length);
      while (completing) {
        try {
          const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position);
          if (!list || !Array.isArray(list.items)) failures.push('completion returned no list');
        } catch (e) {
          failures.push(`completion failed: ${(e as Error).message}`);
        }
        requests++;
      }
    })();

    try {
      // 1. Create all files.
      await runBatched(Array.from({ length: FILES }, (_, i) => () => writeText(file(i), bibText(i, 0))));
      // 2. Change three files in four (new keys, new fields), some twice in a row.
      await runBatched(Array.from({ length: FILES }, (_, i) => i).filter((i) => i % 4 !== 0).map((i) => async () => {
        await writeText(file(i), bibText(i, 1));
        if (i % 8 === 1) await writeText(file(i), bibText(i, 2));
      }));
      // 3. Delete one file in five; recreate some of them at once with other content; and
      //    files that live for a moment only: created, changed, deleted.
      await runBatched(Array.from({ length: FILES }, (_, i) => i).filter((i) => i % 5 === 0).map((i) => async () => {
        await vscode.workspace.fs.delete(file(i));
        if (i % 15 === 0) await writeText(file(i), bibText(i, 3));
      }));
      // The same file rewritten five times at once: whichever write lands last is the truth.
      await Promise.all([1, 2, 3, 4, 5].map((v) => writeText(file(7), bibText(7, v))));
      await runBatched(Array.from({ length: 20 }, (_, k) => FILES + k).map((i) => async () => {
        await writeText(file(i), bibText(i, 0));
        await writeText(file(i), bibText(i, 1));
        await vscode.workspace.fs.delete(file(i));
      }));
    } finally {
      // Keep completing for a moment while the service catches up.
      await new Promise((r) => setTimeout(r, 500));
      completing = false;
      await loop;
    }
    deepEqual(failures.slice(0, 5), [], 'completion requests failed during the churn');
    ok(requests >= 5, `only ${requests} completion requests ran during the churn`);

    // A fresh read of what is on disk now.
    const prefix = dir().toString() + '/';
    const expectedFiles: string[] = [];
    const expected: string[] = [];
    for (const [name] of await vscode.workspace.fs.readDirectory(dir())) {
      const uri = vscode.Uri.joinPath(dir(), name);
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const result = parseBibtex(text, uri.toString());
      deepEqual(result.diagnostics, [], `${name} is not clean`);
      expectedFiles.push(uri.toString());
      expected.push(...describe(uri.toString(), result.entries));
    }
    expectedFiles.sort();
    expected.sort();
    ok(expectedFiles.length === FILES - 40 + 14, `${expectedFiles.length} files on disk`);

    const catalog = api.collections.catalog;
    const libraryNow = async () => {
      const status = await catalog.call('status');
      const files = status.files.map((f) => f.file).filter((f) => f.startsWith(prefix)).sort();
      const entries: string[] = [];
      for (const f of files) entries.push(...describe(f, await catalog.call('fileEntries', f)));
      return { files, entries: entries.sort() };
    };
    // Every key is found by a search for it (the index has it, not only the entries).
    const indexNow = async () => {
      const keys = expected.map((line) => line.split(' ')[1].replace(/^@\w+\{|\}$/g, ''));
      const missing: string[] = [];
      for (const k of keys) if (!(await catalog.call('search', k, 5)).some((p) => p.key === k)) missing.push(k);
      return { missing };
    };
    const settled = async (timeoutMs: number) => {
      const start = Date.now();
      for (;;) {
        const lib = await libraryNow();
        const idx = await indexNow();
        if (lib.files.join() === expectedFiles.join() && lib.entries.join('\n') === expected.join('\n') && idx.missing.length === 0) return;
        if (Date.now() - start > timeoutMs) {
          const extra = lib.files.filter((f) => !expectedFiles.includes(f));
          const absent = expectedFiles.filter((f) => !lib.files.includes(f));
          deepEqual({ extra, absent }, { extra: [], absent: [] }, 'library files after the churn');
          deepEqual(lib.entries.filter((e) => !expected.includes(e)).slice(0, 5), [], 'entries the library has but the files do not');
          deepEqual(expected.filter((e) => !lib.entries.includes(e)).slice(0, 5), [], 'entries in the files the library lacks');
          deepEqual(idx.missing.slice(0, 5), [], 'keys missing from the search index');
          throw new Error('library and index did not settle');
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await settled(60_000);

    // Keys of deleted files and of old versions are gone from the index too.
    for (const i of [0, 5, 10, 1, 2, FILES + 3]) {
      for (const v of [0, 1]) {
        const key = `churn${i}v${v}a`;
        const onDisk = expected.some((line) => line.includes(`{${key}}`));
        const found = (await catalog.call('search', key, 5)).some((p) => p.key === key);
        ok(found === onDisk, `index ${onDisk ? 'lacks' : 'still has'} ${key}`);
      }
    }
    // Completion offers the final versions.
    const doc = await vscode.workspace.openTextDocument({ language: 'latex', content: 'See \\cite{churn1v2' });
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, doc.positionAt(doc.getText().length));
    ok(list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'churn1v2a'), 'churn1v2a not offered');

    // No CiteLens problem on any churned file, nor left behind on deleted ones.
    const problems = vscode.languages
      .getDiagnostics()
      .filter(([uri, ds]) => uri.toString().startsWith(prefix) && ds.length > 0)
      .map(([uri, ds]) => `${uri.path}: ${ds.map((d) => d.message).join('; ')}`);
    deepEqual(problems, [], 'diagnostics on churned files');
  }, { timeout: 180_000 });
});
