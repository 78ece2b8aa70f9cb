/**
 * Rename a citation key (F2) from a citation or from the entry's key: one WorkspaceEdit that
 * changes the entry's key (every definition of a duplicate), every citation in the workspace's
 * citing documents, open or not, and every `crossref`/`xdata` reference. VS Code applies it,
 * so it is one undoable step; CiteLens writes nothing itself. A new key that exists (in any
 * case) or is not a valid key is refused with the reason.
 */
import * as vscode from 'vscode';
import { decodeCollection } from '../core/encoding';
import { LineIndex } from '../core/model';
import { invalidKeyReason, isBarePandocKey } from '../core/navigation';
import { syntaxOfPath } from '../core/citations';
import { DocumentSyntax } from '../core/citeContext';
import { typstRenameEdit } from '../core/typst';
import { isHayagrivaFile } from '../core/collection';
import { hayagrivaKeyText } from '../core/hayagriva';
import { CitingDocuments, KeyTarget } from '../vscode/citingDocuments';
import { WorkspaceCollections } from '../vscode/collections';
import { CITING_DOCUMENTS, CiteLensContext, syntaxOf } from '../vscode/context';
import { COLLECTION_DOCUMENTS } from './definition';
import { findOccurrences } from './references';

export function registerRename(ctx: CiteLensContext, collections: WorkspaceCollections, documents: CitingDocuments): void {
  const renamable = async (document: vscode.TextDocument, position: vscode.Position): Promise<KeyTarget | undefined> => {
    const target = await documents.keyAt(document, position);
    if (!target) {
      // Not ours to judge in files that are neither citing documents nor collections.
      if (!syntaxOf(document) && !collections.isTracked(document.uri.toString())) return undefined;
      throw new Error('Put the cursor on a citation key (in a citation, or on the key of an entry) to rename it.');
    }
    if (!collections.isReady) await collections.whenReady();
    const key = target.found.key;
    const info = await collections.catalog.call('keyInfo', key);
    if (info.defined) return target;
    const aliasOf = info.aliasOf;
    if (aliasOf !== undefined) throw new Error(`'${key}' is an alias (ids) of '${aliasOf}'; rename '${aliasOf}' at its entry, or edit its ids field.`);
    throw new Error(`No entry has the key '${key}', so there is nothing to rename.`);
  };

  const provider: vscode.RenameProvider = {
    async prepareRename(document, position) {
      const target = await renamable(document, position);
      if (!target) return undefined;
      return { range: target.range, placeholder: target.found.key };
    },

    async provideRenameEdits(document, position, newName, token) {
      const target = await renamable(document, position);
      if (!target) return undefined;
      const key = target.found.key;
      const edit = new vscode.WorkspaceEdit();
      if (newName === key) return edit;
      const invalid = invalidKeyReason(newName);
      if (invalid) throw new Error(invalid);
      const taken = await collections.catalog.call('keyInfo', newName);
      const existing = taken.defined || taken.aliasOf !== undefined ? [newName] : taken.otherCase.filter((k) => k !== key);
      if (existing.length) {
        const at = taken.targets[0];
        const where = at ? ` (${vscode.workspace.asRelativePath(vscode.Uri.parse(at.file))}:${at.entry.line + 1})` : '';
        throw new Error(
          existing[0] === newName
            ? `An entry with the key '${newName}' already exists${where}; choose another key.`
            : `The key '${existing[0]}' already exists${where}; keys that differ only in case would clash. Choose another key.`,
        );
      }
      const found = await findOccurrences(collections, documents, key, token);
      if (token.isCancellationRequested) return undefined;
      if (!isBarePandocKey(newName) && found.citations.some((l) => (syntaxOfOpen(l.uri) ?? syntaxOfPath(l.uri.path)) === 'markdown')) {
        throw new Error(`'${newName}' cannot be written as a Pandoc citation (@${newName}), and Markdown documents cite '${key}'. Use letters, digits and _ (internal : . # $ % & - + ? < > ~ / allowed).`);
      }
      // Collection positions come from the last read: refuse if the file changed since.
      await assertUnchanged([...found.declarations, ...found.parentReferences], key);
      for (const loc of found.parentReferences) edit.replace(loc.uri, loc.range, newName);
      for (const loc of found.declarations) {
        if (!isHayagrivaFile(loc.uri.path)) {
          edit.replace(loc.uri, loc.range, newName);
          continue;
        }
        // A YAML key: quoted as it was, or quoted now if YAML would read the new key otherwise.
        const doc = await vscode.workspace.openTextDocument(loc.uri);
        const quote = loc.range.start.character > 0 ? doc.getText(new vscode.Range(loc.range.start.translate(0, -1), loc.range.start)) : '';
        edit.replace(loc.uri, loc.range, hayagrivaKeyText(newName, quote === '"' || quote === "'" ? quote : ''));
      }
      for (const loc of found.citations) {
        const typst = (syntaxOfOpen(loc.uri) ?? syntaxOfPath(loc.uri.path)) === 'typst' ? await documents.get(loc.uri, { trustCache: true }) : undefined;
        if (!typst) {
          edit.replace(loc.uri, loc.range, newName);
          continue;
        }
        // `@key` and `<key>` cannot hold every key: those become `label("…")` forms.
        const start = typst.lineIndex.offsetAt(loc.range.start.line, loc.range.start.character);
        const citation = typst.scan.citations.find((c) => c.start === start);
        if (!citation) continue;
        const change = typstRenameEdit(typst.text, citation, newName);
        edit.replace(loc.uri, documents.range(typst, change.start, change.end), change.text);
      }
      return edit;
    },
  };
  ctx.own(vscode.languages.registerRenameProvider([...(CITING_DOCUMENTS as vscode.DocumentFilter[]), ...(COLLECTION_DOCUMENTS as vscode.DocumentFilter[])], provider));
}

function syntaxOfOpen(uri: vscode.Uri): DocumentSyntax | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  return doc ? syntaxOf(doc) : undefined;
}

async function assertUnchanged(locations: vscode.Location[], key: string): Promise<void> {
  const texts = new Map<string, (range: vscode.Range) => string>();
  for (const loc of locations) {
    const id = loc.uri.toString();
    let read = texts.get(id);
    if (!read) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === id);
      if (open) read = (r) => open.getText(r);
      else {
        const text = decodeCollection(await vscode.workspace.fs.readFile(loc.uri)).text;
        const lines = new LineIndex(text);
        read = (r) => text.slice(lines.offsetAt(r.start.line, r.start.character), lines.offsetAt(r.end.line, r.end.character));
      }
      texts.set(id, read);
    }
    if (read(loc.range) !== key) {
      throw new Error(`${vscode.workspace.asRelativePath(loc.uri)} changed since CiteLens read it; try the rename again in a moment.`);
    }
  }
}
