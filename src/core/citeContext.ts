/**
 * Where a citation key is being typed, or sits under the cursor, in LaTeX and Pandoc
 * Markdown. Works on plain text and offsets so completion and hover share it and it can be
 * unit-tested without VS Code.
 */

import { Span } from './model';
import { scanTypstSites } from './typst';

export type DocumentSyntax = 'latex' | 'markdown' | 'typst';

export interface CiteContext {
  /** What the user typed for the current key (may contain spaces: `oh 2024 unc`). */
  query: string;
  /** Start of the text to replace (the first character of the typed query). */
  start: number;
  /** End of the current key if it continues after the cursor (for replace, not insert). */
  end: number;
  /** LaTeX command name without backslash, or `[@]`, `[-@]`, `@` for Markdown. */
  command: string;
  /** Keys already present in the same command/bracket (to avoid offering them twice). */
  siblings: string[];
}

/** How far back a citation command may start before the cursor (keys can span lines). */
const LOOKBACK = 4000;

const DEFAULT_COMMAND = '[a-zA-Z]*[cC]ite[a-zA-Z]*|bibentry|[a-zA-Z]*cquote';
const MULTICITE = /^(?:[a-zA-Z]*cites|[pP]arencites|[tT]extcites|[fF]ootcites|[sS]martcites|[sS]upercites|[aA]utocites|[fF]ootcitetexts|[cC]ites)$/;

const CITE_COMMAND_NAME = new RegExp(`^(?:${DEFAULT_COMMAND})$`);

/** Is `name` (without the backslash) one of the citation commands CiteLens knows by default? */
export function isCiteCommandName(name: string): boolean {
  return CITE_COMMAND_NAME.test(name);
}

const commandPatterns = new Map<string, RegExp>();

/** `\\command*` for every citation command (global regex; group 1 is the name). */
export function commandPattern(extra: readonly string[]): RegExp {
  const id = extra.join('|');
  let re = commandPatterns.get(id);
  if (!re) {
    const names = extra.map((c) => c.replace(/^\\/, '')).filter((c) => /^[a-zA-Z@]+$/.test(c));
    re = new RegExp(`\\\\(${names.length ? names.join('|') + '|' : ''}${DEFAULT_COMMAND})(?![a-zA-Z])\\*?`, 'g');
    commandPatterns.set(id, re);
  }
  return re;
}

/** A `%` that is not escaped starts a comment; returns its offset on the line or -1. */
function commentStart(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 37) return i;
  }
  return -1;
}

function isLatexKeyChar(c: string): boolean {
  return !/[\s,{}%\\]/.test(c);
}

/**
 * If the cursor is inside the key argument of a LaTeX citation command, the context.
 * Handles `*`, `[..]` options, apacite `<..>`, biblatex multicite `(..)(..)` and several
 * `[..]{..}` groups, keys over several lines, and comments.
 */
export function latexCiteContext(text: string, cursor: number, extraCommands: readonly string[] = []): CiteContext | undefined {
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const lineBefore = text.slice(lineStart, cursor);
  if (commentStart(lineBefore) >= 0) return undefined;

  const windowStart = Math.max(0, cursor - LOOKBACK);
  const window = text.slice(windowStart, cursor);
  const re = commandPattern(extraCommands);
  re.lastIndex = 0;
  let match: RegExpExecArray | null;
  let last: RegExpExecArray | null = null;
  while ((match = re.exec(window))) last = match;
  if (!last) return undefined;

  const command = last[1];
  const cmdStart = windowStart + last.index;
  // The command itself must not be commented out.
  const cmdLineStart = text.lastIndexOf('\n', cmdStart - 1) + 1;
  const cmdComment = commentStart(text.slice(cmdLineStart, cmdStart));
  if (cmdComment >= 0) return undefined;

  const args = citeArguments(text, windowStart + last.index + last[0].length, command, cursor);
  return args.openKeyGroup === undefined ? undefined : keyGroupContext(text, args.openKeyGroup, cursor, command);
}

export interface CiteArguments {
  /** The closed `{…}` key lists (contents only): one for ordinary commands, several for multicite ones. */
  keyGroups: Span[];
  /** Where a key list starts that is still open at `limit` (the cursor, for completion). */
  openKeyGroup?: number;
}

/**
 * The arguments after a citation command, up to `limit`: `*` is part of the command; `[..]`
 * options, apacite `<..>` and biblatex `(..)` groups are skipped; `{..}` groups are key lists
 * (csquotes' `\foreign…cquote` first takes a language). Completion and the citation scanner
 * both use it, so they agree on what a citation is.
 */
