/** Composes CiteLens's features; each registers its own disposables on the context. */
import * as vscode from 'vscode';
import { registerCommands } from './features/commands';
import { registerCompletion } from './features/completion';
import { registerHover } from './features/hover';
import { registerStatusBar } from './features/statusBar';
import { WorkspaceCollections } from './vscode/collections';
import { CiteLensContext } from './vscode/context';

export interface CiteLensApi {
  /** The live collections service (for tests and other extensions). */
  collections: WorkspaceCollections;
}

export function activate(context: vscode.ExtensionContext): CiteLensApi {
  const ctx = new CiteLensContext(context);
  context.subscriptions.push(ctx);
  const collections = new WorkspaceCollections(ctx);
  registerCommands(ctx, collections);
  registerCompletion(ctx, collections);
  registerHover(ctx, collections);
  registerStatusBar(ctx, collections);
  // Indexing starts after activation returns.
  collections.start();
  return { collections };
}

export function deactivate(): void {}
