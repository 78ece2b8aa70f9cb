/**
 * The citation style of each document, loaded lazily: the bundled CSL styles and locales are
 * read through `workspace.fs` from the extension (so the web host works too), a CSL file a
 * document names is read next to the document. Built styles and formatted references are
 * cached (a reference per paper object: papers are replaced when their file changes).
 */
import * as vscode from 'vscode';
import { BUNDLED_LOCALES, BUNDLED_STYLES, DEFAULT_STYLE, StyleRequest, bundledStyleId, documentStyleRequest, independentParent, yamlStyleRequest } from '../core/citationStyles';
import type { PaperView } from '../core/catalog';
import { CitationStyle, FormattedReference, RichText, loadCitationStyle } from '../core/formatReference';
import { CiteLensContext, syntaxOf } from './context';

export const CITATION_STYLE_SETTING = 'citationStyle';

/** A style in use and where the choice came from (shown to the user). */
export interface ChosenStyle {
  style: CitationStyle;
  /** Cache key: `bundled:apa` or the CSL file's URI. */
  id: string;
  /** Why this style: `\bibliographystyle{IEEEtran}`, `csl: my.csl`, `setting`. */
  from: string;
}

/** A CSL file read from a workspace must stay small (a real style is under 100 KB). */
const MAX_STYLE_BYTES = 2_000_000;
/** How long a CSL file that could not be read is not asked for again. */
const RETRY_MS = 5_000;
/** Formatted references kept (hovers and completion details repeat the same few papers). */
const REFERENCES_KEPT = 2000;

/** The CSL item the catalog sent with a paper (a paper from a search has none: its fields as a minimal item). */
function cslOf(paper: PaperView): Record<string, unknown> {
  return paper.csl ?? { id: paper.key, type: 'article', title: paper.title };
}

export class ReferenceStyles {
  private readonly styles = new Map<string, Promise<CitationStyle>>();
  private readonly fileStyles = new Map<string, Promise<ChosenStyle>>();
  private locales: Map<string, string> | undefined;
  /** Formatted references by style and paper version (bounded: the most recent are kept). */
  private readonly references = new Map<string, FormattedReference>();
  private readonly warned = new Set<string>();
  /** The style request of each open document at its version (a hover must not re-scan a long document). */
  private requests = new WeakMap<vscode.TextDocument, { version: number; request: Promise<StyleRequest | undefined> }>();

