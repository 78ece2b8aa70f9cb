/** The paper behind a cited key, on hover, in LaTeX, Markdown and Typst: its reference in the document's style first. */
import * as vscode from 'vscode';
import { citationKeyAt } from '../core/citeContext';
import { WorkspaceCollections } from '../vscode/collections';
import { CITING_DOCUMENTS, citeCommandsOf, CiteLensContext, syntaxOf } from '../vscode/context';
import { ReferenceStyles } from '../vscode/referenceStyles';
import { escapeMarkdown, formattedOf, paperDocumentation } from './paperMarkdown';

/** How long the last hovers took in the provider (ms, formatting included), for the benchmark. */
export const hoverProviderMs: number[] = [];
const TIMINGS_KEPT = 1000;
/** After indexing, how long the host should have been left alone before the style is built. */
const WARM_DELAY_MS = 2000;

export function registerHover(ctx: CiteLensContext, collections: WorkspaceCollections, styles: ReferenceStyles): void {
  ctx.own(
    vscode.languages.registerHoverProvider(CITING_DOCUMENTS, {
      async provideHover(document, position) {
        const started = performance.now();
        try {
          return await hoverAt(document, position);
        } finally {
          if (hoverProviderMs.push(performance.now() - started) > TIMINGS_KEPT) hoverProviderMs.shift();
        }
      },
    }),
  );

  // The first hover would otherwise wait for citeproc to load and the style to be built
  // (a few hundred milliseconds for APA): build the style of the document being written once
  // indexing is done and the host is idle. No paper is formatted before it is shown.
  void collections.whenReady().then(() => {
    const timer = setTimeout(() => {
      const editor = vscode.window.activeTextEditor;
      if (editor && syntaxOf(editor.document)) styles.prepare(editor.document).catch(() => undefined);
    }, WARM_DELAY_MS);
    ctx.own({ dispose: () => clearTimeout(timer) });
  });

  async function hoverAt(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const syntax = syntaxOf(document);
    if (!syntax) return undefined;
    const text = document.getText();
    const found = citationKeyAt(text, document.offsetAt(position), syntax, citeCommandsOf(document, text));
    if (!found) return undefined;
    const range = new vscode.Range(document.positionAt(found.start), document.positionAt(found.end));
    const paper = await collections.catalog.call('paper', found.key).catch(() => undefined);
    if (!paper) {
      if (!collections.isReady) return undefined;
      // Typst: `@intro` may refer to a label (of this file or another of the project), not to
      // a paper; an undefined key is already a problem, which the hover shows.
      if (syntax === 'typst' && (found.command === '@' || found.command === 'ref')) return undefined;
      const md = new vscode.MarkdownString();
      md.appendMarkdown(escapeMarkdown(`No entry with the key "${found.key}" in the workspace's collections.`));
      return new vscode.Hover(md, range);
    }
    const fileLabel = vscode.workspace.asRelativePath(vscode.Uri.parse(paper.file));
    const formatted = await formattedOf(styles, paper, document, ctx);
    return new vscode.Hover(paperDocumentation(paper, { abstract: true, source: true, fileLabel, formatted, copyLink: true }), range);
  }
}
