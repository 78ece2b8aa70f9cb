/** Helpers shared by the integration suites (both extension hosts). */
import * as vscode from 'vscode';
import type { CiteLensApi } from '../../../src/extension';

export const EXTENSION_ID = 'citelens.citelens';

/** Activates CiteLens and waits for the first indexing to finish. */
export async function citelens(): Promise<CiteLensApi> {
  const ext = vscode.extensions.getExtension<CiteLensApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  const api = await ext.activate();
  await api.collections.whenReady();
  return api;
}

/** Opens an untitled document with `|` marking the cursor; returns it and the cursor. */
export async function openWithCursor(language: string, marked: string): Promise<{ doc: vscode.TextDocument; position: vscode.Position }> {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('no | cursor in the text');
  const doc = await vscode.workspace.openTextDocument({ language, content: marked.slice(0, offset) + marked.slice(offset + 1) });
  return { doc, position: doc.positionAt(offset) };
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/** CiteLens's completion items at the cursor, through VS Code's own command. */
export async function completeAt(language: string, marked: string, resolveCount = 0): Promise<{ labels: string[]; items: vscode.CompletionItem[]; list: vscode.CompletionList; doc: vscode.TextDocument; position: vscode.Position }> {
  const { doc, position } = await openWithCursor(language, marked);
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position, undefined, resolveCount);
  // Other providers (word-based suggestions) may add items; ours are references.
  const items = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Reference);
  return { labels: items.map(labelOf), items, list, doc, position };
}

/** Hover text at the cursor, through VS Code's own command. */
export async function hoverAt(language: string, marked: string): Promise<string> {
  const { doc, position } = await openWithCursor(language, marked);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>~&:$])/g, '$1'); // undo Markdown escapes to compare text
}

export function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

export async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

export async function removeQuietly(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.workspace.fs.delete(uri, { recursive: true });
  } catch {
    /* already gone */
  }
}

/** The position `inside` characters into the `occurrence`-th `needle` of the document. */
export function positionOf(doc: vscode.TextDocument, needle: string, inside = 1, occurrence = 0): vscode.Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = doc.getText().indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (#${occurrence}) not in ${doc.uri.path}`);
  }
  return doc.positionAt(at + inside);
}
