/**
 * The collections a document names: `\bibliography{a,b}`, `\addbibresource[…]{x.bib}`
 * (LaTeX) and the YAML front matter `bibliography:` (Pandoc, Quarto, R Markdown).
 * Returns paths as written with their spans; resolving them is the caller's job.
 */
import { DocumentSyntax } from './citeContext';
import { Span } from './model';
import { typstBibReferences } from './typst';

export interface BibReference {
  /** The path as it should be opened: `.bib` added to bare `\bibliography` names. */
  path: string;
  /** Where the name is written in the document (for document links). */
  span: Span;
}

function uncommentedLatex(text: string): string {
  // Blank out comments so offsets stay valid.
  return text.replace(/(^|[^\\])%.*$/gm, (m, pre: string) => pre + ' '.repeat(m.length - pre.length));
}

export function latexBibReferences(text: string): BibReference[] {
  const clean = uncommentedLatex(text);
  const out: BibReference[] = [];
  const re = /\\(bibliography|addbibresource|addglobalbib|addsectionbib|nobibliography)\s*(?:\[[^\]]*\]\s*)?\{([^}]*)\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(clean))) {
    const command = m[1];
    const argStart = m.index + m[0].length - 1 - m[2].length;
    const names = command === 'bibliography' || command === 'nobibliography' ? m[2].split(',') : [m[2]];
    let offset = argStart;
    for (const part of names) {
      const lead = part.length - part.trimStart().length;
      const name = part.trim();
      if (name) {
        const path = (command === 'bibliography' || command === 'nobibliography') && !/\.bib$/i.test(name) ? name + '.bib' : name;
        out.push({ path, span: { start: offset + lead, end: offset + lead + name.length } });
      }
      offset += part.length + 1;
    }
  }
  return out;
}

/** The YAML front matter `bibliography:` as a string, a flow list or a block list. */
export function yamlBibReferences(text: string): BibReference[] {
  if (!/^---[ \t]*\r?\n/.test(text)) return [];
  const close = /\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/g;
  close.lastIndex = 3;
  const end = close.exec(text);
  const yamlEnd = end ? end.index : text.length;
  const out: BibReference[] = [];
  const lineRe = /^bibliography:[ \t]*(.*)$/gm;
  lineRe.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = lineRe.exec(text)) && m.index < yamlEnd) {
    const valueStart = m.index + m[0].length - m[1].length;
    const value = m[1].replace(/\s+#.*$/, '');
    if (value.trim().startsWith('[')) {
      const inner = value.slice(value.indexOf('[') + 1, value.lastIndexOf(']') >= 0 ? value.lastIndexOf(']') : value.length);
      let offset = valueStart + value.indexOf('[') + 1;
      for (const part of inner.split(',')) {
        pushScalar(out, part, offset);
        offset += part.length + 1;
      }
    } else if (value.trim()) {
      pushScalar(out, value, valueStart);
    } else {
      // Block list: following lines `  - path`.
      const itemRe = /\r?\n([ \t]+-[ \t]+)([^\r\n]*)/y;
      itemRe.lastIndex = m.index + m[0].length;
      let item: RegExpExecArray | null;
      while ((item = itemRe.exec(text)) && item.index < yamlEnd) {
        pushScalar(out, item[2].replace(/\s+#.*$/, ''), item.index + item[0].length - item[2].length);
      }
    }
  }
  return out;
}

function pushScalar(out: BibReference[], raw: string, offset: number): void {
  const lead = raw.length - raw.trimStart().length;
  let name = raw.trim();
  let start = offset + lead;
  if ((name.startsWith('"') && name.endsWith('"')) || (name.startsWith("'") && name.endsWith("'"))) {
    name = name.slice(1, -1);
    start++;
  }
  if (name) out.push({ path: name, span: { start, end: start + name.length } });
}

export function bibReferences(text: string, syntax: DocumentSyntax): BibReference[] {
  if (syntax === 'typst') return typstBibReferences(text);
  return syntax === 'latex' ? latexBibReferences(text) : yamlBibReferences(text);
}
