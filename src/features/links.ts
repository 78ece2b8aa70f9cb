/**
 * Document links on the collections a document names: `\bibliography{a,b}`,
 * `\addbibresource{refs.bib}` and YAML `bibliography:` values, resolved relative to the
 * document as the collections service resolves them.
 */
import * as vscode from 'vscode';
import { bibReferences } from '../core/bibrefs';
import { folderOf, resolveRelative } from '../vscode/paths';
import { CITING_DOCUMENTS, CiteLensContext, syntaxOf } from '../vscode/context';

export function registerLinks(ctx: CiteLensContext): void {
  ctx.own(
    vscode.languages.registerDocumentLinkProvider(CITING_DOCUMENTS, {
      provideDocumentLinks(document) {
        const syntax = syntaxOf(document);
        // An untitled document has no folder to resolve against.
        if (!syntax || document.uri.scheme === 'untitled') return [];
        const links: vscode.DocumentLink[] = [];
        for (const ref of bibReferences(document.getText(), syntax)) {
          const target = resolveRelative(folderOf(document.uri), ref.path);
          if (!target) continue;
          const link = new vscode.DocumentLink(new vscode.Range(document.positionAt(ref.span.start), document.positionAt(ref.span.end)), target);
          link.tooltip = `Open ${vscode.workspace.asRelativePath(target)}`;
          links.push(link);
        }
        return links;
      },
    }),
  );
}
