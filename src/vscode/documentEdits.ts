/**
 * Open collections' changes since a text the catalog holds, so that an edit sends the catalog
 * a few characters instead of the whole document: copying 50 MB to the catalog's thread
 * blocked the extension host for about 200 ms per edit. The catalog checks the base and the
 * resulting length, and asks for the whole text when they do not fit (`needsText`).
 */
import * as vscode from 'vscode';
import type { DocumentEdits, FileStamp } from '../core/catalogProtocol';

/** More changes than this since the base: the whole text is sent instead. */
const MAX_CHANGES = 5000;

interface EditLog {
  /**
   * The document version the catalog was sent, or the file's stamp when the document was
   * clean (opened or saved: its text was the file's then). A file changed on disk since has
   * another stamp, so edits made to its old text are not applied to the new one.
   */
  base: number | Promise<FileStamp | undefined>;
  changes: DocumentEdits['changes'];
  /** The document version after the last change logged. */
  version: number;
}

export class DocumentEditLog {
  private readonly logs = new Map<string, EditLog>();

  /** The document's text is the file's (opened or saved clean). */
  clean(doc: vscode.TextDocument): void {
    const stamp = Promise.resolve(vscode.workspace.fs.stat(doc.uri)).then(
      (s): FileStamp => ({ size: s.size, mtime: s.mtime }),
      () => undefined,
    );
    this.logs.set(doc.uri.toString(), { base: stamp, changes: [], version: doc.version });
  }

  /** A change event of a collection's document (one without content changes still moves its version). */
  record(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    const log = this.logs.get(key);
    if (!log) return;
    for (const c of e.contentChanges) log.changes.push({ offset: c.rangeOffset, length: c.rangeLength, text: c.text });
    log.version = e.document.version;
    if (log.changes.length > MAX_CHANGES) this.logs.delete(key);
  }

  /**
   * The changes since the base, when every one of them was logged ('current' when the catalog
   * was sent this very version); from then on the base is this version (readings reach the
   * catalog in the order they are sent).
   */
  async take(doc: vscode.TextDocument): Promise<DocumentEdits | 'current' | undefined> {
    const key = doc.uri.toString();
    const log = this.logs.get(key);
    if (!log || log.version !== doc.version) return undefined;
    if (!log.changes.length) return log.base === doc.version ? 'current' : undefined;
    const length = doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
    this.logs.set(key, { base: doc.version, changes: [], version: doc.version });
    if (typeof log.base === 'number') return { base: { version: log.base }, version: doc.version, length, changes: log.changes };
    const disk = await log.base;
    if (disk) return { base: { disk }, version: doc.version, length, changes: log.changes };
    this.logs.delete(key);
    return undefined;
  }

  /** The whole text of this version was sent. */
  sentText(doc: vscode.TextDocument): void {
    this.logs.set(doc.uri.toString(), { base: doc.version, changes: [], version: doc.version });
  }

  forget(uri: string): void {
    this.logs.delete(uri);
  }
}
