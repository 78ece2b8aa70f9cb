/**
 * The library: a webview to browse the workspace's papers by author and topic, search and
 * insert citations, in the sidebar (view `citelens.library`) and as an editor panel
 * (`citelens.openLibrary`, restored after a reload by a serializer).
 *
 * The host passes the webview's typed requests (src/core/libraryProtocol.ts) to the catalog,
 * which answers with facets and pages of cards; the webview never receives the whole library. The webview
 * is locked down: a strict Content-Security-Policy with a nonce, scripts and styles only
 * from dist/ and media/, and every collection text rendered as text (src/webview/main.ts).
 */
import * as vscode from 'vscode';
import { FACET_KINDS, isNumber, isString, isStringArray, LibraryStatus, PAGE_SIZE, ToHost, ToWebview, validQuery } from '../core/libraryProtocol';
import { WorkspaceCollections } from '../vscode/collections';
import { CiteLensContext } from '../vscode/context';
import { ReferenceStyles } from '../vscode/referenceStyles';
import { CitationTarget } from './insertCitation';
import { writingDocument } from './formattedReferences';
import { COPY_REFERENCE_COMMAND, OPEN_ENTRY_COMMAND, formattedOf } from './paperMarkdown';

export const LIBRARY_VIEW = 'citelens.library';
export const LIBRARY_PANEL = 'citelens.libraryPanel';
export const OPEN_LIBRARY_COMMAND = 'citelens.openLibrary';
/** Coalesces bursts of collection changes (a save of each of several files). */
const CHANGE_DELAY_MS = 150;

/** The live webviews, for tests (through the extension's API) and change notices. */
export class LibraryService {
  private readonly webviews = new Set<LibraryWebview>();
  private panel: vscode.WebviewPanel | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ctx: CiteLensContext,
    readonly collections: WorkspaceCollections,
    readonly target: CitationTarget,
    readonly styles: ReferenceStyles,
  ) {
    ctx.own(
      collections.onDidChange(() => {
        clearTimeout(this.changeTimer);
        this.changeTimer = setTimeout(() => this.broadcast({ type: 'changed' }), CHANGE_DELAY_MS);
      }),
    );
    ctx.own({ dispose: () => clearTimeout(this.changeTimer) });
  }

  get extensionUri(): vscode.Uri {
    return this.ctx.extension.extensionUri;
  }

  status(): LibraryStatus {
    const s = this.collections.status;
    return { ready: this.collections.isReady, papers: s.papers, collections: s.files.length };
  }

  /** Takes over a webview (sidebar view or panel): sets its HTML and answers its messages. */
  attach(webview: vscode.Webview, owner: { onDidDispose: vscode.Event<void> }, columnOf?: () => vscode.ViewColumn | undefined): LibraryWebview {
    const lw = new LibraryWebview(this, webview, columnOf);
    this.webviews.add(lw);
    owner.onDidDispose(() => {
      this.webviews.delete(lw);
      lw.dispose();
    });
    return lw;
  }

  broadcast(message: ToWebview): void {
    for (const w of this.webviews) void w.post(message);
  }

  /** Opens the library as an editor panel (or reveals the open one). */
  openPanel(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    // Beside the document being written, so citations go into a visible editor.
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(LIBRARY_PANEL, 'CiteLens Library', column, webviewOptions(this.extensionUri));
    this.adoptPanel(panel);
    return panel;
  }

  adoptPanel(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'library.svg');
    panel.webview.options = webviewOptions(this.extensionUri);
    this.attach(panel.webview, panel, () => panel.viewColumn);
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
  }

  get openWebviews(): number {
    return this.webviews.size;
  }

  /** Wait for the first indexing before the first answer (an empty library is a real state too). */
  whenReady(): Promise<void> {
    return this.collections.whenReady();
  }

  log(message: string): void {
    this.ctx.log(message);
  }

  /** The keys among `keys` that the catalog has. */
  async knownKeys(keys: readonly string[]): Promise<string[]> {
    const papers = await this.collections.catalog.call('papers', [...keys]);
    return keys.filter((_, i) => papers[i] !== undefined);
  }

  /** A paper's reference in the style of the document being written (else the setting's). */
  async formatted(key: string): Promise<Extract<ToWebview, { type: 'reference' }> | undefined> {
    const paper = await this.collections.catalog.call('paper', key);
    if (!paper) return undefined;
    const formatted = await formattedOf(this.styles, paper, writingDocument(), this.ctx);
    if (!formatted) return undefined;
    const label = formatted.reference.label;
    return { type: 'reference', key, style: formatted.style, spans: label ? [{ text: label + ' ' }, ...formatted.reference.text] : formatted.reference.text };
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    // Only the bundled script and the stylesheet/icons may be loaded.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    retainContextWhenHidden: false,
    enableFindWidget: true,
  } as vscode.WebviewOptions & vscode.WebviewPanelOptions;
}

