/**
 * The workspace's citing documents (`.tex`, `.md`, `.qmd`, `.Rmd`, `.typ`), open or not, and their
 * citation scans, for references, rename and diagnostics. Open documents are read from the
 * editor, the others through `vscode.workspace.fs` (desktop and web-worker hosts alike).
 * Scans are cached by URI and document version (open) or modification time and size (closed).
 * Also knows which LaTeX main files include a file (`\input`, `\include`, `\subfile`, …) and
 * which Typst files include one (`#include`).
 */
import * as vscode from 'vscode';
import { DocumentScan, scanDocument, syntaxOfPath } from '../core/citations';
import { binaryReason } from '../core/encoding';
import { LineIndex } from '../core/model';
import { declaredLatexRoot, isLatexMain } from '../core/navigation';
import type { CollectionKeyAt } from '../core/catalog';
import { citationKeyAt, DocumentSyntax, KeyAt } from '../core/citeContext';
import { WorkspaceCollections } from './collections';
import { citeCommandsOf, CiteLensContext, readSettings, syntaxOf } from './context';
import { folderOf, namedCollectionUris, resolveRelative } from './paths';

const CITING_GLOB = '**/*.{tex,md,qmd,Rmd,rmd,typ}';
/** Files read at once when scanning the workspace. */
const READ_BATCH = 16;

export interface ScannedDocument {
  uri: vscode.Uri;
  syntax: DocumentSyntax;
  text: string;
  scan: DocumentScan;
  lineIndex: LineIndex;
  /** `v<version>` of an open document, `<mtime>:<size>` of a file on disk. */
  version: string;
  /** LaTeX: the file has `\documentclass`. */
  isMain: boolean;
  /** LaTeX: `% !TEX root =` or the subfiles class option, as written. */
  declaredRoot?: string;
}

/** What is under the cursor: a cited key, or a key in a collection (entry key, crossref/xdata value). */
export type KeyTarget = { where: 'citation'; found: KeyAt; range: vscode.Range } | { where: 'collection'; found: CollectionKeyAt; range: vscode.Range; file: string };

