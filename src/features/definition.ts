/**
 * Go to definition (and peek) from a cited key to its entry's key in the `.bib`/CSL-JSON file;
 * an `ids` alias goes to its entry, a duplicate key to every definition, a key cited in
 * another case to the entry BibTeX would use. In a collection, from a `crossref`/`xdata`
 * value to the parent entry. In Typst, a reference to a label (`@intro`) goes to `<intro>`.
 */
import * as vscode from 'vscode';
import { CitingDocuments } from '../vscode/citingDocuments';
import { WorkspaceCollections } from '../vscode/collections';
import { CITING_DOCUMENTS, CiteLensContext, syntaxOf } from '../vscode/context';
import { toRange } from '../vscode/locations';
import { scanTypstSites } from '../core/typst';

export const COLLECTION_DOCUMENTS: vscode.DocumentSelector = [{ language: 'bibtex' }, { pattern: '**/*.{bib,bibtex,biblatex}' }, { language: 'json', pattern: '**/*.json' }, { pattern: '**/*.{yml,yaml}' }];

/** Typst: `@intro` that no collection has goes to `<intro>` in a file of the same project. */
async function typstLabelDefinitions(documents: CitingDocuments, document: vscode.TextDocument, key: string, origin: vscode.Range): Promise<vscode.LocationLink[]> {
  const scanned = documents.ofDocument(document);
  if (!scanned) return [];
  const links: vscode.LocationLink[] = [];
  for (const file of await documents.typstProject(scanned)) {
    const at = scanTypstSites(file.text).labels.get(key);
    if (at === undefined) continue;
    const range = documents.range(file, at, at + key.length);
    links.push({ originSelectionRange: origin, targetUri: file.uri, targetRange: range, targetSelectionRange: range });
  }
  return links;
}

export function registerDefinition(ctx: CiteLensContext, collections: WorkspaceCollections, documents: CitingDocuments): void {
  const provider: vscode.DefinitionProvider = {
    async provideDefinition(document, position) {
      const target = await documents.keyAt(document, position);
      if (!target || (target.where === 'collection' && target.found.kind === 'entry')) return undefined;
      if (!collections.isReady) await collections.whenReady();
      const links: vscode.LocationLink[] = [];
      // Its definitions, else its alias's entry, else the same key in another case.
      for (const at of (await collections.catalog.call('keyInfo', target.found.key)).targets) {
        links.push({ originSelectionRange: target.range, targetUri: vscode.Uri.parse(at.file), targetRange: toRange(at.entry), targetSelectionRange: toRange(at.key) });
      }
      if (!links.length && target.where === 'citation' && syntaxOf(document) === 'typst') links.push(...(await typstLabelDefinitions(documents, document, target.found.key, target.range)));
      return links;
    },
  };
  ctx.own(vscode.languages.registerDefinitionProvider([...(CITING_DOCUMENTS as vscode.DocumentFilter[]), ...(COLLECTION_DOCUMENTS as vscode.DocumentFilter[])], provider));
}
