/**
 * The CLI's output: text gathered into chunks of about 64 KB and written to a stream with its
 * backpressure respected, so that megabytes of JSON go through a pipe whole and without one
 * huge string. A reader that goes away (`| head`) closes the output quietly: writing stops,
 * and the command ends early without a stack trace.
 */
import type { Writable } from 'node:stream';

const CHUNK_CHARS = 64 * 1024;

export interface Output {
  /** Appends text (no newline added). */
  write(text: string): void;
  /** Appends a line. */
  line(text: string): void;
  /** True once the reader has gone: producers may stop. */
  readonly closed: boolean;
  /** Resolves when the stream can take more (call every few hundred writes in long loops). */
  ready(): Promise<void>;
  /** Writes what is buffered and resolves once the stream has accepted all of it. */
  finish(): Promise<void>;
}

export class StreamOutput implements Output {
  private parts: string[] = [];
  private size = 0;
  private waiting: Promise<void> | undefined;
  private gone = false;

  constructor(private readonly stream: Writable) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // EPIPE: the reading end closed. Anything else is also the end of our output.
      this.gone = true;
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') process.stderr.write(`citelens: cannot write the output: ${e.message}\n`);
    });
  }

  get closed(): boolean {
    return this.gone;
  }

  write(text: string): void {
    if (this.gone) return;
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) this.flush();
  }

  line(text: string): void {
    this.write(text + '\n');
  }

  private flush(): void {
    if (this.size === 0 || this.gone) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.send(chunk);
  }

  private send(chunk: string): void {
    if (!this.stream.write(chunk) && !this.waiting) {
      this.waiting = new Promise((resolve) => {
        const done = () => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          this.stream.off('error', done);
          this.waiting = undefined;
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
        this.stream.on('error', done);
      });
    }
  }

  ready(): Promise<void> {
    return this.waiting ?? Promise.resolve();
  }

  async finish(): Promise<void> {
    this.flush();
    if (this.gone) return;
    // An empty write's callback runs once everything before it has been handed to the OS.
    await new Promise<void>((resolve) => {
      const ok = this.stream.write('', () => resolve());
      if (!ok) this.stream.once('drain', () => resolve());
      this.stream.once('error', () => resolve());
    });
  }
}

/** Collects the output in memory (tests, embedding). */
export class StringOutput implements Output {
  private parts: string[] = [];
  readonly closed = false;

  write(text: string): void {
    this.parts.push(text);
  }

  line(text: string): void {
    this.parts.push(text + '\n');
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  get text(): string {
    return this.parts.join('');
  }
}
