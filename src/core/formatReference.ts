/**
 * References and citations formatted in a citation style, with citeproc-js (the engine of
 * Zotero and Mendeley) and CSL styles. Pure: the caller hands in the style's XML and a locale
 * lookup (the extension reads the bundled files through `workspace.fs`, the tests from disk).
 *
 * Output is never HTML. citeproc renders into our own output format, which is plain text with
 * private-use marks around italic and bold runs and the left-margin label; every text from
 * the data has those marks removed first, so a collection cannot fake one. The result is a
 * list of styled spans that each surface escapes for itself (Markdown, DOM `textContent`,
 * the clipboard as plain text).
 */
import type CiteprocModule from 'citeproc';
import { CslItem, toCslItem } from './csl-export';
import type { Paper } from './model';

export interface RichSpan {
  text: string;
  italic?: boolean;
  bold?: boolean;
}
export type RichText = RichSpan[];

export interface FormattedReference {
  /** The label numeric styles put in the margin (`[1]`, `1.`), if any. */
  label?: string;
  text: RichText;
}

const ITALIC_OPEN = '\uE000';
const ITALIC_CLOSE = '\uE001';
const BOLD_OPEN = '\uE002';
const BOLD_CLOSE = '\uE003';
const MARGIN_OPEN = '\uE004';
const MARGIN_CLOSE = '\uE005';
const MARKS = /[\uE000-\uE00F]/g;
const FORMAT = 'citelens';

type Citeproc = typeof CiteprocModule;
let CSL: Citeproc | undefined;

/**
 * citeproc-js (380 KB minified) is loaded on first use, not when the extension starts: most
 * sessions hover long after activation, and some never.
 */
async function loadCiteproc(): Promise<Citeproc> {
  if (!CSL) {
    const mod = (await import('citeproc')) as unknown as { default?: Citeproc } & Citeproc;
    CSL = mod.default ?? mod;
    registerFormat(CSL);
  }
  return CSL;
}

/** Builds a style (see CitationStyle); rejects with a readable message when it cannot be read. */
export async function loadCitationStyle(xml: string, locales: LocaleLookup): Promise<CitationStyle> {
  return new CitationStyle(await loadCiteproc(), xml, locales);
}

function registerFormat(CSL: Citeproc): void {
  const formats = CSL.Output.Formats as unknown as Record<string, Record<string, unknown>>;
  const text = formats.text;
  formats[FORMAT] = {
    ...text,
    // Data text may not carry our marks (a title cannot open an italic run or fake a label).
    text_escape: (s: string | undefined) => (s ?? '').replace(MARKS, ''),
    '@font-style/italic': `${ITALIC_OPEN}%%STRING%%${ITALIC_CLOSE}`,
    '@font-style/oblique': `${ITALIC_OPEN}%%STRING%%${ITALIC_CLOSE}`,
    '@font-weight/bold': `${BOLD_OPEN}%%STRING%%${BOLD_CLOSE}`,
    '@bibliography/entry': (_state: unknown, s: string) => s,
    '@display/block': (_state: unknown, s: string) => ' ' + s,
    '@display/left-margin': (_state: unknown, s: string) => `${MARGIN_OPEN}${s}${MARGIN_CLOSE}`,
    '@display/indent': (_state: unknown, s: string) => ' ' + s,
  };
}

/** Locale XML by language tag (`en-US`), or undefined when not shipped. */
export type LocaleLookup = (lang: string) => string | undefined;

export interface StyleInfo {
  title: string;
  /** `numeric`, `author-date`, `author`, `note`, `label`. */
  citationFormat: string;
  defaultLocale: string;
}

/** Title, citation format and default locale from a style's `<info>` (without running citeproc). */
export function styleInfo(xml: string): StyleInfo {
  const title = /<title>([^<]*)<\/title>/.exec(xml)?.[1]?.trim() ?? '';
  const citationFormat = /<category\s+citation-format="([^"]+)"/.exec(xml)?.[1] ?? '';
  const defaultLocale = /<style\b[^>]*\bdefault-locale="([^"]+)"/.exec(xml)?.[1] ?? 'en-US';
  return { title: decodeXmlText(title), citationFormat, defaultLocale };
}

function decodeXmlText(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
}

/** Longest text handed to citeproc per field: a hover must stay cheap whatever a field holds. */
const MAX_FIELD = 2000;
const MAX_NAMES = 60;

