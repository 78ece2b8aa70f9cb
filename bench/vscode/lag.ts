/**
 * Event-loop lag monitor shared by the in-host suite (suite.ts) and the probe extension
 * (probe.ts), which starts it earlier when installed.
 */
const perfNow = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
export const round = (x: number | undefined, d = 1): number | null => (x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);

/** What the probe extension leaves on globalThis for the suite. */
export interface Probe {
  activatedAt: number;
  monitor: LagMonitor;
  /** Whether CiteLens was already active when the probe activated (then coverage is partial). */
  citelensActive: boolean;
  memory?: Record<string, number>;
  /** When the probe first saw CiteLens active (Date.now()). */
  citelensActiveObservedAt?: number;
  globalStorageRoot?: string;
  /** A V8 CPU profile of the extension host's thread, started with the probe (`--profile`). */
  profiler?: { stop(): Promise<unknown> };
}

/**
 * Event-loop lag: a timer that should fire every INTERVAL ms; how late each tick is, is how
 * long the loop was blocked (by anything in the host: the extension, other extensions, this
 * suite). Resolution is a few ms; blocks shorter than the interval go unseen.
 */
export class LagMonitor {
  static readonly INTERVAL = 5;
  private static readonly BUCKETS = [10, 20, 50, 100, 250, 500, 1000, 2000, 5000];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private expected = 0;
  readonly startedAt = Date.now();
  private stoppedAt = 0;
  private ticks = 0;
  private max = 0;
  private maxAt = 0;
  private total = 0;
  private readonly histogram = new Array<number>(LagMonitor.BUCKETS.length + 1).fill(0);
  /** The longest blocks, with when they ended (Date.now()). */
  private readonly blocks: Array<{ ms: number; endedAt: number }> = [];

  start(): this {
    this.expected = perfNow() + LagMonitor.INTERVAL;
    this.timer = setTimeout(this.tick, LagMonitor.INTERVAL);
    return this;
  }

  private readonly tick = (): void => {
    const now = perfNow();
    const late = Math.max(0, now - this.expected);
    this.ticks++;
    this.total += late;
    if (late > this.max) {
      this.max = late;
      this.maxAt = Date.now();
    }
    let b = LagMonitor.BUCKETS.findIndex((limit) => late < limit);
    if (b < 0) b = LagMonitor.BUCKETS.length;
    this.histogram[b]++;
    if (late >= 20) {
      this.blocks.push({ ms: late, endedAt: Date.now() });
      this.blocks.sort((a, c) => c.ms - a.ms);
      if (this.blocks.length > 10) this.blocks.length = 10;
    }
    this.expected = now + LagMonitor.INTERVAL;
    this.timer = setTimeout(this.tick, LagMonitor.INTERVAL);
  };

  stop(origin: number): Record<string, unknown> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.stoppedAt = Date.now();
    const labels = LagMonitor.BUCKETS.map((l, i) => `${i ? LagMonitor.BUCKETS[i - 1] : 0}-${l}ms`).concat(`>=${LagMonitor.BUCKETS[LagMonitor.BUCKETS.length - 1]}ms`);
    return {
      intervalMs: LagMonitor.INTERVAL,
      startedAtMs: this.startedAt - origin,
      stoppedAtMs: this.stoppedAt - origin,
      ticks: this.ticks,
      maxBlockMs: round(this.max),
      maxBlockEndedAtMs: this.maxAt ? this.maxAt - origin : null,
      meanLateMs: round(this.ticks ? this.total / this.ticks : 0, 2),
      blocksOver50ms: this.histogram.slice(LagMonitor.BUCKETS.indexOf(50)).reduce((a, c) => a + c, 0),
      histogram: Object.fromEntries(labels.map((l, i) => [l, this.histogram[i]])),
      longest: this.blocks.map((x) => ({ ms: round(x.ms), endedAtMs: x.endedAt - origin })),
    };
  }
}

