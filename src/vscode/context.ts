/**
 * Owns every disposable of the extension and the shared services, so `extension.ts`
 * only composes features (the shape of rust-analyzer's `Ctx`).
 */
import * as vscode from 'vscode';
import { syntaxOfPath } from '../core/citations';
import { DocumentSyntax } from '../core/citeContext';
import { definedCiteCommands } from '../core/citeMacros';

export const LATEX_LANGUAGES = ['latex', 'tex', 'doctex'];
export const MARKDOWN_LANGUAGES = ['markdown', 'quarto', 'rmd', 'pandoc', 'rmarkdown'];
/** CiteLens contributes `typst` for `.typ` when no other extension does; tinymist's is the same id. */
export const TYPST_LANGUAGES = ['typst'];

/** Documents CiteLens completes and hovers in: by language, and by extension for files whose language extension is missing. */
export const CITING_DOCUMENTS: vscode.DocumentSelector = [
  ...LATEX_LANGUAGES.map((language) => ({ language })),
  ...MARKDOWN_LANGUAGES.map((language) => ({ language })),
  ...TYPST_LANGUAGES.map((language) => ({ language })),
  { pattern: '**/*.{qmd,Rmd,rmd,typ}' },
];

export function syntaxOf(document: vscode.TextDocument): DocumentSyntax | undefined {
  if (LATEX_LANGUAGES.includes(document.languageId)) return 'latex';
  if (MARKDOWN_LANGUAGES.includes(document.languageId)) return 'markdown';
  if (TYPST_LANGUAGES.includes(document.languageId)) return 'typst';
  return syntaxOfPath(document.uri.path);
}

/** tinymist, the Typst language server: it completes the keys of the compiled document's bibliography after `@`. */
export const TINYMIST_EXTENSION_ID = 'myriad-dreamin.tinymist';

/**
 * Does CiteLens complete citation keys in Typst documents? `citelens.typst.completion`:
 * `auto` leaves it to tinymist when that is installed (its list would repeat every key CiteLens
 * offers), `on` always, `off` never. Hover, navigation, diagnostics and the library stay either way.
 */
export function typstCompletionEnabled(): boolean {
  const mode = vscode.workspace.getConfiguration('citelens').get<string>('typst.completion', 'auto');
  if (mode === 'on') return true;
  if (mode === 'off') return false;
  return vscode.extensions.getExtension(TINYMIST_EXTENSION_ID) === undefined;
}

export interface Settings {
  exclude: string[];
  bibliographies: string[];
  citeCommands: string[];
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('citelens');
  return {
    exclude: c.get<string[]>('exclude', []),
    bibliographies: c.get<string[]>('bibliographies', []),
    citeCommands: c.get<string[]>('latex.citeCommands', []),
  };
}

const definedCommands = new WeakMap<vscode.TextDocument, { version: number; settings: string; commands: string[] }>();

/**
 * The citation commands of a document: the setting's, and in LaTeX those the document defines
 * over a citation command (`\newcommand{\mycite}[1]{\citep{#1}}`), found once per version
 * (`text`: the document's text when the caller has it already).
 */
export function citeCommandsOf(document: vscode.TextDocument, text?: string): string[] {
  const settings = readSettings().citeCommands;
  if (syntaxOf(document) !== 'latex') return settings;
  const settingsKey = settings.join('\n');
  let known = definedCommands.get(document);
  if (!known || known.version !== document.version || known.settings !== settingsKey) {
    known = { version: document.version, settings: settingsKey, commands: definedCiteCommands(text ?? document.getText(), settings) };
    definedCommands.set(document, known);
  }
  return known.commands.length ? [...settings, ...known.commands] : settings;
}

export class CiteLensContext implements vscode.Disposable {
  readonly output: vscode.OutputChannel;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = this.own(vscode.window.createOutputChannel('CiteLens'));
  }

  /** Registers a disposable to be disposed with the extension. */
  own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  log(message: string): void {
    this.output.appendLine(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        /* keep disposing the rest */
      }
    }
  }
}
