/**
 * Citation key completion in LaTeX cite commands and Pandoc citations. What is typed is a
 * search over key, authors, title, year, venue and abstract, so VS Code's own filter must
 * not drop results: every item's `filterText` is the typed text, and the list is marked
 * incomplete so VS Code asks again as the query changes.
 */
import * as vscode from 'vscode';
import { CiteContext, citeContext } from '../core/citeContext';
import { typstCompletionEdit } from '../core/typst';
import type { PaperView } from '../core/catalog';
import { formatAuthorsShort } from '../core/names';
import { WorkspaceCollections } from '../vscode/collections';
import { CITING_DOCUMENTS, citeCommandsOf, CiteLensContext, syntaxOf, typstCompletionEnabled } from '../vscode/context';
import { visibleMarks } from '../core/inertText';
import { delay } from '../core/serial';
import { ReferenceStyles } from '../vscode/referenceStyles';
import { formattedOf, paperDocumentation } from './paperMarkdown';

const MAX_ITEMS = 50;
/** How long the last completions took in the provider (ms), for the benchmark. */
export const completionProviderMs: number[] = [];
const TIMINGS_KEPT = 1000;
/** How often an empty completion asks again while the collections are first read. */
const EARLY_RETRY_MS = 100;

export function registerCompletion(ctx: CiteLensContext, collections: WorkspaceCollections, styles: ReferenceStyles): void {
  async function complete(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionList | undefined> {
    const syntax = syntaxOf(document);
    if (!syntax || (syntax === 'typst' && !typstCompletionEnabled())) return undefined;
    const text = document.getText();
    const offset = document.offsetAt(position);
    const context = citeContext(text, offset, syntax, citeCommandsOf(document, text));
    if (!context) return undefined;
    const ask = () => (context.query.trim() ? collections.catalog.call('search', context.query, MAX_ITEMS) : collections.catalog.call('newest', MAX_ITEMS));
    // While the collections are first read, what is known already answers (a typed key is
    // found as soon as its file's keys are read, long before the word index is built): an
    // empty answer asks again every little while until something answers or the reading ends.
    let hits = await ask().catch((): PaperView[] => []);
    while (!hits.length && collections.isFirstReading) {
      await Promise.race([collections.whenReady(), delay(EARLY_RETRY_MS), new Promise((r) => token.onCancellationRequested(r))]);
      if (token.isCancellationRequested) return undefined;
      hits = await ask().catch((): PaperView[] => []);
    }
    const start = document.positionAt(context.start);
    const inserting = new vscode.Range(start, position);
    const replacing = new vscode.Range(start, document.positionAt(Math.max(context.end, offset)));
    const typed = text.slice(context.start, offset);
    const siblings = new Set(context.siblings);
    const items = hits
      .filter((p) => !siblings.has(p.key))
      .map((paper, i) => completionItem(paper, i, typed, inserting, replacing, document));
    if (syntax === 'typst') for (const item of items) typstInsertText(document, item, context);
    return new vscode.CompletionList(items, true);
  }

  const provider: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position, token) {
      const started = performance.now();
      try {
        return await complete(document, position, token);
      } finally {
        if (completionProviderMs.push(performance.now() - started) > TIMINGS_KEPT) completionProviderMs.shift();
      }
    },
    async resolveCompletionItem(item) {
      const of = papersOfItems.get(item);
      if (!of) return item;
      // The focused item only: its reference in the document's style, then links and the abstract.
      const paper = (await collections.catalog.call('paper', of.paper.key).catch(() => undefined)) ?? of.paper;
      const formatted = await formattedOf(styles, paper, of.document, ctx);
      item.documentation = paperDocumentation(paper, { abstract: true, source: false, formatted });
      return item;
    },
  };
  ctx.own(vscode.languages.registerCompletionItemProvider(CITING_DOCUMENTS, provider, '{', ',', '@', '[', ' ', '<', '"'));
}

/** Typst: a key that a label cannot hold is inserted as `#cite(label("…"))` / `label("…")`. */
function typstInsertText(document: vscode.TextDocument, item: vscode.CompletionItem, context: CiteContext): void {
  const key = typeof item.insertText === 'string' ? item.insertText : '';
  const edit = typstCompletionEdit(document.getText(), context.command, context.start, context.end, key);
  if (edit.start === context.start && edit.text === key) return;
  item.insertText = edit.text;
  item.range = new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end));
  // VS Code filters on the text the range covers, which now starts before the query.
  item.filterText = document.getText(item.range);
}

/** Longest title in a list row (the row is one line; the details pane has the rest). */
const MAX_ROW_TITLE = 160;

/** "Surname et al. (Year) — Title", as a reader names a paper; invisible characters shown as marks. */
export function paperSummary(paper: Pick<PaperView, 'authors' | 'editors' | 'etAl' | 'title' | 'year'>): string {
  const who = formatAuthorsShort(paper.authors, paper.etAl) || formatAuthorsShort(paper.editors, false) || 'Anonymous';
  const title = paper.title.replace(/\s+/g, ' ').trim();
  const shortTitle = title.length > MAX_ROW_TITLE ? title.slice(0, MAX_ROW_TITLE - 1) + '…' : title;
  return visibleMarks(`${who}${paper.year ? ` (${paper.year})` : ''}${shortTitle ? ` — ${shortTitle}` : ''}`);
}

function completionItem(paper: PaperView, rank: number, typed: string, inserting: vscode.Range, replacing: vscode.Range, document: vscode.TextDocument): vscode.CompletionItem {
  const summary = paperSummary(paper);
  // The key, then who, when and what: the description is the row's readable part.
  const label: vscode.CompletionItemLabel = { label: paper.key, description: summary };
  const item = new vscode.CompletionItem(label, vscode.CompletionItemKind.Reference);
  item.insertText = paper.key;
  item.range = { inserting, replacing };
  item.filterText = typed;
  item.sortText = String(rank).padStart(4, '0');
  item.detail = summary;
  // The abstract and the rest come with resolveCompletionItem, for the focused item only:
  // 50 items with abstracts would make every keystroke's list ten times bigger.
  papersOfItems.set(item, { paper, document });
  return item;
}

const papersOfItems = new WeakMap<vscode.CompletionItem, { paper: PaperView; document: vscode.TextDocument }>();
