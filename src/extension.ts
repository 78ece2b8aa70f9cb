// Placeholder until the extension features land; composes nothing yet.
import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  /* features are composed here */
}

export function deactivate(): void {}
