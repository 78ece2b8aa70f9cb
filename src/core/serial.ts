/** Ordering of asynchronous work (pure: used by both extension hosts and the reader thread). */

/** Runs tasks one after another per key (readings of one file must not interleave). */
export class SerialPerKey {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Uses values in the order they were handed in, though they settle in any order: each waits
 * for the one handed in before it to be used, but at most `maxWaitMs` (a value that never
 * settles holds the others up for a moment only).
 */
export class InOrder {
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly maxWaitMs: number) {}

  run<T, R>(value: Promise<T>, use: (value: T) => R): Promise<Awaited<R>> {
    const previous = this.last;
    let used!: () => void;
    this.last = new Promise<void>((resolve) => (used = resolve));
    return Promise.race([previous, delay(this.maxWaitMs)])
      .then(() => value)
      .then(
        (v) => {
          used();
          return use(v);
        },
        (e: unknown) => {
          used();
          throw e;
        },
      ) as Promise<Awaited<R>>;
  }
}