  constructor(private readonly ctx: CiteLensContext) {
    ctx.own(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`citelens.${CITATION_STYLE_SETTING}`)) this.warned.clear();
      }),
    );
    // A CSL file edited in the workspace is read again on next use.
    ctx.own(
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (/\.csl$/i.test(d.uri.path)) {
          this.styles.delete(d.uri.toString());
          this.fileStyles.delete(d.uri.toString());
        }
        // A project's style may have changed: documents ask again.
        if (/(^|\/)_quarto\.ya?ml$/i.test(d.uri.path)) this.requests = new WeakMap();
      }),
    );
  }

  /** The style of `document` (its own choice, else the setting), or of the setting without one. */
  async styleFor(document?: vscode.TextDocument): Promise<ChosenStyle> {
    const request = document ? await this.requestOf(document) : undefined;
    if (request?.kind === 'file' && document) {
      const uri = resolveNear(document.uri, request.path);
      try {
        return await this.fileStyle(uri, request.from);
      } catch (e) {
        // A named style we ship (`csl: ieee.csl` without the file) is still the one meant.
        const bundled = bundledStyleId(request.path);
        if (bundled) return this.bundled(bundled, request.from);
        this.warnOnce(uri.toString(), `Citation style ${request.path} (${request.from}) could not be used: ${(e as Error).message}. Using the setting citelens.citationStyle instead.`);
      }
    } else if (request?.kind === 'bundled') {
      return this.bundled(request.id, request.from);
    }
    return this.bundled(this.settingStyle(), 'setting citelens.citationStyle');
  }

  /** The formatted reference of `paper` in `chosen` (cached). */
  reference(paper: PaperView, chosen: ChosenStyle): FormattedReference {
    const id = `${chosen.id}\u0000${paper.file}\u0000${paper.key}\u0000${paper.stamp}`;
    let ref = this.references.get(id);
    if (!ref) {
      ref = chosen.style.bibliography([cslOf(paper)])[0] ?? { text: [{ text: paper.title || paper.key }] };
      if (this.references.size >= REFERENCES_KEPT) this.references.delete(this.references.keys().next().value!);
      this.references.set(id, ref);
    }
    return ref;
  }

  bibliography(papers: PaperView[], chosen: ChosenStyle): FormattedReference[] {
    return chosen.style.bibliography(papers.map(cslOf));
  }

  citation(papers: PaperView[], chosen: ChosenStyle): RichText {
    return chosen.style.citation(papers.map(cslOf));
  }

  private settingStyle(): string {
    const value = vscode.workspace.getConfiguration('citelens').get<string>(CITATION_STYLE_SETTING, DEFAULT_STYLE);
    const id = bundledStyleId(value ?? '');
    if (!id && value) this.warnOnce(`setting:${value}`, `The setting citelens.citationStyle names "${value}", which is not a bundled style (${BUNDLED_STYLES.map((s) => s.id).join(', ')}): using APA.`);
    return id ?? DEFAULT_STYLE;
  }

  /** A CSL file named by a document (read once; again after it is saved). */
  private fileStyle(uri: vscode.Uri, from: string): Promise<ChosenStyle> {
    const key = uri.toString();
    let pending = this.fileStyles.get(key);
    if (!pending) {
      pending = (async (): Promise<ChosenStyle> => {
        const xml = await readText(uri);
        // A dependent style (a journal's name over another style) formats as its parent.
        const parent = independentParent(xml);
        if (parent) {
          const bundled = bundledStyleId(parent);
          if (!bundled) throw new Error(`it is a dependent style whose parent "${parent}" is not bundled`);
          return this.bundled(bundled, from);
        }
        return { style: await this.load(key, async () => xml), id: key, from };
      })();
      this.fileStyles.set(key, pending);
      // A missing or broken file is tried again a little later (not on every hover: in the
      // web host each try is a round trip to the workbench).
      pending.catch(() => setTimeout(() => this.fileStyles.get(key) === pending && this.fileStyles.delete(key), RETRY_MS));
    }
    return pending.then((chosen) => ({ ...chosen, from }));
  }

  private async bundled(id: string, from: string): Promise<ChosenStyle> {
    const uri = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media', 'csl', `${id}.csl`);
    return { style: await this.load(`bundled:${id}`, () => readText(uri)), id: `bundled:${id}`, from };
  }

  private requestOf(document: vscode.TextDocument): Promise<StyleRequest | undefined> {
    const cached = this.requests.get(document);
    if (cached && cached.version === document.version) return cached.request;
    const request = this.readRequest(document);
    this.requests.set(document, { version: document.version, request });
    return request;
  }

  private async readRequest(document: vscode.TextDocument): Promise<StyleRequest | undefined> {
    const syntax = syntaxOf(document);
    if (!syntax) return undefined;
    const own = documentStyleRequest(document.getText(), syntax);
    if (own || syntax !== 'markdown') return own;
    // A Quarto project names its style once, in _quarto.yml beside the documents.
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder || !/\.qmd$/i.test(document.uri.path)) return undefined;
    try {
      const project = vscode.Uri.joinPath(folder.uri, '_quarto.yml');
      const request = yamlStyleRequest(await readText(project), '_quarto.yml csl:');
      if (request?.kind === 'file') return { ...request, path: vscode.Uri.joinPath(folder.uri, request.path).toString() };
    } catch {
      /* no project file */
    }
    return undefined;
  }

  private load(key: string, read: () => Promise<string>): Promise<CitationStyle> {
    let pending = this.styles.get(key);
    if (!pending) {
      pending = (async () => {
        const [xml, locales] = await Promise.all([read(), this.loadLocales()]);
        return loadCitationStyle(xml, (lang) => locales.get(lang));
      })();
      this.styles.set(key, pending);
      // A failed load is retried next time (the file may be fixed).
      pending.catch(() => this.styles.delete(key));
    }
    return pending;
  }

  private async loadLocales(): Promise<Map<string, string>> {
    if (this.locales) return this.locales;
    const map = new Map<string, string>();
    for (const lang of BUNDLED_LOCALES) {
      map.set(lang, await readText(vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media', 'csl', `locales-${lang}.xml`)));
    }
    map.set('en', map.get('en-US')!);
    return (this.locales = map);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.ctx.log(message);
  }
}

/** A path written in a document: absolute URI, absolute path, or relative to the document. */
function resolveNear(document: vscode.Uri, path: string): vscode.Uri {
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(path)) return vscode.Uri.parse(path);
  if (path.startsWith('/')) return document.with({ path });
  return vscode.Uri.joinPath(document, '..', path);
}

async function readText(uri: vscode.Uri): Promise<string> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_STYLE_BYTES) throw new Error(`${stat.size} bytes is too large for a CSL style`);
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}
