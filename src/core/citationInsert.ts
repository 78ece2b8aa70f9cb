/**
 * The text to insert for citing keys at a cursor, in the document's syntax: a new
 * `\cite{a, b}` / `[@a; @b]` / `@a @b` (Typst; `#cite(label("…"))` for keys a label cannot hold), or `, b` / `; @b` appended to the citation the cursor is in.
 * Pure (text and offsets), so the library webview and the quick pick share it and it is
 * unit-tested without VS Code.
 */
import { DocumentSyntax, latexCiteContext } from './citeContext';
import { typstInsertion } from './typst';

export interface CitationInsertion {
  /** Offset where `text` goes (the cursor, or the end of the key the cursor is in). */
  offset: number;
  text: string;
}

/**
 * How to cite `keys` at `cursor`. Keys already in the citation the cursor is in are not
 * added twice; undefined when there is nothing left to insert.
 */
export function citationInsertion(text: string, cursor: number, syntax: DocumentSyntax, keys: readonly string[], extraCommands: readonly string[] = []): CitationInsertion | undefined {
  const unique = [...new Set(keys.filter((k) => k.length > 0))];
  if (syntax === 'typst') return typstInsertion(text, cursor, unique);
  if (syntax === 'latex') {
    const ctx = latexCiteContext(text, cursor, extraCommands);
    if (ctx) {
      const current = text.slice(ctx.start, ctx.end).trim();
      const present = new Set([...ctx.siblings, current]);
      const add = unique.filter((k) => !present.has(k));
      if (!add.length) return undefined;
      // Before the cursor on the key list: nothing (`\cite{|`), a separator (`a,|`) or a key.
      const before = text.slice(0, ctx.start).replace(/\s+$/, '');
      const afterSeparator = /[{,]$/.test(before) && current === '';
      return { offset: ctx.end, text: (afterSeparator ? '' : ', ') + add.join(', ') + (afterSeparator && /^\s*[^\s,}]/.test(text.slice(ctx.end)) ? ', ' : '') };
    }
    if (!unique.length) return undefined;
    return { offset: cursor, text: `\\cite{${unique.join(', ')}}` };
  }
  const bracket = markdownBracketAt(text, cursor);
  if (bracket) {
    const add = unique.filter((k) => !bracket.keys.includes(k));
    if (!add.length) return undefined;
    // After the citation item the cursor is in (its key and locator), before the next `;`/`]`.
    let offset = cursor;
    while (offset < bracket.close && text[offset] !== ';') offset++;
    while (offset > cursor && /\s/.test(text[offset - 1])) offset--;
    const before = text.slice(bracket.open + 1, offset).trim();
    const lead = before === '' || before.endsWith(';') ? '' : '; ';
    return { offset, text: lead + add.map((k) => '@' + k).join('; ') + (before === '' ? '; ' : '') };
  }
  if (!unique.length) return undefined;
  return { offset: cursor, text: `[${unique.map((k) => '@' + k).join('; ')}]` };
}

/** A Pandoc citation bracket `[… @key …]` around the cursor, on one line. */
function markdownBracketAt(text: string, cursor: number): { open: number; close: number; keys: string[] } | undefined {
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  let lineEnd = text.indexOf('\n', cursor);
  if (lineEnd < 0) lineEnd = text.length;
  const open = text.lastIndexOf('[', cursor - 1);
  if (open < lineStart) return undefined;
  const closeBefore = text.indexOf(']', open);
  if (closeBefore >= 0 && closeBefore < cursor) return undefined;
  const close = text.indexOf(']', cursor);
  if (close < 0 || close > lineEnd) return undefined;
  const inside = text.slice(open + 1, close);
  const keys = [...inside.matchAll(/(?:^|[\s;[-])@([\p{L}\p{N}_][\p{L}\p{N}_:.#$%&\-+?<>~/]*)/gu)].map((m) => m[1].replace(/[:.#$%&\-+?<>~/]+$/, ''));
  if (!keys.length) return undefined;
  return { open, close, keys };
}