export function citeArguments(text: string, from: number, command: string, limit: number, closer: CloseFinder = findClose): CiteArguments {
  const multi = MULTICITE.test(command);
  let skipFirstBraceGroup = /^(foreign|hyphen)[a-z]*cquote$/.test(command);
  const result: CiteArguments = { keyGroups: [] };
  let p = from;
  while (p < limit) {
    const c = text[p];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      p++;
      continue;
    }
    if (c === '%') {
      const nl = text.indexOf('\n', p);
      if (nl < 0 || nl >= limit) break;
      p = nl + 1;
      continue;
    }
    const close = c === '[' ? ']' : c === '(' ? ')' : c === '<' ? '>' : c === '{' ? '}' : '';
    if (!close) break;
    const isKeyGroup = c === '{' && !skipFirstBraceGroup;
    const end = closer(text, p + 1, close, limit);
    if (end < 0) {
      // Still open at the limit: for completion, the cursor is in a key list or an option.
      if (isKeyGroup) result.openKeyGroup = p + 1;
      break;
    }
    if (c === '{') skipFirstBraceGroup = false;
    if (isKeyGroup) {
      result.keyGroups.push({ start: p + 1, end });
      if (!multi) break;
    }
    p = end + 1;
  }
  return result;
}

/**
 * Offset of the matching `close` before `limit`, honouring nested braces; -1 if none (also
 * when a `}` closes the enclosing group first). The scanner passes a table-driven equivalent
 * (citations.ts) so that a document full of unclosed arguments stays linear.
 */
export type CloseFinder = (text: string, from: number, close: string, limit: number) => number;

function findClose(text: string, from: number, close: string, limit: number): number {
  let depth = 0;
  for (let i = from; i < limit; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return close === '}' ? i : -1;
      depth--;
    } else if (c === close && depth === 0) return i;
  }
  return -1;
}

