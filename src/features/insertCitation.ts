/**
 * Inserting citations: into the last active LaTeX/Markdown/Typst editor at its cursor, in that
 * document's syntax (`\cite{…}` or `[@…]`, or appended to the citation the cursor is in),
 * as one undoable edit. Used by the library webview and by `citelens.insertCitation`, a
 * multi-select quick pick over the same index for keyboard users.
 */
import * as vscode from 'vscode';
import { citationInsertion } from '../core/citationInsert';
import { formatAuthorsShort } from '../core/names';
import { WorkspaceCollections } from '../vscode/collections';
import { citeCommandsOf, CiteLensContext, syntaxOf } from '../vscode/context';

export const INSERT_CITATION_COMMAND = 'citelens.insertCitation';
const PICK_LIMIT = 100;

/** Remembers the last LaTeX/Markdown/Typst editor the user was in (the webview takes focus away from it). */
export class CitationTarget {
  private last: { uri: vscode.Uri; selection: vscode.Selection } | undefined;

  constructor(ctx: CiteLensContext) {
    const remember = (editor: vscode.TextEditor | undefined) => {
      if (editor && syntaxOf(editor.document)) this.last = { uri: editor.document.uri, selection: editor.selection };
    };
    remember(vscode.window.activeTextEditor);
    ctx.own(vscode.window.onDidChangeActiveTextEditor(remember));
    ctx.own(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (this.last && e.textEditor.document.uri.toString() === this.last.uri.toString()) this.last.selection = e.textEditor.selection;
        else remember(e.textEditor);
      }),
    );
  }

  /** The editor to insert into: the active one if it cites, else the last one (shown again if needed). */
  async editor(): Promise<vscode.TextEditor | undefined> {
    const active = vscode.window.activeTextEditor;
    if (active && syntaxOf(active.document)) return active;
    if (!this.last) return undefined;
    const uri = this.last.uri.toString();
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
    if (visible) return visible;
    try {
      const doc = await vscode.workspace.openTextDocument(this.last.uri);
      return await vscode.window.showTextDocument(doc, { selection: this.last.selection, preserveFocus: true });
    } catch {
      return undefined;
    }
  }

  /**
   * Cites `keys` at the target editor's cursor. Returns a short description for the user,
   * or undefined when there is no LaTeX/Markdown/Typst editor to insert into.
   */
  async insert(keys: readonly string[]): Promise<{ inserted: string; file: string } | undefined> {
    const editor = await this.editor();
    if (!editor) return undefined;
    const doc = editor.document;
    const syntax = syntaxOf(doc)!;
    const cursor = doc.offsetAt(editor.selection.active);
    const insertion = citationInsertion(doc.getText(), cursor, syntax, keys, citeCommandsOf(doc));
    const file = vscode.workspace.asRelativePath(doc.uri);
    if (!insertion) return { inserted: '', file };
    const at = doc.positionAt(insertion.offset);
    const ok = await editor.edit((b) => b.insert(at, insertion.text));
    if (!ok) return undefined;
    const end = doc.positionAt(insertion.offset + insertion.text.length);
    editor.selection = new vscode.Selection(end, end);
    this.last = { uri: doc.uri, selection: editor.selection };
    return { inserted: insertion.text, file };
  }
}

export function registerInsertCitation(ctx: CiteLensContext, collections: WorkspaceCollections, target: CitationTarget): void {
  ctx.own(
    vscode.commands.registerCommand(INSERT_CITATION_COMMAND, async (keysArg?: unknown) => {
      // Tests and other extensions may pass the keys; people pick them.
      let keys = Array.isArray(keysArg) && keysArg.every((k) => typeof k === 'string') ? (keysArg as string[]) : undefined;
      if (!keys) {
        if (!collections.isReady) await collections.whenReady();
        keys = await pickPapers(collections);
      }
      if (!keys?.length) return;
      const result = await target.insert(keys);
      if (!result) void vscode.window.showInformationMessage('CiteLens: open a LaTeX, Markdown or Typst document to insert citations into.');
    }),
  );
}

/** A multi-select quick pick searching the index as you type. */
export function pickPapers(collections: WorkspaceCollections, title = 'CiteLens: Insert Citation', action = 'insert'): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<PaperItem>();
    pick.title = title;
    pick.placeholder = `Search authors, title, year, venue, abstract or key; Space to select several, Enter to ${action}`;
    pick.canSelectMany = true;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const chosen = new Map<string, PaperItem>();
    // Replacing the items clears the selection (and says so in an event): that is not the
    // user unticking papers, so selection events are ignored while the list is replaced.
    let replacing = false;
    let replacingTimer: ReturnType<typeof setTimeout> | undefined;
    let asked = 0;
    const update = async () => {
      const question = ++asked;
      const items = await paperItems(collections, pick.value);
      // An answer to an older value comes too late.
      if (question !== asked) return;
      // Papers ticked under an earlier query stay listed (first) and ticked.
      const kept = [...chosen.values()].filter((c) => !items.some((i) => i.key === c.key));
      replacing = true;
      pick.items = [...kept, ...items];
      pick.selectedItems = pick.items.filter((i) => chosen.has(i.key));
      clearTimeout(replacingTimer);
      replacingTimer = setTimeout(() => (replacing = false), 0);
    };
    void update();
    let result: string[] | undefined;
    pick.onDidChangeValue(() => void update());
    pick.onDidChangeSelection((sel) => {
      if (replacing) return;
      const selected = new Set(sel.map((s) => s.key));
      for (const item of pick.items) if (!selected.has(item.key)) chosen.delete(item.key);
      for (const s of sel) chosen.set(s.key, s);
    });
    pick.onDidAccept(() => {
      result = chosen.size ? [...chosen.keys()] : pick.activeItems.map((i) => i.key);
      pick.hide();
    });
    pick.onDidHide(() => {
      clearTimeout(replacingTimer);
      pick.dispose();
      resolve(result);
    });
    pick.show();
  });
}

export interface PaperItem extends vscode.QuickPickItem {
  key: string;
}

/** Quick pick items for a search of the library (none for an empty text; none if the catalog cannot answer). */
export async function paperItems(collections: WorkspaceCollections, text: string): Promise<PaperItem[]> {
  if (!text.trim()) return [];
  const papers = await collections.catalog.call('search', text, PICK_LIMIT).catch(() => []);
  return papers.map((p) => ({
    key: p.key,
    label: p.key,
    description: `${formatAuthorsShort(p.authors, p.etAl) || 'Anonymous'}${p.year ? ` (${p.year})` : ''}`,
    detail: p.title,
    // Our search decides; VS Code's own filter must not hide results.
    alwaysShow: true,
  }));
}
