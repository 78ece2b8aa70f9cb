/**
 * A paper as a Markdown hover/completion document. Every text from a collection is escaped
 * (`escapeMarkdown`), invisible characters shown as marks, theme icons (`$(name)`) off; links
 * are only http(s) ones we build, and the only trusted commands are ours.
 */
import * as vscode from 'vscode';
import { FormattedReference, RichText } from '../core/formatReference';
import { visibleMarks } from '../core/inertText';
import { BUNDLED_STYLES } from '../core/citationStyles';
import type { PaperView } from '../core/catalog';
import { CiteLensContext } from '../vscode/context';
import { ReferenceStyles } from '../vscode/referenceStyles';
import { formatName } from '../core/names';

export const OPEN_ENTRY_COMMAND = 'citelens.openEntry';
export const COPY_REFERENCE_COMMAND = 'citelens.copyFormattedReference';
/** The commands a hover may link to (the MarkdownString trusts these and no other). */
export const TRUSTED_COMMANDS = [OPEN_ENTRY_COMMAND, COPY_REFERENCE_COMMAND];

/** Characters that could end or re-open a Markdown link destination, percent-encoded. */
function encodeForLinkDestination(s: string): string {
  return s.replace(/[()<>\s"'`\\]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** An http(s) URL safe to put inside `[..](..)`, or undefined. */
export function safeLink(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return encodeForLinkDestination(parsed.href);
}

/**
 * Longest text shown per part: a hover must stay readable (and cheap to render) whatever a
 * collection holds, e.g. a 10 MB abstract or a 100,000-character title.
 */
const MAX_TITLE = 500;
const MAX_PEOPLE = 1000;
const MAX_LINE = 300;
const MAX_ABSTRACT = 1500;
const MAX_REFERENCE = 1500;

export interface PaperMarkdownOptions {
  abstract: boolean;
  /** Show the file and line with a link that opens the entry. */
  source: boolean;
  /** Display path of the file, when `source` is set. */
  fileLabel?: string;
  /** The reference in the document's citation style, shown first instead of the field list. */
  formatted?: { reference: FormattedReference; style: string };
  /** Offer a "Copy reference" link (hover). */
  copyLink?: boolean;
}

/** A Markdown string for collection text: no HTML, no theme icons, our commands only. */
export function inertMarkdown(): vscode.MarkdownString {
  // Theme icons off: `$(check)` in a title must stay text (VS Code's icon pass ignores `\$`).
  const md = new vscode.MarkdownString(undefined, false);
  md.supportThemeIcons = false;
  md.supportHtml = false;
  md.isTrusted = { enabledCommands: TRUSTED_COMMANDS };
  return md;
}

export function paperDocumentation(paper: PaperView, options: PaperMarkdownOptions): vscode.MarkdownString {
  const md = inertMarkdown();
  if (options.formatted) {
    md.appendMarkdown(richTextMarkdown(options.formatted.reference.text, MAX_REFERENCE));
    md.appendMarkdown('\n\n');
  } else {
    md.appendMarkdown('**');
    md.appendMarkdown(escapeMarkdown(shorten(paper.title || paper.key, MAX_TITLE)));
    md.appendMarkdown('**\n\n');
    const people = paper.authors.length ? paper.authors : paper.editors;
    if (people.length) {
      md.appendMarkdown(escapeMarkdown(shorten(people.map(formatName).join(', '), MAX_PEOPLE) + (paper.etAl ? ' et al.' : '') + (paper.authors.length ? '' : ' (eds.)')));
      md.appendMarkdown('\n\n');
    }
    const where = [paper.venue, paper.volume && `vol. ${paper.volume}`, paper.pages && `pp. ${paper.pages}`, paper.year].filter(Boolean).join(', ');
    if (where) {
      md.appendMarkdown('_');
      md.appendMarkdown(escapeMarkdown(shorten(where, MAX_LINE)));
      md.appendMarkdown('_\n\n');
    }
  }
  const links: string[] = [];
  if (paper.doi) {
    const href = safeLink(`https://doi.org/${encodeURI(paper.doi)}`);
    if (href) links.push(`[DOI ${escapeMarkdown(shorten(paper.doi, 80))}](${href})`);
  }
  if (paper.url) {
    const href = safeLink(paper.url);
    if (href) links.push(`[${escapeMarkdown(shorten(paper.url, 60))}](${href})`);
  }
  if (links.length) md.appendMarkdown(links.join(' · ') + '\n\n');
  const topics = [...paper.keywords, ...(paper.arxivClass ? [paper.arxivClass] : [])];
  if (topics.length) {
    md.appendMarkdown('Keywords: ');
    md.appendMarkdown(escapeMarkdown(shorten(topics.join(', '), MAX_LINE)));
    md.appendMarkdown('\n\n');
  }
  if (options.abstract && paper.abstract) {
    md.appendMarkdown(escapeMarkdown(shorten(paper.abstract, MAX_ABSTRACT)));
    md.appendMarkdown('\n\n');
  }
  const footer: string[] = [];
  if (options.source) {
    footer.push(`[${escapeMarkdown(`${options.fileLabel ?? paper.file}:${paper.location.entry.line + 1}`)}](${commandLink(OPEN_ENTRY_COMMAND, [paper.location.file, paper.location.entry.line, paper.location.entry.column])} "Open the entry")`);
  }
  if (options.copyLink) {
    footer.push(`[Copy reference](${commandLink(COPY_REFERENCE_COMMAND, [[paper.key]])} "Copy the formatted reference")`);
  }
  if (options.formatted) footer.push(escapeMarkdown(shorten(options.formatted.style, MAX_LINE)));
  if (footer.length) md.appendMarkdown(footer.join(' · '));
  return md;
}

function commandLink(command: string, args: unknown[]): string {
  // encodeURIComponent leaves `( ) '`: a `)` in a file name would end the link early.
  return `command:${command}?${encodeForLinkDestination(encodeURIComponent(JSON.stringify(args)))}`;
}

/**
 * Styled spans (citeproc's output, already free of markup) as Markdown: each span's text
 * escaped, italic and bold runs wrapped in `*`/`**` with their edge spaces kept outside.
 */
export function richTextMarkdown(text: RichText, max: number): string {
  let budget = max;
  let out = '';
  for (const span of text) {
    if (budget <= 0) break;
    const t = span.text.length > budget ? span.text.slice(0, budget) + '…' : span.text;
    budget -= span.text.length;
    const lead = /^\s*/.exec(t)![0];
    const trail = t.trimStart() ? /\s*$/.exec(t)![0] : '';
    const core = t.slice(lead.length, t.length - trail.length);
    if (!core) {
      out += t ? ' ' : '';
      continue;
    }
    const mark = span.bold && span.italic ? '***' : span.bold ? '**' : span.italic ? '*' : '';
    out += (lead ? ' ' : '') + mark + escapeMarkdown(core) + mark + (trail ? ' ' : '');
  }
  return out;
}

/**
 * Escapes collection text for Markdown. (`MarkdownString.appendText` would also turn every
 * space into `&nbsp;`, and long abstracts would no longer wrap.)
 */
export function escapeMarkdown(s: string): string {
  return visibleMarks(s).replace(/\s+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&:$]/g, '\\$&');
}

function shorten(s: string, max: number): string {
  // Collapse whitespace first so the limit counts visible text (a huge field may be mostly spaces).
  if (s.length > max * 4) s = s.slice(0, max * 4);
  s = s.replace(/\s+/g, ' ');
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}


/**
 * The formatted reference of `paper` in the style of `document` (or the setting's), or
 * undefined when the style cannot be used (then the field list is shown; the reason is logged).
 */
export async function formattedOf(styles: ReferenceStyles, paper: PaperView, document: vscode.TextDocument | undefined, ctx: CiteLensContext): Promise<PaperMarkdownOptions['formatted']> {
  try {
    const chosen = await styles.styleFor(document);
    const label = BUNDLED_STYLES.find((s) => `bundled:${s.id}` === chosen.id)?.label ?? chosen.style.info.title;
    return { reference: await styles.reference(paper, chosen), style: chosen.from.startsWith('setting') ? label : `${label} (${chosen.from})` };
  } catch (e) {
    ctx.log(`Formatting ${paper.key}: ${(e as Error).message ?? e}`);
    return undefined;
  }
}
