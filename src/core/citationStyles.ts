/**
 * Which citation style a document asks for, and the bundled CSL styles (media/csl/).
 *
 * A Pandoc/Quarto/R Markdown document names a CSL file in its front matter (`csl: ieee.csl`);
 * a LaTeX document names a BibTeX style (`\bibliographystyle{IEEEtran}`) or a biblatex style
 * (`\usepackage[style=apa]{biblatex}`), mapped here to the nearest bundled CSL style.
 */
import type { DocumentSyntax } from './citeContext';

export interface BundledStyle {
  /** File name without `.csl` in media/csl/, and the value of `citelens.citationStyle`. */
  id: string;
  label: string;
}

export const BUNDLED_STYLES: readonly BundledStyle[] = [
  { id: 'apa', label: 'APA 7th edition' },
  { id: 'chicago-author-date', label: 'Chicago author-date (17th edition)' },
  { id: 'ieee', label: 'IEEE' },
  { id: 'nature', label: 'Nature' },
  { id: 'vancouver', label: 'Vancouver' },
  { id: 'harvard-cite-them-right', label: 'Harvard (Cite Them Right)' },
  { id: 'association-for-computational-linguistics', label: 'ACL (Association for Computational Linguistics)' },
];

export const DEFAULT_STYLE = 'apa';

/** Locales shipped beside the styles (citeproc needs en-US; British styles ask for en-GB). */
export const BUNDLED_LOCALES: readonly string[] = ['en-US', 'en-GB'];

export type StyleRequest =
  /** A bundled style, by id. */
  | { kind: 'bundled'; id: string; from: string }
  /** A CSL file the document names (path as written, relative to the document). */
  | { kind: 'file'; path: string; from: string };

/** BibTeX `.bst` and biblatex style names → nearest bundled style (lower-case keys). */
const LATEX_STYLES: Record<string, string> = {
  // Numeric, IEEE-like
  ieeetr: 'ieee', ieeetran: 'ieee', ieee: 'ieee', 'ieee-alphabetic': 'ieee', plain: 'ieee', unsrt: 'ieee', abbrv: 'ieee', alpha: 'ieee',
  plainnat: 'chicago-author-date', unsrtnat: 'ieee', abbrvnat: 'chicago-author-date', numeric: 'ieee', 'numeric-comp': 'ieee', splncs04: 'ieee',
  // Vancouver, Nature
  vancouver: 'vancouver', 'biblatex-vancouver': 'vancouver', nature: 'nature', naturemag: 'nature',
  // Author-date
  apalike: 'apa', apa: 'apa', apacite: 'apa', 'apa6': 'apa', authoryear: 'chicago-author-date', 'authoryear-comp': 'chicago-author-date',
  'chicago-authordate': 'chicago-author-date', chicago: 'chicago-author-date', 'chicago-notes': 'chicago-author-date', agsm: 'harvard-cite-them-right', dcu: 'harvard-cite-them-right',
  harvard: 'harvard-cite-them-right', kluwer: 'harvard-cite-them-right', jss: 'apa',
  // ACL family
  acl_natbib: 'association-for-computational-linguistics', acl: 'association-for-computational-linguistics', naaclhlt2019: 'association-for-computational-linguistics',
  emnlp2018: 'association-for-computational-linguistics', aclweb: 'association-for-computational-linguistics',
};

/** The bundled style nearest a LaTeX style name, if any. */
export function bundledStyleForLatex(name: string): string | undefined {
  const n = name.trim().toLowerCase().replace(/\.bst$/, '');
  if (LATEX_STYLES[n]) return LATEX_STYLES[n];
  if (/^acl|naacl|emnlp|eacl|coling/.test(n)) return 'association-for-computational-linguistics';
  if (/ieee/.test(n)) return 'ieee';
  if (/^apa/.test(n)) return 'apa';
  if (/chicago/.test(n)) return 'chicago-author-date';
  if (/nature/.test(n)) return 'nature';
  if (/vancouver/.test(n)) return 'vancouver';
  if (/harvard/.test(n)) return 'harvard-cite-them-right';
  return undefined;
}

/** The bundled style a name means (`ieee`, `IEEE.csl`, `apa-7th`…), if any. */
export function bundledStyleId(name: string): string | undefined {
  const base = name.trim().replace(/^.*[\\/]/, '').replace(/\.csl$/i, '').toLowerCase();
  if (BUNDLED_STYLES.some((s) => s.id === base)) return base;
  return bundledStyleForLatex(base);
}

function uncommentedLatex(text: string): string {
  return text.replace(/(^|[^\\])%.*$/gm, '$1');
}

/** The style a LaTeX document names: `\bibliographystyle{…}`, else biblatex's `style=`/`bibstyle=`. */
export function latexStyleRequest(text: string): StyleRequest | undefined {
  const clean = uncommentedLatex(text);
  const bst = /\\bibliographystyle\s*\{([^}]*)\}/.exec(clean);
  if (bst) {
    const id = bundledStyleForLatex(bst[1]);
    if (id) return { kind: 'bundled', id, from: `\\bibliographystyle{${bst[1].trim()}}` };
  }
  const pkg = /\\usepackage\s*\[([^\]]*)\]\s*\{biblatex\}/.exec(clean);
  if (pkg) {
    const options = pkg[1];
    const style = /(?:^|,)\s*(?:bib)?style\s*=\s*([^,\s]+)/.exec(options) ?? /(?:^|,)\s*citestyle\s*=\s*([^,\s]+)/.exec(options);
    if (style) {
      const id = bundledStyleForLatex(style[1]);
      if (id) return { kind: 'bundled', id, from: `biblatex style=${style[1]}` };
    }
  }
  return undefined;
}

/** The CSL file (`csl:` or `citation-style:`) a YAML front matter or Quarto project config names. */
export function yamlStyleRequest(yaml: string, from = 'csl:'): StyleRequest | undefined {
  const m = /^[ \t]*(?:csl|citation-style):[ \t]*(.+?)[ \t]*$/m.exec(yaml);
  if (!m) return undefined;
  let value = m[1].replace(/\s+#.*$/, '').trim();
  if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1).trim();
  if (!value) return undefined;
  return { kind: 'file', path: value, from: `${from} ${value}` };
}

/** The front matter of a Markdown document, or '' when it has none. */
export function frontMatter(text: string): string {
  if (!/^---[ \t]*\r?\n/.test(text)) return '';
  const close = /\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/g;
  close.lastIndex = 3;
  const end = close.exec(text);
  return text.slice(0, end ? end.index : Math.min(text.length, 20_000));
}

/** The style a document asks for itself, if it names one. */
export function documentStyleRequest(text: string, syntax: DocumentSyntax | string): StyleRequest | undefined {
  if (syntax === 'latex') return latexStyleRequest(text);
  if (syntax === 'markdown') return yamlStyleRequest(frontMatter(text));
  return undefined;
}

/**
 * The parent of a dependent CSL style (most journal styles from Zotero's repository are
 * dependent: metadata and a link to the style that does the formatting), as the style id it
 * links to (`nature` for `http://www.zotero.org/styles/nature`), or undefined for an
 * independent style.
 */
export function independentParent(xml: string): string | undefined {
  const link = /<link\b[^>]*\brel="independent-parent"[^>]*>/.exec(xml)?.[0];
  if (!link) return undefined;
  const href = /\bhref="([^"]+)"/.exec(link)?.[1];
  return href?.replace(/\/+$/, '').replace(/^.*\//, '') || undefined;
}
