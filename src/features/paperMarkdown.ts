/**
 * A paper as a Markdown hover/completion document. Every text from a collection is escaped
 * (`escapeMarkdown`); links are only http(s) ones we build, and the only trusted command is ours.
 */
import * as vscode from 'vscode';
import { Paper } from '../core/model';
import { formatName } from '../core/names';
import { paperField } from '../core/paper';

export const OPEN_ENTRY_COMMAND = 'citelens.openEntry';

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

export interface PaperMarkdownOptions {
  abstract: boolean;
  /** Show the file and line with a link that opens the entry. */
  source: boolean;
  /** Display path of the file, when `source` is set. */
  fileLabel?: string;
}

export function paperDocumentation(paper: Paper, options: PaperMarkdownOptions): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.isTrusted = { enabledCommands: [OPEN_ENTRY_COMMAND] };
  md.appendMarkdown('**');
  md.appendMarkdown(escapeMarkdown(shorten(paper.title || paper.key, MAX_TITLE)));
  md.appendMarkdown('**\n\n');
  const people = paper.authors.length ? paper.authors : paper.editors;
  if (people.length) {
    md.appendMarkdown(escapeMarkdown(shorten(people.map(formatName).join(', '), MAX_PEOPLE) + (paper.etAl ? ' et al.' : '') + (paper.authors.length ? '' : ' (eds.)')));
    md.appendMarkdown('\n\n');
  }
  const where = [paper.venue, paperField(paper, 'volume') && `vol. ${paperField(paper, 'volume')}`, paperField(paper, 'pages') && `pp. ${paperField(paper, 'pages')}`, paper.year].filter(Boolean).join(', ');
  if (where) {
    md.appendMarkdown('_');
    md.appendMarkdown(escapeMarkdown(shorten(where, MAX_LINE)));
    md.appendMarkdown('_\n\n');
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
  if (options.source) {
    // encodeURIComponent leaves `( ) '`: a `)` in a file name would end the link early.
    const args = encodeForLinkDestination(encodeURIComponent(JSON.stringify([paper.entry.file, paper.entry.line, paper.entry.column])));
    md.appendMarkdown(`[${escapeMarkdown(`${options.fileLabel ?? paper.file}:${paper.entry.line + 1}`)}](command:${OPEN_ENTRY_COMMAND}?${args} "Open the entry")`);
  }
  return md;
}

/**
 * Escapes collection text for Markdown. (`MarkdownString.appendText` would also turn every
 * space into `&nbsp;`, and long abstracts would no longer wrap.)
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&:$]/g, '\\$&');
}

function shorten(s: string, max: number): string {
  // Collapse whitespace first so the limit counts visible text (a huge field may be mostly spaces).
  if (s.length > max * 4) s = s.slice(0, max * 4);
  s = s.replace(/\s+/g, ' ');
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

