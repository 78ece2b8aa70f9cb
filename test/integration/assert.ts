/**
 * Minimal assertions for integration suites. No Node APIs (node:assert is not available in
 * the web-worker extension host), so the same suites run in both hosts.
 */

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 300 ? v.slice(0, 300) + '…' : v);
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 300 ? s.slice(0, 300) + '…' : s;
  } catch {
    return String(v);
  }
}

function fail(message: string | undefined, fallback: string): never {
  throw new AssertionError(message ? `${message}: ${fallback}` : fallback);
}

/** Passes when `value` is truthy. */
export function ok(value: unknown, message?: string): asserts value {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}

/** Strict equality (Object.is). */
export function equal<T>(actual: T, expected: T, message?: string): void {
  if (!Object.is(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Strict inequality (!Object.is). */
export function notEqual<T>(actual: T, expected: T, message?: string): void {
  if (Object.is(actual, expected)) fail(message, `expected a value other than ${show(expected)}`);
}

function deepEq(a: unknown, b: unknown, seen: Map<object, object>): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map) {
    const bm = b as Map<unknown, unknown>;
    if (a.size !== bm.size) return false;
    for (const [k, v] of a) if (!bm.has(k) || !deepEq(v, bm.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    const bs = b as Set<unknown>;
    if (a.size !== bs.size) return false;
    for (const v of a) if (!bs.has(v)) return false;
    return true;
  }
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    return a.every((v, i) => deepEq(v, bb[i], seen));
  }
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  return ak.every(
    (k) => Object.prototype.hasOwnProperty.call(b, k) && deepEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen),
  );
}

/** Structural equality of plain objects, arrays, Maps, Sets, Dates (same prototypes required). */
export function deepEqual<T>(actual: T, expected: T, message?: string): void {
  if (!deepEq(actual, expected, new Map())) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Passes when `text` matches `re`. */
export function match(text: string, re: RegExp, message?: string): void {
  if (typeof text !== 'string' || !re.test(text)) fail(message, `expected ${show(text)} to match ${re}`);
}

/** Passes when a string contains a substring, or an array contains an element (===). */
export function includes(haystack: string | readonly unknown[], needle: unknown, message?: string): void {
  const found = typeof haystack === 'string' ? haystack.includes(String(needle)) : Array.isArray(haystack) && haystack.includes(needle);
  if (!found) fail(message, `expected ${show(haystack)} to include ${show(needle)}`);
}

/** Passes when `fn` throws (or its promise rejects); returns the error. */
export async function rejects(fn: () => unknown, message?: string): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  fail(message, 'expected an error, none was thrown');
}

/** Polls `cond` until it is truthy (returns its value) or `timeoutMs` passes (throws). */
export async function eventually<T>(cond: () => T | Promise<T>, timeoutMs = 5000, message = 'condition', intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e instanceof Error ? e.message : e;
    }
    if (Date.now() > deadline) fail(undefined, `${message} not met within ${timeoutMs} ms (last: ${show(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
