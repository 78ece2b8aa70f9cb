/**
 * Copy Formatted Reference and Copy Citation: papers in the citation style of the document
 * being written (its `csl:`, `\bibliographystyle` or biblatex `style=`, else the setting
 * `citelens.citationStyle`), as plain text on the clipboard. The papers come from the
 * command's arguments (hover link, library, tests), else the citation under the cursor, else
 * a multi-select quick pick.
 */
import * as vscode from 'vscode';
import { citationKeyAt } from '../core/citeContext';
import { plainText, referenceText } from '../core/formatReference';
import type { PaperView } from '../core/catalog';
import { WorkspaceCollections } from '../vscode/collections';
import { citeCommandsOf, CiteLensContext, syntaxOf } from '../vscode/context';
import { ReferenceStyles } from '../vscode/referenceStyles';
import { pickPapers } from './insertCitation';
import { COPY_REFERENCE_COMMAND } from './paperMarkdown';

export const COPY_CITATION_COMMAND = 'citelens.copyCitation';

/** What the commands copied (returned for tests and other extensions). */
export interface CopiedText {
  text: string;
  style: string;
}

/** The LaTeX/Markdown document being written: the active editor's, else a visible one's (a webview may have focus). */
export function writingDocument(): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor;
  if (active && syntaxOf(active.document)) return active.document;
  return vscode.window.visibleTextEditors.find((e) => syntaxOf(e.document))?.document;
}

export function registerFormattedReferences(ctx: CiteLensContext, collections: WorkspaceCollections, styles: ReferenceStyles): void {
  const run = async (keysArg: unknown, title: string, format: (papers: PaperView[], doc: vscode.TextDocument | undefined) => Promise<CopiedText>): Promise<CopiedText | undefined> => {
    const papers = await papersFor(keysArg, collections, title);
    if (!papers?.length) return undefined;
    const copied = await format(papers, writingDocument());
    await vscode.env.clipboard.writeText(copied.text);
    vscode.window.setStatusBarMessage(`CiteLens: copied ${papers.length === 1 ? papers[0].key : `${papers.length} papers`} (${copied.style}).`, 4000);
    return copied;
  };
  ctx.own(
    vscode.commands.registerCommand(COPY_REFERENCE_COMMAND, (keys?: unknown) =>
      run(keys, 'CiteLens: Copy Formatted Reference', async (papers, doc) => {
        const chosen = await styles.styleFor(doc);
        // One paper: its reference; several: the reference list, numbered as the style numbers it.
        const refs = papers.length === 1 ? [await styles.reference(papers[0], chosen)] : await styles.bibliography(papers, chosen);
        return { text: refs.map((r) => referenceText(r, papers.length > 1)).join('\n'), style: chosen.style.info.title };
      }),
    ),
  );
  ctx.own(
    vscode.commands.registerCommand(COPY_CITATION_COMMAND, (keys?: unknown) =>
      run(keys, 'CiteLens: Copy Citation', async (papers, doc) => {
        const chosen = await styles.styleFor(doc);
        return { text: plainText(await styles.citation(papers, chosen)), style: chosen.style.info.title };
      }),
    ),
  );
}

async function papersFor(keysArg: unknown, collections: WorkspaceCollections, title: string): Promise<PaperView[] | undefined> {
  if (!collections.isReady) await collections.whenReady();
  let keys = Array.isArray(keysArg) && keysArg.every((k) => typeof k === 'string') ? (keysArg as string[]) : undefined;
  if (!keys) keys = keysAtCursor();
  if (!keys?.length) keys = await pickPapers(collections, title, 'copy');
  if (!keys?.length) return undefined;
  const found = await collections.catalog.call('papers', keys).catch((): Array<PaperView | undefined> => []);
  const papers = found.filter((p): p is PaperView => p !== undefined);
  if (!papers.length) void vscode.window.showInformationMessage(`CiteLens: no entry with the key ${keys[0]}.`);
  return papers;
}

/** The key under the cursor of the active LaTeX/Markdown editor, if any. */
function keysAtCursor(): string[] | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const syntax = syntaxOf(editor.document);
  if (!syntax) return undefined;
  const found = citationKeyAt(editor.document.getText(), editor.document.offsetAt(editor.selection.active), syntax, citeCommandsOf(editor.document));
  return found ? [found.key] : undefined;
}
