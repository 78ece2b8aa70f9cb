/**
 * Citation key completion in LaTeX cite commands and Pandoc citations. What is typed is a
 * search over key, authors, title, year, venue and abstract, so VS Code's own filter must
 * not drop results: every item's `filterText` is the typed text, and the list is marked
 * incomplete so VS Code asks again as the query changes.
 */
import * as vscode from 'vscode';
import { CiteContext, citeContext } from '../core/citeContext';
import { typstCompletionEdit } from '../core/typst';
import { Paper } from '../core/model';
import { formatAuthorsShort } from '../core/names';
import { SearchHit } from '../core/search';
import { WorkspaceCollections } from '../vscode/collections';
import { CITING_DOCUMENTS, CiteLensContext, readSettings, syntaxOf, typstCompletionEnabled } from '../vscode/context';
import { visibleMarks } from '../core/inertText';
import { ReferenceStyles } from '../vscode/referenceStyles';
import { formattedOf, paperDocumentation } from './paperMarkdown';

const MAX_ITEMS = 50;

export function registerCompletion(ctx: CiteLensContext, collections: WorkspaceCollections, styles: ReferenceStyles): void {
  const newest = new NewestPapers(collections, ctx);
  const provider: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position, token) {
      const syntax = syntaxOf(document);
      if (!syntax || (syntax === 'typst' && !typstCompletionEnabled())) return undefined;
      const text = document.getText();
      const offset = document.offsetAt(position);
      const context = citeContext(text, offset, syntax, readSettings().citeCommands);
      if (!context) return undefined;
      if (!collections.isReady) {
        await Promise.race([collections.whenReady(), new Promise((r) => token.onCancellationRequested(r))]);
        if (token.isCancellationRequested) return undefined;
      }
      const hits = context.query.trim() ? collections.index.search(context.query, MAX_ITEMS) : newest.get(collections);
      const start = document.positionAt(context.start);
      const inserting = new vscode.Range(start, position);
      const replacing = new vscode.Range(start, document.positionAt(Math.max(context.end, offset)));
      const typed = text.slice(context.start, offset);
      const siblings = new Set(context.siblings);
      const items = hits
        .filter((h) => !siblings.has(h.key))
        .map((hit, i) => completionItem(hit.paper, i, typed, inserting, replacing, document));
      if (syntax === 'typst') for (const item of items) typstInsertText(document, item, context);
      return new vscode.CompletionList(items, true);
    },
    async resolveCompletionItem(item) {
      const of = papersOfItems.get(item);
      if (!of) return item;
      // The focused item only: its reference in the document's style, then links and the abstract.
      const formatted = await formattedOf(styles, of.paper, of.document, ctx);
      item.documentation = paperDocumentation(of.paper, { abstract: true, source: false, formatted });
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

/** With nothing typed yet: the newest papers, recomputed once per library change. */
class NewestPapers {
  private cached: SearchHit[] | undefined;

  constructor(collections: WorkspaceCollections, ctx: CiteLensContext) {
    ctx.own(collections.onDidChange(() => (this.cached = undefined)));
  }

  get(collections: WorkspaceCollections): SearchHit[] {
    if (!this.cached) {
      // One pass keeping the best MAX_ITEMS (cheap comparisons: this runs over 90,000 papers).
      const best: Paper[] = [];
      for (const paper of collections.index.papers()) {
        if (best.length === MAX_ITEMS && !newer(paper, best[best.length - 1])) continue;
        let i = best.length;
        while (i > 0 && newer(paper, best[i - 1])) i--;
        best.splice(i, 0, paper);
        if (best.length > MAX_ITEMS) best.pop();
      }
      this.cached = best.map((paper) => ({ key: paper.key, score: 0, paper }));
    }
    return this.cached;
  }
}

/** Newer year first, then key order. */
function newer(a: Paper, b: Paper): boolean {
  const ya = a.year || '0';
  const yb = b.year || '0';
  return ya !== yb ? ya > yb : a.key < b.key;
}

/** Longest title in a list row (the row is one line; the details pane has the rest). */
const MAX_ROW_TITLE = 160;

/** "Surname et al. (Year) — Title", as a reader names a paper; invisible characters shown as marks. */
export function paperSummary(paper: Paper): string {
  const who = formatAuthorsShort(paper.authors, paper.etAl) || formatAuthorsShort(paper.editors, false) || 'Anonymous';
  const title = paper.title.replace(/\s+/g, ' ').trim();
  const shortTitle = title.length > MAX_ROW_TITLE ? title.slice(0, MAX_ROW_TITLE - 1) + '…' : title;
  return visibleMarks(`${who}${paper.year ? ` (${paper.year})` : ''}${shortTitle ? ` — ${shortTitle}` : ''}`);
}

function completionItem(paper: Paper, rank: number, typed: string, inserting: vscode.Range, replacing: vscode.Range, document: vscode.TextDocument): vscode.CompletionItem {
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

const papersOfItems = new WeakMap<vscode.CompletionItem, { paper: Paper; document: vscode.TextDocument }>();