/** One webview showing the library: its HTML and its side of the protocol. */
export class LibraryWebview implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly service: LibraryService,
    readonly webview: vscode.Webview,
    /** The editor column of a panel (undefined for the sidebar view). */
    private readonly columnOf?: () => vscode.ViewColumn | undefined,
  ) {
    webview.options = webviewOptions(service.extensionUri);
    webview.html = html(webview, service.extensionUri);
    this.disposables.push(webview.onDidReceiveMessage((m) => this.receive(m)));
  }

  private get column(): vscode.ViewColumn | undefined {
    return this.columnOf?.();
  }

  post(message: ToWebview): Thenable<boolean> {
    return this.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const m = validMessage(raw);
    if (!m) return;
    try {
      await this.handle(m);
    } catch (e) {
      this.service.log(`Library: ${(e as Error).stack ?? e}`);
    }
  }

  private async handle(m: ToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return;
      case 'query': {
        if (!this.service.status().ready) await this.service.whenReady();
        const started = Date.now();
        const catalog = this.service.collections.catalog;
        const answer = await catalog.call('libraryQuery', m.query, clamp(m.limit, 1, PAGE_SIZE * 2));
        await this.post({ type: 'results', requestId: m.requestId, status: this.service.status(), ...answer });
        const ms = Date.now() - started;
        if (ms > 200) this.service.log(`Library query took ${ms} ms (${answer.total} papers).`);
        return;
      }
      case 'page': {
        const page = await this.service.collections.catalog.call('libraryPage', m.query, Math.max(0, Math.floor(m.offset)), clamp(m.limit, 1, PAGE_SIZE * 2));
        await this.post({ type: 'page', requestId: m.requestId, ...page });
        return;
      }
      case 'facetSearch': {
        const list = await this.service.collections.catalog.call('facetValues', m.query, m.kind, m.filter);
        await this.post({ type: 'facetValues', requestId: m.requestId, kind: m.kind, list });
        return;
      }
      case 'insert': {
        const keys = await this.service.knownKeys(m.keys);
        if (!keys.length) return;
        const result = await this.service.target.insert(keys);
        if (!result) await this.post({ type: 'notice', text: 'Open a LaTeX, Markdown or Typst document first: citations go to its cursor.' });
        else if (!result.inserted) await this.post({ type: 'notice', text: `Already cited there in ${result.file}.` });
        else await this.post({ type: 'notice', text: `Inserted ${keys.length === 1 ? keys[0] : `${keys.length} citations`} into ${result.file}.` });
        return;
      }
      case 'copyKeys': {
        const keys = await this.service.knownKeys(m.keys);
        if (!keys.length) return;
        await vscode.env.clipboard.writeText(keys.join(', '));
        await this.post({ type: 'notice', text: `Copied ${keys.join(', ')}.` });
        return;
      }
      case 'formatReference': {
        const reference = await this.service.formatted(m.key);
        if (reference) await this.post(reference);
        else await this.post({ type: 'notice', text: 'The reference could not be formatted (see CiteLens: Show Output).' });
        return;
      }
      case 'copyReferences': {
        const keys = await this.service.knownKeys(m.keys);
        if (!keys.length) return;
        const copied = await vscode.commands.executeCommand<{ style: string } | undefined>(COPY_REFERENCE_COMMAND, keys);
        if (copied) await this.post({ type: 'notice', text: `Copied ${keys.length === 1 ? `the reference of ${keys[0]}` : `${keys.length} references`} (${copied.style}).` });
        return;
      }
      case 'openEntry': {
        const paper = await this.service.collections.catalog.call('paper', m.key);
        if (!paper) return;
        const at = { file: paper.location.file, line: paper.location.key.line, column: paper.location.key.column };
        if (this.column === undefined) {
          await vscode.commands.executeCommand(OPEN_ENTRY_COMMAND, at.file, at.line, at.column);
          return;
        }
        // From the panel: in another editor group, so the library stays in view.
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(at.file));
        const pos = new vscode.Position(at.line, at.column);
        const column = this.column === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
        await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Range(pos, pos) });
        return;
      }
      case 'openLink': {
        // The link comes from the paper, not from the message, and only http(s) opens.
        const link = await this.service.collections.catalog.call('paperLink', m.key);
        if (link) await vscode.env.openExternal(vscode.Uri.parse(link, true));
        return;
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.floor(n)));
}

/** Messages come from a webview rendering untrusted text: accept only well-formed ones. */
function validMessage(raw: unknown): ToHost | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'query':
      return isNumber(m.requestId) && isNumber(m.limit) && validQuery(m.query) ? (m as ToHost) : undefined;
    case 'page':
      return isNumber(m.requestId) && isNumber(m.offset) && isNumber(m.limit) && validQuery(m.query) ? (m as ToHost) : undefined;
    case 'facetSearch':
      return isNumber(m.requestId) && validQuery(m.query) && (FACET_KINDS as readonly unknown[]).includes(m.kind) && isString(m.filter) ? (m as ToHost) : undefined;
    case 'insert':
    case 'copyKeys':
    case 'copyReferences':
      return isStringArray(m.keys) ? (m as ToHost) : undefined;
    case 'formatReference':
    case 'openEntry':
    case 'openLink':
      return isString(m.key) ? (m as ToHost) : undefined;
  }
  return undefined;
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => chars[b % chars.length]).join('');
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'library.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>CiteLens Library</title>
</head>
<body>
<div id="app" aria-busy="true"></div>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
}

export function registerLibrary(ctx: CiteLensContext, collections: WorkspaceCollections, target: CitationTarget, styles: ReferenceStyles): LibraryService {
  const service = new LibraryService(ctx, collections, target, styles);
  ctx.own(
    vscode.window.registerWebviewViewProvider(
      LIBRARY_VIEW,
      {
        resolveWebviewView(view) {
          service.attach(view.webview, view);
        },
      },
      { webviewOptions: { retainContextWhenHidden: false } },
    ),
  );
  ctx.own(
    vscode.window.registerWebviewPanelSerializer(LIBRARY_PANEL, {
      async deserializeWebviewPanel(panel) {
        // The webview's own state (query, facets, page) comes back through getState().
        service.adoptPanel(panel);
      },
    }),
  );
  ctx.own(vscode.commands.registerCommand(OPEN_LIBRARY_COMMAND, () => void service.openPanel()));
  return service;
}
