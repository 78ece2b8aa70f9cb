/**
 * Quick fixes: an undefined key is replaced by one of the nearest existing keys (case fixes
 * first) or by a paper picked from a search of the library (`citelens.searchLibrary`); a
 * duplicate key in a collection offers to go to its other definitions.
 */
import * as vscode from 'vscode';
import { citationKeyAt, citeContext } from '../core/citeContext';
import { typstRenameEdit } from '../core/typst';
import { WorkspaceCollections } from '../vscode/collections';
import { CITING_DOCUMENTS, citeCommandsOf, CiteLensContext, syntaxOf } from '../vscode/context';
import { COLLECTION_DOCUMENTS } from './definition';
import { CASE_MISMATCH, UNDEFINED_KEY } from './documentDiagnostics';
import { OPEN_ENTRY_COMMAND } from './paperMarkdown';
import { paperItems, PaperItem } from './insertCitation';

export const SEARCH_LIBRARY_COMMAND = 'citelens.searchLibrary';

export function registerCodeActions(ctx: CiteLensContext, collections: WorkspaceCollections): void {
  const citing: vscode.CodeActionProvider = {
    async provideCodeActions(document, _range, context) {
      const actions: vscode.CodeAction[] = [];
      for (const d of context.diagnostics) {
        if (d.source !== 'CiteLens' || (d.code !== UNDEFINED_KEY && d.code !== CASE_MISMATCH)) continue;
        const key = document.getText(d.range);
        if (!key) continue;
        const nearest = await collections.catalog.call('nearest', key, 3).catch(() => [] as string[]);
        nearest.forEach((k, i) => {
          const fix = new vscode.CodeAction(`Replace with '${k}'`, vscode.CodeActionKind.QuickFix);
          fix.edit = new vscode.WorkspaceEdit();
          const replacement = keyReplacement(document, d.range, k);
          fix.edit.replace(document.uri, replacement.range, replacement.text);
          fix.diagnostics = [d];
          fix.isPreferred = i === 0 && k.toLowerCase() === key.toLowerCase();
          actions.push(fix);
        });
        if (d.code === UNDEFINED_KEY) {
          const search = new vscode.CodeAction(`Search the library for '${key}'…`, vscode.CodeActionKind.QuickFix);
          search.command = { command: SEARCH_LIBRARY_COMMAND, title: search.title, arguments: [document.uri, d.range] };
          search.diagnostics = [d];
          actions.push(search);
        }
      }
      return actions;
    },
  };
  ctx.own(vscode.languages.registerCodeActionsProvider(CITING_DOCUMENTS, citing, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));

  const duplicates: vscode.CodeActionProvider = {
    async provideCodeActions(document, _range, context) {
      const file = document.uri.toString();
      if (!collections.isTracked(file)) return [];
      const actions: vscode.CodeAction[] = [];
      for (const d of context.diagnostics) {
        if (d.source !== 'CiteLens' || d.code !== 'duplicate-key') continue;
        const key = document.getText(d.range);
        const info = await collections.catalog.call('keyInfo', key).catch(() => undefined);
        for (const other of info?.declarations ?? []) {
          if (other.file === file && other.key.line === d.range.start.line && other.key.column === d.range.start.character) continue;
          const where = other.file === file ? `line ${other.entry.line + 1}` : `${vscode.workspace.asRelativePath(vscode.Uri.parse(other.file))}:${other.entry.line + 1}`;
          const go = new vscode.CodeAction(`Go to the other definition of '${key}' (${where})`, vscode.CodeActionKind.QuickFix);
          go.command = { command: OPEN_ENTRY_COMMAND, title: go.title, arguments: [other.file, other.key.line, other.key.column] };
          go.diagnostics = [d];
          actions.push(go);
        }
      }
      return actions;
    },
  };
  ctx.own(vscode.languages.registerCodeActionsProvider(COLLECTION_DOCUMENTS, duplicates, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));

  ctx.own(
    vscode.commands.registerCommand(SEARCH_LIBRARY_COMMAND, async (uriArg?: unknown, rangeArg?: unknown) => {
      const target = await keyToReplace(uriArg, rangeArg);
      if (!target) {
        void vscode.window.showInformationMessage('CiteLens: put the cursor on a citation key (or in a citation) to search the library for a replacement.');
        return;
      }
      if (!collections.isReady) await collections.whenReady();
      const picked = await pickPaper(collections, target.editor.document.getText(target.range));
      if (!picked) return;
      const replacement = keyReplacement(target.editor.document, target.range, picked);
      await target.editor.edit((b) => b.replace(replacement.range, replacement.text));
    }),
  );
}

/** A QuickPick over the library, searched as you type; resolves to the chosen key. */
function pickPaper(collections: WorkspaceCollections, initial: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<PaperItem>();
    pick.title = 'CiteLens: search the library';
    pick.placeholder = 'Authors, title words, year, venue or key';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    let asked = 0;
    const update = async () => {
      const question = ++asked;
      const items = await paperItems(collections, pick.value);
      if (question === asked) pick.items = items;
    };
    pick.value = initial;
    void update();
    let chosen: string | undefined;
    pick.onDidChangeValue(() => void update());
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0]?.key ?? pick.activeItems[0]?.key;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}

/** The editor and range of the key to replace: from a quick fix's arguments, else the cursor. */
/** Replacing a cited key: in Typst, a key that a label cannot hold turns `@old` into `#cite(label("…"))`. */
function keyReplacement(document: vscode.TextDocument, range: vscode.Range, key: string): { range: vscode.Range; text: string } {
  if (syntaxOf(document) !== 'typst') return { range, text: key };
  const text = document.getText();
  const start = document.offsetAt(range.start);
  const found = citationKeyAt(text, start, 'typst');
  const end = document.offsetAt(range.end);
  const edit = typstRenameEdit(text, { start, end, command: found?.start === start ? found.command : '' }, key);
  return { range: new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end)), text: edit.text };
}

async function keyToReplace(uriArg: unknown, rangeArg: unknown): Promise<{ editor: vscode.TextEditor; range: vscode.Range } | undefined> {
  if ((uriArg instanceof vscode.Uri || typeof uriArg === 'string') && rangeArg instanceof vscode.Range) {
    const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg;
    const doc = await vscode.workspace.openTextDocument(uri);
    if (!syntaxOf(doc)) return undefined;
    const editor = await vscode.window.showTextDocument(doc);
    return { editor, range: rangeArg };
  }
  const editor = vscode.window.activeTextEditor;
  const syntax = editor && syntaxOf(editor.document);
  if (!editor || !syntax) return undefined;
  const text = editor.document.getText();
  const offset = editor.document.offsetAt(editor.selection.active);
  const ctx = citeContext(text, offset, syntax, citeCommandsOf(editor.document, text));
  if (!ctx) return undefined;
  return { editor, range: new vscode.Range(editor.document.positionAt(ctx.start), editor.document.positionAt(Math.max(ctx.end, offset))) };
}
