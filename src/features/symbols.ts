/**
 * Symbols: the outline of a `.bib` or Hayagriva `.yml` file (one symbol per entry: its key, `@type — title`), and
 * workspace symbols (Ctrl+T) that find papers by key, title or author through the search index.
 */
import * as vscode from 'vscode';
import { isHayagrivaFile, parseCollection } from '../core/collection';
import { looksLikeHayagriva } from '../core/hayagriva';
import { latexToUnicode } from '../core/latex';
import { Entry } from '../core/model';
import { formatAuthorsShort } from '../core/names';
import { WorkspaceCollections } from '../vscode/collections';
import { CiteLensContext } from '../vscode/context';
import type { PaperView } from '../core/catalog';
import { keyLocation } from '../vscode/locations';

const WORKSPACE_LIMIT = 100;

export function registerSymbols(ctx: CiteLensContext, collections: WorkspaceCollections): void {
  let last: { uri: string; version: number; symbols: vscode.DocumentSymbol[] } | undefined;
  ctx.own(
    vscode.languages.registerDocumentSymbolProvider([{ language: 'bibtex' }, { pattern: '**/*.bib' }, { pattern: '**/*.{yml,yaml}' }], {
      provideDocumentSymbols(document) {
        const uri = document.uri.toString();
        // Other YAML files (CI workflows, configs) are not ours to outline.
        if (isHayagrivaFile(document.uri.path) && !collections.isTracked(uri) && !looksLikeHayagriva(document.getText())) return undefined;
        if (last && last.uri === uri && last.version === document.version) return last.symbols;
        // The document's own text, so the outline follows unsaved edits at once.
        const result = parseCollection(document.getText(), uri);
        const symbols: vscode.DocumentSymbol[] = [];
        for (const entry of result.entries) {
          if (!entry.key) continue;
          const range = rangeOf(result.lineIndex, entry.span.start, entry.span.end);
          const selection = rangeOf(result.lineIndex, entry.keySpan.start, entry.keySpan.end);
          const title = titleOf(entry);
          symbols.push(new vscode.DocumentSymbol(entry.key, title ? `@${entry.type} — ${title}` : `@${entry.type}`, vscode.SymbolKind.Class, range, selection));
        }
        last = { uri, version: document.version, symbols };
        return symbols;
      },
    }),
  );

  ctx.own(
    vscode.languages.registerWorkspaceSymbolProvider({
      async provideWorkspaceSymbols(query, token) {
        if (!query.trim()) return [];
        if (!collections.isReady) await collections.whenReady();
        if (token.isCancellationRequested) return [];
        const out: vscode.SymbolInformation[] = [];
        for (const p of await collections.catalog.call('search', query, WORKSPACE_LIMIT).catch((): PaperView[] => [])) {
          const location = keyLocation(p.location);
          const who = formatAuthorsShort(p.authors, p.etAl);
          // VS Code filters the list by the symbol's name: it carries the title and authors too.
          const name = [p.key, p.title, [who, p.year].filter(Boolean).join(' ')].filter(Boolean).join(' — ');
          out.push(new vscode.SymbolInformation(name, vscode.SymbolKind.Class, vscode.workspace.asRelativePath(location.uri), location));
        }
        return out;
      },
    }),
  );
}

function rangeOf(lines: { positionAt(o: number): { line: number; column: number } }, start: number, end: number): vscode.Range {
  const s = lines.positionAt(start);
  const e = lines.positionAt(end);
  return new vscode.Range(s.line, s.column, e.line, e.column);
}

function titleOf(entry: Entry): string {
  const f = entry.fields.title;
  if (!f) return '';
  const text = entry.format === 'bibtex' ? latexToUnicode(f.raw) : f.raw;
  return text.replace(/\s+/g, ' ').trim();
}
