/** "N papers" in the status bar; its tooltip lists the collections. */
import * as vscode from 'vscode';
import { WorkspaceCollections } from '../vscode/collections';
import { CiteLensContext } from '../vscode/context';
import { escapeMarkdown } from './paperMarkdown';

export function registerStatusBar(ctx: CiteLensContext, collections: WorkspaceCollections): void {
  const item = ctx.own(vscode.window.createStatusBarItem('citelens.papers', vscode.StatusBarAlignment.Right, 100));
  item.name = 'CiteLens papers';
  item.command = 'citelens.showOutput';
  item.text = '$(loading~spin) CiteLens';
  item.tooltip = 'CiteLens is reading the workspace\'s collections…';
  item.show();
  const update = () => {
    const files = collections.summary();
    const n = collections.status.papers;
    item.text = `$(book) ${n.toLocaleString('en-US')} paper${n === 1 ? '' : 's'}`;
    const md = new vscode.MarkdownString();
    if (files.length === 0) md.appendMarkdown(escapeMarkdown('No collections found: add a .bib file to the workspace, or name one with \\bibliography{…}, a YAML bibliography: line or a Typst #bibliography(…).'));
    for (const f of files) {
      md.appendMarkdown(escapeMarkdown(`${vscode.workspace.asRelativePath(f.uri)}: ${f.entries.toLocaleString('en-US')} entries${f.encoding === 'UTF-8' ? '' : ` (${f.encoding})`}`));
      md.appendMarkdown('\n\n');
    }
    item.tooltip = md;
  };
  ctx.own(collections.onDidChange(update));
  void collections.whenReady().then(update);
}
