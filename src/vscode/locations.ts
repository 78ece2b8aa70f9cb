/** The catalog's places (lines and columns) as VS Code's ranges and locations. */
import * as vscode from 'vscode';
import type { EntryLocation, RangeView } from '../core/catalog';

export function toRange(r: RangeView): vscode.Range {
  return new vscode.Range(r.line, r.column, r.endLine, r.endColumn);
}

/** Where an entry's key is written. */
export function keyLocation(at: EntryLocation): vscode.Location {
  return new vscode.Location(vscode.Uri.parse(at.file), toRange(at.key));
}
