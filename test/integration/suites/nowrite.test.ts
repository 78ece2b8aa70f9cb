/**
 * CiteLens writes no file unless the user asks for a rename or an insertion (and then through
 * an undoable edit). Every file of the workspace is snapshotted (bytes and modification time);
 * completion, hover, definition, references, symbols, links, code actions, diagnostics and a
 * re-index are exercised on every document; afterwards every file is byte-identical, none
 * was added or removed, and no document is left dirty. Runs in both hosts.
 */
import * as vscode from 'vscode';
import { deepEqual, ok } from '../assert';
import { before, suite, test } from '../harness';
import { citelens } from './util';
import type { CiteLensApi } from '../../../src/extension';

interface Snapshot {
  bytes: Uint8Array;
  mtime: number;
}

async function snapshot(dir: vscode.Uri, into = new Map<string, Snapshot>()): Promise<Map<string, Snapshot>> {
  for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
    const uri = vscode.Uri.joinPath(dir, name);
    if (type & vscode.FileType.Directory) await snapshot(uri, into);
    else if (type & vscode.FileType.File) {
      const [bytes, stat] = await Promise.all([vscode.workspace.fs.readFile(uri), vscode.workspace.fs.stat(uri)]);
      into.set(uri.toString(), { bytes, mtime: stat.mtime });
    }
  }
  return into;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Offsets inside every citation key of a LaTeX or Markdown document, and inside every key of a .bib. */
function keyOffsets(text: string, path: string): number[] {
  const re = /\.bib$/.test(path) ? /@\w+\s*[{(]\s*([^,\s]+)/g : /\\\w*cite\w*\*?(?:\[[^\]]*\])*\{([^}]*)\}|@([\w:.-]+)/g;
  const out: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const group = m[1] ?? m[2];
    if (!group) continue;
    const start = m.index + m[0].indexOf(group);
    out.push(start + 1, start + Math.max(1, Math.floor(group.length / 2)));
  }
  return out;
}

let api: CiteLensApi;

suite('no writes: reading features leave every file untouched', () => {
  let folder: vscode.Uri;
  let before_: Map<string, Snapshot>;

  before(async () => {
    api = await citelens();
    const ws = vscode.workspace.workspaceFolders?.[0];
    ok(ws, 'no workspace folder');
    folder = ws.uri;
    before_ = await snapshot(folder);
  });

  test('completion, hover, navigation, symbols, links, code actions and diagnostics write nothing', async () => {
    ok(before_.size >= 5, `only ${before_.size} files in the workspace`);
    let requests = 0;
    for (const key of before_.keys()) {
      const uri = vscode.Uri.parse(key);
      if (!/\.(tex|md|bib|typ|yml)$/.test(uri.path)) continue;
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true });
      const text = doc.getText();
      const whole = new vscode.Range(doc.positionAt(0), doc.positionAt(text.length));
      await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', uri);
      await vscode.commands.executeCommand('vscode.executeLinkProvider', uri);
      await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, whole);
      requests += 3;
      for (const offset of keyOffsets(text, uri.path).slice(0, 16)) {
        const position = doc.positionAt(offset);
        await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, position);
        await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, position);
        await vscode.commands.executeCommand('vscode.executeDefinitionProvider', uri, position);
        await vscode.commands.executeCommand('vscode.executeReferenceProvider', uri, position);
        await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, new vscode.Range(position, position));
        requests += 5;
      }
    }
    await vscode.commands.executeCommand('vscode.executeWorkspaceSymbolProvider', 'a');
    await vscode.commands.executeCommand('citelens.reindex');
    await api.collections.whenReady();
    ok(requests > 50, `only ${requests} requests made`);
    ok(vscode.languages.getDiagnostics().length > 0, 'no diagnostics at all: were the documents checked?');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme !== 'untitled').map((d) => d.uri.toString());
    deepEqual(dirty, [], 'documents left dirty');
    const after = await snapshot(folder);
    deepEqual([...after.keys()].sort(), [...before_.keys()].sort(), 'files added or removed');
    for (const [key, was] of before_) {
      const now = after.get(key)!;
      ok(sameBytes(now.bytes, was.bytes), `${key} changed`);
      ok(now.mtime === was.mtime, `${key} was rewritten (modification time ${was.mtime} → ${now.mtime})`);
    }
  }, { timeout: 120_000 });
});
