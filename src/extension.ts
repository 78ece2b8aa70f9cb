/** Composes CiteLens's features; each registers its own disposables on the context. */
import * as vscode from 'vscode';
import { registerCommands } from './features/commands';
import { registerFormattedReferences } from './features/formattedReferences';
import { completionProviderMs, registerCompletion } from './features/completion';
import { hoverProviderMs, registerHover } from './features/hover';
import { CitationTarget, registerInsertCitation } from './features/insertCitation';
import { LibraryService, registerLibrary } from './features/library';
import { registerStatusBar } from './features/statusBar';
import { registerCodeActions } from './features/codeActions';
import { registerDefinition } from './features/definition';
import { registerDocumentDiagnostics } from './features/documentDiagnostics';
import { registerLinks } from './features/links';
import { registerReferences } from './features/references';
import { registerRename } from './features/rename';
import { registerSymbols } from './features/symbols';
import { CitingDocuments } from './vscode/citingDocuments';
import { WorkspaceCollections } from './vscode/collections';
import { CiteLensContext } from './vscode/context';
import { ReferenceStyles } from './vscode/referenceStyles';
import { createCatalog } from './vscode/catalogConnection';

export interface CiteLensApi {
  /** The live collections service (for tests and other extensions). */
  collections: WorkspaceCollections;
  /** The library webviews' service (for tests). */
  library: LibraryService;
  /** When `activate` started and ended (Date.now()), and the last hovers' and completions' provider times (ms), for the benchmark. */
  timings: { activateStart: number; activateEnd: number; hoverProviderMs: readonly number[]; completionProviderMs: readonly number[] };
}

export function activate(context: vscode.ExtensionContext): CiteLensApi {
  const activateStart = Date.now();
  const ctx = new CiteLensContext(context);
  context.subscriptions.push(ctx);
  const collections = new WorkspaceCollections(ctx, createCatalog(context, (m) => ctx.log(m)));
  const styles = new ReferenceStyles(ctx, collections.catalog);
  registerCommands(ctx, collections);
  registerCompletion(ctx, collections, styles);
  registerHover(ctx, collections, styles);
  registerStatusBar(ctx, collections);
  const documents = new CitingDocuments(ctx, collections);
  registerDefinition(ctx, collections, documents);
  registerReferences(ctx, collections, documents);
  registerRename(ctx, collections, documents);
  registerDocumentDiagnostics(ctx, collections, documents);
  registerCodeActions(ctx, collections);
  registerLinks(ctx);
  registerSymbols(ctx, collections);
  const citationTarget = new CitationTarget(ctx);
  registerInsertCitation(ctx, collections, citationTarget);
  registerFormattedReferences(ctx, collections, styles);
  const library = registerLibrary(ctx, collections, citationTarget, styles);
  // Indexing starts after activation returns.
  collections.start();
  return { collections, library, timings: { activateStart, activateEnd: Date.now(), hoverProviderMs, completionProviderMs } };
}

export function deactivate(): void {}
