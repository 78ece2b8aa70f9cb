/**
 * The citation style of each document, loaded lazily: the bundled CSL styles and locales are
 * read through `workspace.fs` from the extension (so the web host works too), a CSL file a
 * document names is read next to the document. citeproc runs in the catalog's thread, not
 * here: building a style takes hundreds of milliseconds in one block (APA: ~0.5 s measured
 * in the extension host), so the host sends the style's text once and then asks for
 * references by message. Formatted references are cached (by paper version).
 */
import * as vscode from 'vscode';
import { BUNDLED_LOCALES, BUNDLED_STYLES, DEFAULT_STYLE, StyleRequest, bundledStyleId, documentStyleRequest, independentParent, yamlStyleRequest } from '../core/citationStyles';
import type { PaperView } from '../core/catalog';
import { FormattedReference, RichText, StyleInfo, styleInfo } from '../core/formatReference';
import type { CslItem } from '../core/csl-export';
import { UNKNOWN_STYLE } from '../core/catalogProtocol';
import type { CatalogConnection } from './catalogConnection';
import { CiteLensContext, syntaxOf } from './context';

export const CITATION_STYLE_SETTING = 'citationStyle';

/** A style in use and where the choice came from (shown to the user). */
export interface ChosenStyle {
  /** The style's text and what its `<info>` says; it is built in the catalog's thread. */
  style: LoadedStyle;
  /** Cache key: `bundled:apa` or the CSL file's URI. */
  id: string;
  /** Why this style: `\bibliographystyle{IEEEtran}`, `csl: my.csl`, `setting`. */
  from: string;
}

/** A style read and known to the catalog by `id`. */
export interface LoadedStyle {
  info: StyleInfo;
  xml: string;
}

/** A CSL file read from a workspace must stay small (a real style is under 100 KB). */
const MAX_STYLE_BYTES = 2_000_000;
/** How long a CSL file that could not be read is not asked for again. */
const RETRY_MS = 5_000;
/** Formatted references kept (hovers and completion details repeat the same few papers). */
const REFERENCES_KEPT = 2000;

/** The CSL item the catalog sent with a paper (a paper from a search has none: its fields as a minimal item). */
function cslOf(paper: PaperView): CslItem {
  return paper.csl ?? { id: paper.key, type: 'article', title: paper.title };
}

export class ReferenceStyles {
  private readonly styles = new Map<string, Promise<LoadedStyle>>();
  /** Styles the catalog has built (forgotten when its thread restarts). */
  private built = new Map<string, Promise<unknown>>();
  private readonly fileStyles = new Map<string, Promise<ChosenStyle>>();
  private locales: Map<string, string> | undefined;
  /** Formatted references by style and paper version (bounded: the most recent are kept). */
  private readonly references = new Map<string, FormattedReference>();
  private readonly warned = new Set<string>();
  /** The style request of each open document at its version (a hover must not re-scan a long document). */
  private requests = new WeakMap<vscode.TextDocument, { version: number; request: Promise<StyleRequest | undefined> }>();

  constructor(
    private readonly ctx: CiteLensContext,
    private readonly catalog: CatalogConnection,
  ) {
    ctx.own(catalog.onDidRestart(() => (this.built = new Map())));
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
  async reference(paper: PaperView, chosen: ChosenStyle): Promise<FormattedReference> {
    const id = `${chosen.id}\u0000${paper.file}\u0000${paper.key}\u0000${paper.stamp}`;
    let ref = this.references.get(id);
    if (!ref) {
      ref = (await this.bibliography([paper], chosen))[0] ?? { text: [{ text: paper.title || paper.key }] };
      if (this.references.size >= REFERENCES_KEPT) this.references.delete(this.references.keys().next().value!);
      this.references.set(id, ref);
    }
    return ref;
  }

  async bibliography(papers: PaperView[], chosen: ChosenStyle): Promise<FormattedReference[]> {
    return (await this.format(chosen, 'bibliography', papers)) as FormattedReference[];
  }

  async citation(papers: PaperView[], chosen: ChosenStyle): Promise<RichText> {
    return (await this.format(chosen, 'citation', papers)) as RichText;
  }

  /** Asks the catalog; a style it does not know (first use, or its thread restarted) is built first. */
  private async format(chosen: ChosenStyle, kind: 'bibliography' | 'citation', papers: PaperView[]): Promise<unknown> {
    const items = papers.map(cslOf);
    for (let attempt = 0; ; attempt++) {
      await this.build(chosen);
      try {
        return await this.catalog.call('styleFormat', chosen.id, kind, items);
      } catch (e) {
        if (attempt > 0 || !(e as Error).message.startsWith(UNKNOWN_STYLE)) throw e;
        this.built.delete(chosen.id);
      }
    }
  }

  private build(chosen: ChosenStyle): Promise<unknown> {
    let pending = this.built.get(chosen.id);
    if (!pending) {
      const built = this.built;
      pending = this.loadLocales().then((locales) => this.catalog.call('styleBuild', chosen.id, chosen.style.xml, Object.fromEntries(locales)));
      built.set(chosen.id, pending);
      pending.catch(() => built.get(chosen.id) === pending && built.delete(chosen.id));
    }
    return pending;
  }

  /** Builds the style of `document` in the catalog ahead of the first hover. */
  async prepare(document?: vscode.TextDocument): Promise<void> {
    await this.build(await this.styleFor(document));
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
        const chosen = { style: await this.load(key, async () => xml), id: key, from };
        // Built now, so that a style citeproc cannot read falls back to the setting here.
        await this.build(chosen);
        return chosen;
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

  /** Reads a style and checks it names itself a CSL style (citeproc reports the rest when building). */
  private load(key: string, read: () => Promise<string>): Promise<LoadedStyle> {
    let pending = this.styles.get(key);
    if (!pending) {
      pending = (async () => {
        const xml = await read();
        if (!/<style\b/.test(xml)) throw new Error('not a CSL style (no <style> element)');
        return { info: styleInfo(xml), xml };
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