function keyGroupContext(text: string, groupStart: number, cursor: number, command: string): CiteContext | undefined {
  const inside = text.slice(groupStart, cursor);
  if (/[{\\]/.test(inside)) return undefined;
  const lastComma = inside.lastIndexOf(',');
  let start = groupStart + lastComma + 1;
  while (start < cursor && /\s/.test(text[start])) start++;
  let end = cursor;
  while (end < text.length && isLatexKeyChar(text[end])) end++;
  const siblings = inside
    .slice(0, lastComma < 0 ? 0 : lastComma)
    .split(',')
    .map((s) => s.replace(/%.*$/gm, '').trim())
    .filter(Boolean);
  return { query: text.slice(start, cursor).replace(/\s+/g, ' '), start, end, command, siblings };
}

/** Characters Pandoc allows inside a citation key (internal punctuation included). */
const PANDOC_KEY_CHAR = /[\p{L}\p{N}_:.#$%&\-+?<>~/]/u;
export const PANDOC_TRAILING_PUNCTUATION = /[:.#$%&\-+?<>~/]+$/;

/** Is the offset inside a fenced code block, YAML front matter or an HTML comment? */
export function inMarkdownNonProse(text: string, offset: number): boolean {
  // YAML front matter at the very top.
  if (text.startsWith('---')) {
    const close = /\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/g;
    close.lastIndex = 3;
    const m = close.exec(text);
    if (m && offset <= m.index) return true;
  }
  let inFence: string | undefined;
  const fence = /^[ \t]{0,3}(`{3,}|~{3,})/gm;
  let m: RegExpExecArray | null;
  while ((m = fence.exec(text)) && m.index < offset) {
    const marker = m[1];
    if (inFence === undefined) inFence = marker;
    else if (marker[0] === inFence[0] && marker.length >= inFence.length) inFence = undefined;
  }
  if (inFence !== undefined) return true;
  const commentOpen = text.lastIndexOf('<!--', offset);
  if (commentOpen >= 0) {
    const commentClose = text.indexOf('-->', commentOpen);
    if (commentClose < 0 || commentClose + 3 > offset) return true;
  }
  return false;
}

/** Inside an inline code span on the cursor's line? */
function inCodeSpan(lineBefore: string): boolean {
  let open = 0;
  let i = 0;
  while (i < lineBefore.length) {
    if (lineBefore[i] === '`') {
      let n = 0;
      while (lineBefore[i] === '`') {
        n++;
        i++;
      }
      if (open === 0) open = n;
      else if (n === open) open = 0;
    } else i++;
  }
  return open !== 0;
}

/**
 * If the cursor follows a Pandoc `@`: `[@key`, `[see @a; @`, `[-@key`, in-text `@key`.
 * Inside an open bracket the query may contain spaces (`[@level set`).
 */
export function markdownCiteContext(text: string, cursor: number): CiteContext | undefined {
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const lineBefore = text.slice(lineStart, cursor);
  const at = lineBefore.lastIndexOf('@');
  if (at < 0) return undefined;
  if (inCodeSpan(lineBefore)) return undefined;
  const prev = at === 0 ? '' : lineBefore[at - 1];
  if (!(prev === '' || /[\s[;-]/.test(prev))) return undefined; // e-mail addresses, `a@b`
  const typed = lineBefore.slice(at + 1);
  const bracketOpen = lineBefore.lastIndexOf('[', at);
  const inBracket = bracketOpen >= 0 && lineBefore.indexOf(']', bracketOpen) < 0;
  if (inBracket) {
    if (/[;\]@]/.test(typed)) return undefined;
    // After the key, a `,` starts the locator (`@a, p. 3`): no completion there.
    if (/^[^\s,]+,/.test(typed)) return undefined;
  } else if (/[^\p{L}\p{N}_:.#$%&\-+?<>~/]/u.test(typed)) return undefined;
  if (typed.startsWith('{')) return undefined;
  if (inMarkdownNonProse(text, cursor)) return undefined;
  let end = cursor;
  while (end < text.length && PANDOC_KEY_CHAR.test(text[end])) end++;
  const start = lineStart + at + 1;
  const command = inBracket ? (prev === '-' ? '[-@]' : '[@]') : prev === '-' ? '[-@]' : '@';
  const siblings: string[] = [];
  if (inBracket) {
    const before = lineBefore.slice(bracketOpen, at);
    for (const m of before.matchAll(/@([\p{L}\p{N}_][\p{L}\p{N}_:.#$%&\-+?<>~/]*)/gu)) siblings.push(m[1].replace(PANDOC_TRAILING_PUNCTUATION, ''));
  }
  return { query: typed.replace(/\s+/g, ' '), start, end, command, siblings };
}

export interface KeyAt {
  key: string;
  start: number;
  end: number;
  command: string;
}

/** The citation key under `offset`, if the offset is on a key inside a citation. */
export function citationKeyAt(text: string, offset: number, syntax: DocumentSyntax, extraCommands: readonly string[] = []): KeyAt | undefined {
  if (syntax === 'typst') {
    for (const s of scanTypstSites(text, offset).sites) if (s.key && s.start <= offset && offset <= s.end) return { key: s.key, start: s.start, end: s.end, command: s.command };
    return undefined;
  }
  if (syntax === 'latex') {
    let start = offset;
    while (start > 0 && isLatexKeyChar(text[start - 1])) start--;
    let end = offset;
    while (end < text.length && isLatexKeyChar(text[end])) end++;
    if (start === end) return undefined;
    const ctx = latexCiteContext(text, end, extraCommands);
    if (!ctx || ctx.start !== start) return undefined;
    return { key: text.slice(start, end), start, end, command: ctx.command };
  }
  let start = offset;
  while (start > 0 && PANDOC_KEY_CHAR.test(text[start - 1])) start--;
  if (text[start] === '@') start++;
  let end = offset;
  while (end < text.length && PANDOC_KEY_CHAR.test(text[end])) end++;
  const raw = text.slice(start, end);
  const key = raw.replace(PANDOC_TRAILING_PUNCTUATION, '');
  if (!key || text[start - 1] !== '@') return undefined;
  const ctx = markdownCiteContext(text, start + key.length);
  if (!ctx || ctx.start !== start) return undefined;
  return { key, start, end: start + key.length, command: ctx.command };
}

export function citeContext(text: string, cursor: number, syntax: DocumentSyntax, extraCommands: readonly string[] = []): CiteContext | undefined {
  if (syntax === 'typst') return typstCiteContext(text, cursor);
  return syntax === 'latex' ? latexCiteContext(text, cursor, extraCommands) : markdownCiteContext(text, cursor);
}

/**
 * If the cursor is on a Typst key being typed: after `@` in markup, in `cite(<`, in
 * `cite(label("`, `ref(<`, or a string argument of `cite` (Typst before 0.9) or of the
 * document's own citing functions.
 */
export function typstCiteContext(text: string, cursor: number): CiteContext | undefined {
  const { sites } = scanTypstSites(text, cursor);
  const site = sites.find((s) => s.start <= cursor && cursor <= s.typedEnd);
  if (!site) return undefined;
  const siblings = site.call === undefined ? [] : sites.filter((s) => s !== site && s.call === site.call && s.key).map((s) => s.key);
  return { query: text.slice(site.start, cursor), start: site.start, end: site.typedEnd, command: site.command, siblings };
}
