/**
 * Big `citelens parse` outputs use the machine's second core: an output thread reads the same
 * bytes (shared, not copied), builds the same library, and turns the second half of the
 * entries into output text while the main thread writes the first half. The main thread then
 * writes the thread's chunks in order. Reading is deterministic, so both threads see the
 * same entries; the thread's count is checked, and if it disagrees or the thread fails, the
 * main thread writes the rest itself.
 */
import { availableParallelism } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { buildLibrary, ENTRIES_PER_BATCH, EntryFormat, EntrySerializer, ReadCollection } from './entryOutput';

/** Below this many bytes of collections a second thread costs more than it saves. */
const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;
/** Batches per message from the output thread. */
const BATCHES_PER_CHUNK = 4;

interface OutputThreadData {
  citelensOutputThread: true;
  collections: ReadCollection[];
  format: EntryFormat;
}

type ThreadMessage = { kind: 'count'; entries: number } | { kind: 'chunk'; bytes: Uint8Array; to: number } | { kind: 'done' };

/** Where the output thread's share starts: it takes the second half. */
export function splitPoint(entries: number): number {
  return Math.floor(entries / 2);
}

export class OutputThread {
  private readonly queue: ThreadMessage[] = [];
  private wake: (() => void) | undefined;
  private failed = false;
  private count: number | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: ThreadMessage) => {
      if (m.kind === 'count') this.count = m.entries;
      else this.queue.push(m);
      this.wake?.();
    });
    const stop = () => {
      this.failed = true;
      this.wake?.();
    };
    worker.on('error', stop);
    worker.on('exit', stop);
  }

  /**
   * Starts the thread when it pays: a second core, collections of some size, and the CLI
   * running from its bundle (`script`, which is also the thread's code). CITELENS_THREADS=1
   * turns it off.
   */
  static start(script: string | undefined, collections: ReadCollection[], format: EntryFormat): OutputThread | undefined {
    if (!script || process.env.CITELENS_THREADS === '1' || availableParallelism() < 2) return undefined;
    if (collections.reduce((n, c) => n + c.bytes.length, 0) < PARALLEL_MIN_BYTES) return undefined;
    if (!collections.every((c) => c.bytes.buffer instanceof SharedArrayBuffer)) return undefined;
    const data: OutputThreadData = { citelensOutputThread: true, collections, format };
    return new OutputThread(new Worker(script, { workerData: data }));
  }

  /**
   * The thread's output for entries [splitPoint(entries), entries), chunk by chunk in order,
   * each with the index after its last entry. Ends early (the caller writes the rest) if the
   * thread failed or read a different number of entries.
   */
  async *chunks(entries: number): AsyncGenerator<{ bytes: Uint8Array; to: number }> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        if (this.count !== entries) return;
        if (next.kind === 'done') return;
        if (next.kind === 'chunk') yield next;
        continue;
      }
      if (this.failed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  stop(): void {
    void this.worker.terminate();
  }
}

/** The output thread's body (the CLI bundle started as a worker). */
export function runOutputThreadIfWorker(): boolean {
  const data = workerData as OutputThreadData | undefined;
  if (!parentPort || !data?.citelensOutputThread) return false;
  const port = parentPort;
  const { library, entries } = buildLibrary(data.collections);
  port.postMessage({ kind: 'count', entries: entries.length } satisfies ThreadMessage);
  const serializer = new EntrySerializer(library, data.format);
  const encoder = new TextEncoder();
  const step = ENTRIES_PER_BATCH * BATCHES_PER_CHUNK;
  for (let from = splitPoint(entries.length); from < entries.length; from += step) {
    const to = Math.min(entries.length, from + step);
    let text = '';
    for (let at = from; at < to; at += ENTRIES_PER_BATCH) {
      // JSON records follow the main thread's: each batch is preceded by its separator.
      text += (data.format === 'json' ? ',\n' : '') + serializer.batch(entries, at, Math.min(to, at + ENTRIES_PER_BATCH));
    }
    const bytes = encoder.encode(text);
    port.postMessage({ kind: 'chunk', bytes, to } satisfies ThreadMessage, [bytes.buffer]);
  }
  port.postMessage({ kind: 'done' } satisfies ThreadMessage);
  return true;
}
