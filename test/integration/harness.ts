/**
 * A tiny test harness that runs inside VS Code's extension host, both the Node one and the
 * web-worker one: no Node APIs, no mocha. Suites register tests at import time; the entry
 * point (index.ts / index.web.ts) calls runSuites() from its exported run().
 *
 * Output goes through console.log, which the launcher receives (code-server: through the
 * workbench's `codeAutomationLog`; desktop VS Code: the extension host's stdout):
 *   ✓ suite › test (12 ms)
 *   ✗ suite › test: message
 *   N passed, N failed
 * runSuites() rejects when any test failed, so the workbench exits with code 1.
 *
 *   suite('hover', () => {
 *     before(async () => { ... });           // optional, runs once before the suite's tests
 *     test('shows the title', async () => { ... });
 *     test('slow one', async () => { ... }, { timeout: 30_000 });
 *     test.skip('not yet', () => {});
 *   });
 */

export type TestFn = () => unknown | Promise<unknown>;

export interface TestOptions {
  /** Milliseconds before the test fails with a timeout (default: setDefaultTimeout, 10 s). */
  timeout?: number;
}

interface TestCase {
  name: string;
  fn: TestFn;
  timeout?: number;
  skip: boolean;
}

interface Suite {
  name: string;
  tests: TestCase[];
  before: TestFn[];
  after: TestFn[];
}

export interface RunResult {
  passed: number;
  failed: number;
  skipped: number;
}

const suites: Suite[] = [];
let current: Suite | undefined;
let defaultTimeout = 10_000;

/** Sets the per-test timeout used when a test gives none. */
export function setDefaultTimeout(ms: number): void {
  defaultTimeout = ms;
}

function currentSuite(): Suite {
  if (current) return current;
  // Tests declared outside any suite go into an unnamed one.
  let root = suites.find((s) => s.name === '');
  if (!root) {
    root = { name: '', tests: [], before: [], after: [] };
    suites.push(root);
  }
  return root;
}

/** Declares a suite; `fn` runs immediately and declares the suite's tests. */
export function suite(name: string, fn: () => void): void {
  const s: Suite = { name, tests: [], before: [], after: [] };
  suites.push(s);
  const outer = current;
  current = s;
  try {
    fn();
  } finally {
    current = outer;
  }
}

function addTest(name: string, fn: TestFn, options: TestOptions | number | undefined, skip: boolean): void {
  const timeout = typeof options === 'number' ? options : options?.timeout;
  currentSuite().tests.push({ name, fn, timeout, skip });
}

/** Declares a test (sync or async) in the current suite. */
export function test(name: string, fn: TestFn, options?: TestOptions | number): void {
  addTest(name, fn, options, false);
}
/** Declares a test that is reported as skipped and not run. */
test.skip = (name: string, fn: TestFn, options?: TestOptions | number): void => addTest(name, fn, options, true);

/** Runs once before the current suite's tests; a failure fails every test of the suite. */
export function before(fn: TestFn): void {
  currentSuite().before.push(fn);
}
/** Runs once after the current suite's tests (also when they failed); a failure counts as a failed test. */
export function after(fn: TestFn): void {
  currentSuite().after.push(fn);
}

function describeError(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  try {
    return typeof e === 'string' ? e : JSON.stringify(e);
  } catch {
    return String(e);
  }
}

function stackOf(e: unknown): string | undefined {
  if (!(e instanceof Error) || !e.stack) return undefined;
  const lines = e.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 6);
  return lines.length ? lines.map((l) => '    ' + l.trim()).join('\n') : undefined;
}

async function withTimeout(fn: TestFn, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Runs every registered suite in declaration order, one test at a time, logging each result
 * and the closing `N passed, N failed` line. Rejects if any test failed (or none ran).
 */
export async function runSuites(): Promise<RunResult> {
  const result: RunResult = { passed: 0, failed: 0, skipped: 0 };
  const fail = (label: string, e: unknown): void => {
    result.failed++;
    console.log(`✗ ${label}: ${describeError(e)}`);
    const stack = stackOf(e);
    if (stack) console.log(stack);
  };
  const started = now();
  for (const s of suites) {
    const prefix = s.name ? `${s.name} › ` : '';
    let setupError: unknown;
    let setupFailed = false;
    for (const hook of s.before) {
      try {
        await withTimeout(hook, defaultTimeout, `${prefix}before hook`);
      } catch (e) {
        setupFailed = true;
        setupError = e;
        break;
      }
    }
    for (const t of s.tests) {
      const label = prefix + t.name;
      if (t.skip) {
        result.skipped++;
        console.log(`- ${label} (skipped)`);
        continue;
      }
      if (setupFailed) {
        fail(label, new Error(`before hook failed: ${describeError(setupError)}`));
        continue;
      }
      const t0 = now();
      try {
        await withTimeout(t.fn, t.timeout ?? defaultTimeout, 'test');
        result.passed++;
        console.log(`✓ ${label} (${Math.round(now() - t0)} ms)`);
      } catch (e) {
        fail(label, e);
      }
    }
    for (const hook of s.after) {
      try {
        await withTimeout(hook, defaultTimeout, `${prefix}after hook`);
      } catch (e) {
        fail(`${prefix}after hook`, e);
      }
    }
  }
  const total = result.passed + result.failed;
  console.log(`(${Math.round(now() - started)} ms${result.skipped ? `, ${result.skipped} skipped` : ''})`);
  console.log(`${result.passed} passed, ${result.failed} failed`);
  if (result.failed > 0) throw new Error(`${result.failed} of ${total} integration tests failed`);
  if (total === 0) throw new Error('no integration tests ran');
  return result;
}
