/**
 * Go to definition (and peek) from a cited key to its entry's key in the `.bib`/CSL-JSON file;
 * an `ids` alias goes to its entry, a duplicate key to every definition, a key cited in
 * another case to the entry BibTeX would use. In a collection, from a `crossref`/`xdata`
 * value to the parent entry. In Typst, a reference to a label (`@intro`) goes to `<intro>`.
 */
import * as vscode from 'vscode';
import { Entry } from '../core/model';
import { Library } from '../core/library';
import { CitingDocuments } from '../vscode/citingDocuments';
import { WorkspaceCollections } from '../vscode/collections';
import { CITING_DOCUMENTS, CiteLensContext, syntaxOf } from '../vscode/context';
import { scanTypstSites } from '../core/typst';

export const COLLECTION_DOCUMENTS: vscode.DocumentSelector = [{ language: 'bibtex' }, { pattern: '**/*.{bib,bibtex,biblatex}' }, { language: 'json', pattern: '**/*.json' }, { pattern: '**/*.{yml,yaml}' }];

/** Where an entry's key is written. */
export function entryKeyLocation(library: Library, entry: Entry): vscode.Location | undefined {
  const result = library.fileResult(entry.file);
  if (!result) return undefined;
  const s = result.lineIndex.positionAt(entry.keySpan.start);
  const e = result.lineIndex.positionAt(entry.keySpan.end);
  return new vscode.Location(vscode.Uri.parse(entry.file), new vscode.Range(s.line, s.column, e.line, e.column));
}

/** The entries a key stands for: its definitions, else the entry it is an alias of, else the same key in another case. */
export function definitionsOf(library: Library, key: string): Entry[] {
  const own = library.definitions(key);
  if (own.length) return own;
  const target = library.aliasTarget(key);
  if (target !== undefined) return library.definitions(target);
  return library.keysIgnoringCase(key).flatMap((k) => library.definitions(k));
}

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
      const target = documents.keyAt(document, position);
      if (!target || (target.where === 'collection' && target.found.kind === 'entry')) return undefined;
      if (!collections.isReady) await collections.whenReady();
      const links: vscode.LocationLink[] = [];
      for (const entry of definitionsOf(collections.library, target.found.key)) {
        const loc = entryKeyLocation(collections.library, entry);
        if (!loc) continue;
        const result = collections.library.fileResult(entry.file)!;
        const s = result.lineIndex.positionAt(entry.span.start);
        const e = result.lineIndex.positionAt(entry.span.end);
        links.push({ originSelectionRange: target.range, targetUri: loc.uri, targetRange: new vscode.Range(s.line, s.column, e.line, e.column), targetSelectionRange: loc.range });
      }
      if (!links.length && target.where === 'citation' && syntaxOf(document) === 'typst') links.push(...(await typstLabelDefinitions(documents, document, target.found.key, target.range)));
      return links;
    },
  };
  ctx.own(vscode.languages.registerDefinitionProvider([...(CITING_DOCUMENTS as vscode.DocumentFilter[]), ...(COLLECTION_DOCUMENTS as vscode.DocumentFilter[])], provider));
}
