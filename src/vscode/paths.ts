/** Paths written in documents and settings, resolved the same way in every feature and host. */
import * as vscode from 'vscode';
import { BibReference } from '../core/bibrefs';
import { isCollectionFile } from '../core/collection';

/**
 * A document-relative or absolute path as a URI; undefined for `~` paths (no home folder in
 * the web host) and for URIs of another scheme than the document's: a document must not be
 * able to name `vscode://…` or `command:`-like targets that a click would hand to a handler.
 */
export function resolveRelative(base: vscode.Uri, path: string): vscode.Uri | undefined {
  if (/^[a-zA-Z][\w+.-]*:\/\//.test(path)) {
    const uri = vscode.Uri.parse(path);
    return uri.scheme === base.scheme ? uri : undefined;
  }
  if (path.startsWith('/')) return base.with({ path });
  if (/^[a-zA-Z]:[\\/]/.test(path)) return vscode.Uri.file(path);
  if (path.startsWith('~')) return undefined;
  return vscode.Uri.joinPath(base, path);
}

/** The folder holding a file (documents name collections relative to it). */
export function folderOf(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, '..');
}

/** The collections a document names (`\\bibliography`, YAML `bibliography:`), resolved relative to it. */
export function namedCollectionUris(document: vscode.Uri, refs: readonly BibReference[]): vscode.Uri[] {
  // An untitled document has no folder to resolve against.
  if (document.scheme === 'untitled') return [];
  const dir = folderOf(document);
  const out: vscode.Uri[] = [];
  for (const ref of refs) {
    if (!isCollectionFile(ref.path)) continue;
    const uri = resolveRelative(dir, ref.path);
    if (uri) out.push(uri);
  }
  return out;
}
