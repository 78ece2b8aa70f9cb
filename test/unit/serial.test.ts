/** Ordering helpers (src/core/serial.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delay, InOrder } from '../../src/core/serial';

test('InOrder uses values in the order handed in, though they settle in another order', async () => {
  const order = new InOrder(10_000);
  const used: string[] = [];
  const slow = delay(60).then(() => 'slow');
  const fast = Promise.resolve('fast');
  const a = order.run(slow, (v) => used.push(v));
  const b = order.run(fast, (v) => used.push(v));
  await Promise.all([a, b]);
  assert.deepEqual(used, ['slow', 'fast']);
});

test('a value that fails is passed on as the failure and does not hold the next one up', async () => {
  const order = new InOrder(10_000);
  const used: string[] = [];
  const failing = order.run(Promise.reject(new Error('no stat')), (v: string) => used.push(v));
  const next = order.run(Promise.resolve('next'), (v) => used.push(v));
  await assert.rejects(failing, /no stat/);
  await next;
  assert.deepEqual(used, ['next']);
});

test('a value that never settles holds the next one up for maxWaitMs only', async () => {
  const order = new InOrder(50);
  void order.run(new Promise<string>(() => undefined), () => 'never');
  const started = Date.now();
  assert.equal(await order.run(Promise.resolve('later'), (v) => v), 'later');
  assert.ok(Date.now() - started >= 45, 'it waited for the stuck one a while');
});