/** The CSL item of a paper, bounded for formatting (the abstract is not needed). */
export function formattingItem(paper: Paper): CslItem {
  const item = toCslItem(paper);
  delete item.abstract;
  delete item.keyword;
  for (const [k, v] of Object.entries(item)) {
    if (typeof v === 'string' && v.length > MAX_FIELD) item[k] = v.slice(0, MAX_FIELD) + '…';
  }
  for (const role of ['author', 'editor'] as const) {
    const names = item[role];
    if (Array.isArray(names) && names.length > MAX_NAMES) item[role] = names.slice(0, MAX_NAMES);
  }
  return item;
}

/**
 * One CSL style, ready to format. Building one parses the style (tens of milliseconds);
 * keep it for as long as the style is in use. Not re-entrant (citeproc keeps state), which
 * is fine on the single-threaded extension host.
 */
export class CitationStyle {
  readonly info: StyleInfo;
  private readonly engine: ReturnType<typeof createEngine>;
  private items = new Map<string, CslItem>();

  /** Throws an Error with a readable message when the style or its locale cannot be read. Use `loadCitationStyle`. */
  constructor(csl: Citeproc, xml: string, locales: LocaleLookup) {
    this.info = styleInfo(xml);
    this.engine = createEngine(csl, xml, locales, (id) => this.items.get(id) ?? { id, type: 'article' });
  }

  /** Reference-list entries of the items, in the style's order. */
  bibliography(items: CslItem[]): FormattedReference[] {
    if (!items.length) return [];
    this.load(items);
    const result = this.engine.makeBibliography();
    if (!result) return [];
    return result[1].map((s) => {
      const margin = new RegExp(`${MARGIN_OPEN}([^${MARGIN_CLOSE}]*)${MARGIN_CLOSE}`).exec(s);
      const body = margin ? s.replace(margin[0], '') : s;
      const label = margin ? plainText(parseMarked(margin[1])).trim() : undefined;
      return { ...(label ? { label } : {}), text: parseMarked(body) };
    });
  }

  /** The in-text citation of the items together (`(Smith, 2020; Doe, 2021)`, `[1], [2]`). */
  citation(items: CslItem[]): RichText {
    if (!items.length) return [];
    this.load(items);
    return parseMarked(this.engine.makeCitationCluster(items.map((i) => ({ id: String(i.id) }))));
  }

  /** The reference of one paper. */
  reference(paper: Paper): FormattedReference {
    return this.bibliography([formattingItem(paper)])[0] ?? { text: [{ text: paper.title || paper.key }] };
  }

  private load(items: CslItem[]): void {
    this.items = new Map(items.map((i) => [String(i.id), i]));
    this.engine.updateItems([...this.items.keys()]);
  }
}

function createEngine(CSL: Citeproc, xml: string, locales: LocaleLookup, retrieveItem: (id: string) => CslItem) {
  const sys = {
    retrieveLocale: (lang: string) => locales(lang) ?? locales(lang.split('-')[0]) ?? locales('en-US'),
    retrieveItem,
    wrapCitationEntry: (s: string) => s,
  };
  if (!/<style\b/.test(xml)) throw new Error('not a CSL style (no <style> element)');
  let engine;
  try {
    engine = new CSL.Engine(sys, xml);
  } catch (e) {
    throw new Error(`the CSL style could not be read: ${(e as Error).message ?? e}`);
  }
  engine.setOutputFormat(FORMAT);
  return engine;
}

/** Splits citeproc output in our format into styled spans (whitespace collapsed). */
function parseMarked(s: string): RichText {
  const out: RichText = [];
  let italic = 0;
  let bold = 0;
  let text = '';
  const flush = () => {
    if (!text) return;
    const span: RichSpan = { text };
    if (italic > 0) span.italic = true;
    if (bold > 0) span.bold = true;
    const prev = out[out.length - 1];
    if (prev && !!prev.italic === !!span.italic && !!prev.bold === !!span.bold) prev.text += text;
    else out.push(span);
    text = '';
  };
  for (const c of s.replace(/\s+/g, ' ').trim()) {
    if (c === ITALIC_OPEN || c === ITALIC_CLOSE || c === BOLD_OPEN || c === BOLD_CLOSE) {
      flush();
      if (c === ITALIC_OPEN) italic++;
      else if (c === ITALIC_CLOSE) italic = Math.max(0, italic - 1);
      else if (c === BOLD_OPEN) bold++;
      else bold = Math.max(0, bold - 1);
    } else if (c >= '\uE000' && c <= '\uE00F') {
      // A stray mark (never from data: text_escape removed those).
    } else text += c;
  }
  flush();
  return out;
}

export function plainText(r: RichText): string {
  return r.map((s) => s.text).join('');
}

/** A reference as one plain-text line, with its label for numeric styles when asked. */
export function referenceText(ref: FormattedReference, withLabel = false): string {
  const body = plainText(ref.text);
  return withLabel && ref.label ? `${ref.label} ${body}` : body;
}
