/**
 * Problems of citations in open LaTeX, Markdown and Typst documents: keys no entry has, and keys
 * whose case differs from the entry's. A document is checked against the collections it names
 * (for a LaTeX file included from a main file, the main file's), else the whole library.
 * Updated as you type (debounced) and when the library or the include structure changes.
 */
import * as vscode from 'vscode';
import { citationProblems, CitationProblem } from '../core/navigation';
import { CitingDocuments } from '../vscode/citingDocuments';
import { WorkspaceCollections } from '../vscode/collections';
import { CiteLensContext, syntaxOf } from '../vscode/context';
import { readDiagnosticSettings, toSeverity } from '../vscode/diagnosticSettings';

const TYPING_DELAY_MS = 300;
export const UNDEFINED_KEY = 'undefined-key';
export const CASE_MISMATCH = 'case-mismatch';

export function registerDocumentDiagnostics(ctx: CiteLensContext, collections: WorkspaceCollections, documents: CitingDocuments): void {
  const diagnostics = ctx.own(vscode.languages.createDiagnosticCollection('citelens-citations'));
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Bumped per document so a slow check never overwrites a newer one. */
  const generations = new Map<string, number>();
  let disposed = false;
  ctx.own({
    dispose() {
      disposed = true;
      for (const t of timers.values()) clearTimeout(t);
    },
  });

  const check = async (doc: vscode.TextDocument): Promise<void> => {
    const id = doc.uri.toString();
    const generation = (generations.get(id) ?? 0) + 1;
    generations.set(id, generation);
    if (!collections.isReady) await collections.whenReady();
    if (disposed || doc.isClosed) return;
    const scanned = documents.ofDocument(doc);
    if (!scanned) {
      diagnostics.delete(doc.uri);
      return;
    }
    const settings = readDiagnosticSettings(doc.uri);
    if (settings.undefinedKeys === 'off' && settings.caseMismatch === 'off') {
      diagnostics.delete(doc.uri);
      return;
    }
    const scope = await documents.scopeOf(scanned);
    if (disposed || doc.isClosed || generations.get(id) !== generation) return;
    let citations = scanned.scan.citations;
    const verdicts = await collections.catalog.call('judge', [...new Set(citations.map((c) => c.key))], scope ? [...scope] : null).catch(() => undefined);
    if (!verdicts || disposed || doc.isClosed || generations.get(id) !== generation) return;
    const known = (key: string) => verdicts[key]?.knownInAnyCase ?? false;
    // Nothing to check against; and plain Markdown's in-text `@name` is not a citation unless the document uses a bibliography.
    if (!scope && collections.status.papers === 0) citations = [];
    if (!scope && scanned.syntax === 'markdown') citations = citations.filter((c) => c.command !== '@' || known(c.key));
    if (scanned.syntax === 'typst') {
      // Typst decides by the bibliography: a key no collection has but a label of the
      // document is a reference (`@intro`); without a bibliography every `@name` is one.
      const labels = await documents.typstLabels(scanned);
      if (disposed || doc.isClosed || generations.get(id) !== generation) return;
      const isReference = (c: { command: string; key: string }) => (c.command === '@' || c.command === 'ref') && (!scope || labels.has(c.key));
      citations = citations.filter((c) => known(c.key) || (!labels.has(c.key) && !isReference(c)));
    }
    const names = scope ? [...scope].map((f) => label(f)).join(', ') : '';
    const out: vscode.Diagnostic[] = [];
    for (const p of citationProblems(citations, verdicts)) {
      const setting = p.kind === 'undefined-key' ? settings.undefinedKeys : settings.caseMismatch;
      if (setting === 'off') continue;
      const d = new vscode.Diagnostic(documents.range(scanned, p.start, p.end), message(p, names), toSeverity(setting));
      d.source = 'CiteLens';
      d.code = p.kind;
      out.push(d);
    }
    diagnostics.set(doc.uri, out);
  };

  const schedule = (doc: vscode.TextDocument, delay = TYPING_DELAY_MS) => {
    if (!syntaxOf(doc)) return;
    const id = doc.uri.toString();
    const old = timers.get(id);
    if (old) clearTimeout(old);
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id);
        if (!disposed) check(doc).catch((e) => ctx.log(`Checking citations of ${label(id)} failed: ${(e as Error).stack ?? e}`));
      }, delay),
    );
  };
  const scheduleAll = () => {
    for (const doc of vscode.workspace.textDocuments) schedule(doc);
  };

  ctx.own(vscode.workspace.onDidOpenTextDocument((doc) => schedule(doc, 0)));
  ctx.own(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && schedule(e.document)));
  ctx.own(
    vscode.workspace.onDidCloseTextDocument((doc) => {
      const id = doc.uri.toString();
      clearTimeout(timers.get(id));
      timers.delete(id);
      generations.delete(id);
      diagnostics.delete(doc.uri);
    }),
  );
  ctx.own(collections.onDidChange(scheduleAll));
  ctx.own(documents.onDidChangeStructure(scheduleAll));
  ctx.own(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('citelens.diagnostics')) collections.publishDiagnostics();
      if (e.affectsConfiguration('citelens.diagnostics') || e.affectsConfiguration('citelens.latex.citeCommands')) scheduleAll();
    }),
  );
  for (const doc of vscode.workspace.textDocuments) schedule(doc, 0);
}

function label(uri: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(uri));
}

function message(p: CitationProblem, scopeNames: string): string {
  if (p.kind === 'case-mismatch') {
    const spellings = p.spellings.map((s) => `'${s}'`).join(' or ');
    return `'${p.key}' differs in case from the entry's key ${spellings}; use ${spellings}.`;
  }
  if (!scopeNames) return `No entry has the key '${p.key}' in the workspace's collections.`;
  if (p.definedIn.length) return `No entry has the key '${p.key}' in ${scopeNames} (the collections this document uses); it is defined in ${p.definedIn.map(label).join(', ')}.`;
  return `No entry has the key '${p.key}' in ${scopeNames}.`;
}
