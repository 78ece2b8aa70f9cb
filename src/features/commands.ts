/** Commands: open an entry at its line, show the output, re-index. */
import * as vscode from 'vscode';
import { WorkspaceCollections } from '../vscode/collections';
import { CiteLensContext } from '../vscode/context';
import { OPEN_ENTRY_COMMAND } from './paperMarkdown';

export function registerCommands(ctx: CiteLensContext, collections: WorkspaceCollections): void {
  ctx.own(
    vscode.commands.registerCommand(OPEN_ENTRY_COMMAND, async (file: unknown, line: unknown, column: unknown) => {
      // Arguments arrive from hover links: check them, open only a tracked collection.
      if (typeof file !== 'string' || !collections.isTracked(file)) return;
      const l = typeof line === 'number' && line >= 0 ? line : 0;
      const c = typeof column === 'number' && column >= 0 ? column : 0;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(file));
      const pos = new vscode.Position(l, c);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
    }),
  );
  ctx.own(vscode.commands.registerCommand('citelens.showOutput', () => ctx.output.show()));
  ctx.own(vscode.commands.registerCommand('citelens.reindex', () => collections.rescan()));
}
