/**
 * Reading a local file that may be being written (Node only: the reader's worker thread).
 */
import { promises as fs } from 'fs';
import { delay } from '../core/serial';

/** How long a file being written is given to settle before it is read again. */
export const SETTLE_DELAY_MS = 60;

/**
 * The file's bytes once it holds still: a watcher reports a write as it starts, so a read can
 * catch a file half written (its size or time changes under the read) or just truncated (empty
 * although it held a collection). Read again, a few times at most, rather than apply a torn file:
 * that would drop entries and build them again a moment later.
 */
export async function readSettled(fsPath: string, known: boolean): Promise<{ bytes: Buffer; mtime: number } | 'folder'> {
  for (let attempt = 0; ; attempt++) {
    const before = await fs.stat(fsPath);
    if (before.isDirectory()) return 'folder';
    const bytes = await fs.readFile(fsPath);
    const after = await fs.stat(fsPath);
    const moving = after.size !== bytes.length || after.mtimeMs !== before.mtimeMs;
    const emptied = bytes.length === 0 && known;
    if ((!moving && !emptied) || attempt === 3) return { bytes, mtime: before.mtimeMs };
    await delay(SETTLE_DELAY_MS);
  }
}