export class CitingDocuments implements vscode.Disposable {
  private readonly cache = new Map<string, ScannedDocument>();
  private files: Promise<vscode.Uri[]> | undefined;
  /** Child URI → the main files that include it; rebuilt lazily. */
  private graph: Promise<Map<string, Set<string>>> | undefined;
  private readonly structureChanged = new vscode.EventEmitter<void>();
  /** Fires when the include structure or the named bibliographies of LaTeX files may have changed. */
  readonly onDidChangeStructure = this.structureChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    ctx: CiteLensContext,
    private readonly collections: WorkspaceCollections,
  ) {
    ctx.own(this);
    const watcher = vscode.workspace.createFileSystemWatcher(CITING_GLOB);
    this.disposables.push(watcher);
    const onDisk = (uri: vscode.Uri, listChanged: boolean) => {
      const key = uri.toString();
      const cached = this.cache.get(key);
      if (cached && !cached.version.startsWith('v')) this.cache.delete(key);
      if (listChanged) this.files = undefined;
      if (hasIncludes(syntaxOfPath(uri.path))) this.invalidateGraph();
    };
    watcher.onDidCreate((uri) => onDisk(uri, true));
    watcher.onDidDelete((uri) => onDisk(uri, true));
    watcher.onDidChange((uri) => onDisk(uri, false));
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        const cached = this.cache.get(doc.uri.toString());
        if (cached?.version.startsWith('v')) this.cache.delete(doc.uri.toString());
        // Unsaved include changes are gone with the document.
        if (hasIncludes(cached?.syntax)) this.invalidateGraph();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.files = undefined;
        this.invalidateGraph();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('citelens.latex.citeCommands')) {
          this.files = undefined;
          this.cache.clear();
          this.invalidateGraph();
        }
      }),
    );
  }

  private invalidateGraph(): void {
    this.graph = undefined;
    this.structureChanged.fire();
  }

  /** Citing files of the workspace folders (minus `files.exclude` and `node_modules`) and every open citing document. */
  async list(): Promise<vscode.Uri[]> {
    this.files ??= findCitingFiles();
    const files = await this.files.catch(() => [] as vscode.Uri[]);
    const seen = new Set(files.map((u) => u.toString()));
    const out = files.slice();
    // Not the read-only views of other schemes (git:, output:, diff views…).
    const schemes = new Set(['file', 'untitled', ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.scheme)]);
    for (const doc of vscode.workspace.textDocuments) {
      if (!schemes.has(doc.uri.scheme) || !syntaxOf(doc) || seen.has(doc.uri.toString())) continue;
      seen.add(doc.uri.toString());
      out.push(doc.uri);
    }
    return out;
  }

  /** The scan of an open document (synchronous; cached per version). */
  ofDocument(doc: vscode.TextDocument): ScannedDocument | undefined {
    const syntax = syntaxOf(doc);
    if (!syntax) return undefined;
    const key = doc.uri.toString();
    const version = `v${doc.version}`;
    const cached = this.cache.get(key);
    if (cached && cached.version === version && cached.syntax === syntax) return cached;
    return this.store(this.build(doc.uri, syntax, doc.getText(), version), cached);
  }

  /** The current scan of a file: the open document's text if it is open, else the file on disk. */
  async get(uri: vscode.Uri, options: { trustCache?: boolean } = {}): Promise<ScannedDocument | undefined> {
    const key = uri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open) return this.ofDocument(open);
    const syntax = syntaxOfPath(uri.path);
    if (!syntax) return undefined;
    const cached = this.cache.get(key);
    // The watcher drops changed files, so callers that run often may skip the stat.
    if (cached && options.trustCache && !cached.version.startsWith('v')) return cached;
    let version: string;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory) return undefined;
      version = `${stat.mtime}:${stat.size}`;
      if (cached && cached.version === version) return cached;
      const bytes = await vscode.workspace.fs.readFile(uri);
      // A binary file named .tex/.md is no document (the CLI's `check` refuses it too).
      if (binaryReason(bytes)) {
        this.cache.delete(key);
        return undefined;
      }
      return this.store(this.build(uri, syntax, new TextDecoder('utf-8').decode(bytes), version), cached);
    } catch {
      this.cache.delete(key);
      return undefined;
    }
  }

  /** Scans of every citing document (reads only what changed since the last call). */
  async all(token?: vscode.CancellationToken): Promise<ScannedDocument[]> {
    const uris = await this.list();
    const out: ScannedDocument[] = [];
    for (let i = 0; i < uris.length; i += READ_BATCH) {
      if (token?.isCancellationRequested) break;
      const batch = await Promise.all(uris.slice(i, i + READ_BATCH).map((u) => this.get(u)));
      for (const s of batch) if (s) out.push(s);
    }
    return out;
  }

  private build(uri: vscode.Uri, syntax: DocumentSyntax, text: string, version: string): ScannedDocument {
    const scan = scanDocument(text, syntax, readSettings().citeCommands);
    const latex = syntax === 'latex';
    return { uri, syntax, text, scan, lineIndex: new LineIndex(text), version, isMain: latex && isLatexMain(text), declaredRoot: latex ? declaredLatexRoot(text) : undefined };
  }

  private store(scanned: ScannedDocument, old: ScannedDocument | undefined): ScannedDocument {
    this.cache.set(scanned.uri.toString(), scanned);
    if (!hasIncludes(scanned.syntax)) return scanned;
    // A file first read while the graph is built is part of it; a newly opened document may not be.
    const changed = old ? structureOf(old) !== structureOf(scanned) : scanned.version.startsWith('v') && (scanned.isMain || scanned.scan.includes.length > 0);
    if (changed) this.invalidateGraph();
    return scanned;
  }

  range(doc: ScannedDocument, start: number, end: number): vscode.Range {
    const s = doc.lineIndex.positionAt(start);
    const e = doc.lineIndex.positionAt(end);
    return new vscode.Range(s.line, s.column, e.line, e.column);
  }

  /** The collections a document names, resolved relative to it (what the collections service also reads). */
  namedCollections(doc: ScannedDocument): string[] {
    return namedCollectionUris(doc.uri, doc.scan.bibliographies).map((u) => u.toString());
  }

  /**
   * The collections a document's citations are checked against: the ones it names; for a
   * LaTeX file that names none, the ones its main files name. Only collections that were read
   * count; undefined when there are none (check against the whole library).
   */
  async scopeOf(doc: ScannedDocument): Promise<Set<string> | undefined> {
    const named = new Set(this.namedCollections(doc));
    if (named.size === 0 && hasIncludes(doc.syntax)) {
      for (const root of await this.mainFilesOf(doc)) {
        const scanned = await this.get(vscode.Uri.parse(root), { trustCache: true });
        if (scanned) for (const f of this.namedCollections(scanned)) named.add(f);
      }
    }
    const loaded = new Set(this.collections.status.files.map((f) => f.file));
    const scope = new Set([...named].filter((f) => loaded.has(f)));
    return scope.size ? scope : undefined;
  }

  /**
   * The main files (with `\documentclass`) that include this LaTeX file, directly or not; for a
   * Typst file, every file that includes it, directly or not.
   */
  async mainFilesOf(doc: ScannedDocument): Promise<string[]> {
    if (doc.declaredRoot) {
      const root = resolveRelative(folderOf(doc.uri), doc.declaredRoot);
      if (root && root.toString() !== doc.uri.toString()) return [root.toString()];
    }
    if (doc.isMain) return [];
    this.graph ??= this.buildGraph();
    const graph = await this.graph;
    return [...(graph.get(doc.uri.toString()) ?? [])];
  }

  private async buildGraph(): Promise<Map<string, Set<string>>> {
    const uris = (await this.list()).filter((u) => hasIncludes(syntaxOfPath(u.path)) || vscode.workspace.textDocuments.some((d) => d.uri.toString() === u.toString() && hasIncludes(syntaxOf(d))));
    const docs = new Map<string, ScannedDocument>();
    for (let i = 0; i < uris.length; i += READ_BATCH) {
      const batch = await Promise.all(uris.slice(i, i + READ_BATCH).map((u) => this.get(u, { trustCache: true })));
      for (const d of batch) if (d && hasIncludes(d.syntax)) docs.set(d.uri.toString(), d);
    }
    const graph = new Map<string, Set<string>>();
    for (const root of docs.values()) {
      // Any Typst file that includes others is a root (Typst has no marker of a main file).
      const isRoot = root.syntax === 'typst' ? root.scan.includes.length > 0 : root.isMain && !root.declaredRoot;
      if (!isRoot) continue;
      const base = folderOf(root.uri);
      const rootKey = root.uri.toString();
      const seen = new Set([rootKey]);
      const visit = (file: ScannedDocument, depth: number) => {
        if (depth > 32) return;
        for (const inc of file.scan.includes) {
          // LaTeX resolves \input relative to the main file's folder, falling back to the including
          // file's; Typst resolves relative to the including file.
          const candidates = root.syntax === 'typst' ? [resolveRelative(folderOf(file.uri), inc.path)] : [resolveRelative(base, inc.path), resolveRelative(folderOf(file.uri), inc.path)];
          const child = candidates.map((c) => c && docs.get(c.toString())).find((d) => d !== undefined);
          if (!child) continue;
          const key = child.uri.toString();
          if (seen.has(key)) continue;
          seen.add(key);
          let parents = graph.get(key);
          if (!parents) graph.set(key, (parents = new Set()));
          parents.add(rootKey);
          visit(child, depth + 1);
        }
      };
      visit(root, 0);
    }
    return graph;
  }

  /**
   * The labels a Typst document can refer to: its own, and those of the files of the same
   * compilation (the files that include it and everything they include).
   */
  async typstLabels(doc: ScannedDocument): Promise<Set<string>> {
    const labels = new Set<string>();
    for (const file of await this.typstProject(doc)) for (const l of file.scan.labels ?? []) labels.add(l);
    return labels;
  }

  /** The Typst files of the same compilation as `doc`: itself, the files that include it, and everything they include. */
  async typstProject(doc: ScannedDocument): Promise<ScannedDocument[]> {
    const out: ScannedDocument[] = [];
    const roots = [doc.uri.toString(), ...(await this.mainFilesOf(doc))];
    const seen = new Set<string>();
    const visit = async (uri: string, depth: number) => {
      if (seen.has(uri) || depth > 32) return;
      seen.add(uri);
      const scanned = uri === doc.uri.toString() ? doc : await this.get(vscode.Uri.parse(uri), { trustCache: true });
      if (!scanned || scanned.syntax !== 'typst') return;
      out.push(scanned);
      for (const inc of scanned.scan.includes) {
        const child = resolveRelative(folderOf(scanned.uri), inc.path);
        if (child) await visit(child.toString(), depth + 1);
      }
    };
    for (const r of roots) await visit(r, 0);
    return out;
  }

  /**
   * The key under the cursor: a citation in a LaTeX/Markdown/Typst document, or, in a collection
   * the library has read, an entry's key or a key in a `crossref`/`xdata` value.
   */
  async keyAt(document: vscode.TextDocument, position: vscode.Position): Promise<KeyTarget | undefined> {
    const syntax = syntaxOf(document);
    const offset = document.offsetAt(position);
    if (syntax) {
      const text = document.getText();
      const found = citationKeyAt(text, offset, syntax, citeCommandsOf(document, text));
      if (!found) return undefined;
      return { where: 'citation', found, range: new vscode.Range(document.positionAt(found.start), document.positionAt(found.end)) };
    }
    const file = document.uri.toString();
    if (!this.collections.isTracked(file)) return undefined;
    const found = await this.collections.catalog.call('keyAt', file, offset).catch(() => undefined);
    if (!found) return undefined;
    // The library may not have caught up with the last keystrokes: trust only what the text still says.
    const range = new vscode.Range(document.positionAt(found.start), document.positionAt(found.end));
    if (document.getText(range) !== found.key) return undefined;
    return { where: 'collection', found, range, file };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.structureChanged.dispose();
    this.cache.clear();
  }
}

/** Documents whose includes make a graph (LaTeX `\input`…, Typst `#include`). */
function hasIncludes(syntax: DocumentSyntax | undefined): boolean {
  return syntax === 'latex' || syntax === 'typst';
}

/** What of a LaTeX or Typst scan changes the include graph or scopes. */
function structureOf(d: ScannedDocument): string {
  return JSON.stringify([d.isMain, d.declaredRoot ?? '', d.scan.includes.map((i) => i.path), d.scan.bibliographies.map((b) => b.path)]);
}

async function findCitingFiles(): Promise<vscode.Uri[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  // An explicit exclude replaces `files.exclude`, so it is rebuilt here with node_modules added.
  const patterns = ['**/node_modules/**'];
  let simple = true;
  const excludes = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {};
  for (const [glob, on] of Object.entries(excludes)) {
    if (on !== true) continue;
    if (/[{},]/.test(glob)) simple = false;
    patterns.push(glob);
  }
  const found = simple ? await vscode.workspace.findFiles(CITING_GLOB, `{${patterns.join(',')}}`) : await vscode.workspace.findFiles(CITING_GLOB, undefined);
  return found.filter((u) => !/\/node_modules\//.test(u.path));
}
