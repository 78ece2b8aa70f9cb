/**
 * Find all references of a citation key, from a citation or from the entry's key in a
 * collection: every citing document of the workspace, open or not (`.tex`, `.md`, `.qmd`,
 * `.Rmd`), `crossref`/`xdata` uses in collections, and the declaration on request.
 * Citations of an `ids` alias count as references of its entry.
 */
import * as vscode from 'vscode';
import { CitingDocuments } from '../vscode/citingDocuments';
import { WorkspaceCollections } from '../vscode/collections';
import { CITING_DOCUMENTS, CiteLensContext } from '../vscode/context';
import { keyLocation, toRange } from '../vscode/locations';
import { COLLECTION_DOCUMENTS } from './definition';

export interface KeyOccurrences {
  /** Citations of the key itself. */
  citations: vscode.Location[];
  /** Citations through an `ids` alias (not renamed with the key). */
  aliasCitations: vscode.Location[];
  /** Keys in `crossref`/`xdata` values. */
  parentReferences: vscode.Location[];
  /** Where the key is defined (more than one for a duplicate). */
  declarations: vscode.Location[];
}

export async function findOccurrences(collections: WorkspaceCollections, documents: CitingDocuments, key: string, token?: vscode.CancellationToken): Promise<KeyOccurrences> {
  const info = await collections.catalog.call('keyInfo', key);
  const aliases = new Set(info.aliases);
  const out: KeyOccurrences = { citations: [], aliasCitations: [], parentReferences: [], declarations: [] };
  for (const doc of await documents.all(token)) {
    for (const c of doc.scan.citations) {
      if (c.key === key) out.citations.push(new vscode.Location(doc.uri, documents.range(doc, c.start, c.end)));
      else if (aliases.has(c.key)) out.aliasCitations.push(new vscode.Location(doc.uri, documents.range(doc, c.start, c.end)));
    }
  }
  for (const ref of info.parentReferences) out.parentReferences.push(new vscode.Location(vscode.Uri.parse(ref.file), toRange(ref.range)));
  for (const at of info.declarations) out.declarations.push(keyLocation(at));
  return out;
}

export function registerReferences(ctx: CiteLensContext, collections: WorkspaceCollections, documents: CitingDocuments): void {
  const provider: vscode.ReferenceProvider = {
    async provideReferences(document, position, context, token) {
      const target = await documents.keyAt(document, position);
      if (!target) return undefined;
      if (!collections.isReady) await collections.whenReady();
      const key = (await collections.catalog.call('keyInfo', target.found.key)).canonical;
      const found = await findOccurrences(collections, documents, key, token);
      return [...(context.includeDeclaration ? found.declarations : []), ...found.citations, ...found.aliasCitations, ...found.parentReferences];
    },
  };
  ctx.own(vscode.languages.registerReferenceProvider([...(CITING_DOCUMENTS as vscode.DocumentFilter[]), ...(COLLECTION_DOCUMENTS as vscode.DocumentFilter[])], provider));
}
