/**
 * Find all references of a citation key, from a citation or from the entry's key in a
 * collection: every citing document of the workspace, open or not (`.tex`, `.md`, `.qmd`,
 * `.Rmd`), `crossref`/`xdata` uses in collections, and the declaration on request.
 * Citations of an `ids` alias count as references of its entry.
 */
import * as vscode from 'vscode';
import { Library } from '../core/library';
import { CitingDocuments } from '../vscode/citingDocuments';
import { WorkspaceCollections } from '../vscode/collections';
import { CITING_DOCUMENTS, CiteLensContext } from '../vscode/context';
import { COLLECTION_DOCUMENTS, entryKeyLocation } from './definition';

/** The entry key a cited key stands for (itself, or the entry an `ids` alias belongs to). */
export function canonicalKey(library: Library, key: string): string {
  if (library.definitions(key).length) return key;
  return library.aliasTarget(key) ?? key;
}

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
  const library = collections.library;
  const out: KeyOccurrences = { citations: [], aliasCitations: [], parentReferences: [], declarations: [] };
  for (const doc of await documents.all(token)) {
    for (const c of doc.scan.citations) {
      if (c.key === key) out.citations.push(new vscode.Location(doc.uri, documents.range(doc, c.start, c.end)));
      else if (!library.definitions(c.key).length && library.aliasTarget(c.key) === key) out.aliasCitations.push(new vscode.Location(doc.uri, documents.range(doc, c.start, c.end)));
    }
  }
  for (const ref of library.referencesTo(key)) {
    const result = library.fileResult(ref.file);
    if (!result) continue;
    const s = result.lineIndex.positionAt(ref.span.start);
    const e = result.lineIndex.positionAt(ref.span.end);
    out.parentReferences.push(new vscode.Location(vscode.Uri.parse(ref.file), new vscode.Range(s.line, s.column, e.line, e.column)));
  }
  for (const entry of library.definitions(key)) {
    const loc = entryKeyLocation(library, entry);
    if (loc) out.declarations.push(loc);
  }
  return out;
}

export function registerReferences(ctx: CiteLensContext, collections: WorkspaceCollections, documents: CitingDocuments): void {
  const provider: vscode.ReferenceProvider = {
    async provideReferences(document, position, context, token) {
      const target = documents.keyAt(document, position);
      if (!target) return undefined;
      if (!collections.isReady) await collections.whenReady();
      const key = canonicalKey(collections.library, target.found.key);
      const found = await findOccurrences(collections, documents, key, token);
      return [...(context.includeDeclaration ? found.declarations : []), ...found.citations, ...found.aliasCitations, ...found.parentReferences];
    },
  };
  ctx.own(vscode.languages.registerReferenceProvider([...(CITING_DOCUMENTS as vscode.DocumentFilter[]), ...(COLLECTION_DOCUMENTS as vscode.DocumentFilter[])], provider));
}
