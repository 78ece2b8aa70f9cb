/** Paths written in documents and settings, resolved the same way in every feature and host. */
import * as vscode from 'vscode';

/** A document-relative or absolute path as a URI; undefined for `~` paths (no home folder in the web host). */
export function resolveRelative(base: vscode.Uri, path: string): vscode.Uri | undefined {
  if (/^[a-zA-Z][\w+.-]*:\/\//.test(path)) return vscode.Uri.parse(path);
  if (path.startsWith('/')) return base.with({ path });
  if (/^[a-zA-Z]:[\\/]/.test(path)) return vscode.Uri.file(path);
  if (path.startsWith('~')) return undefined;
  return vscode.Uri.joinPath(base, path);
}

/** The folder holding a file (documents name collections relative to it). */
export function folderOf(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, '..');
}
