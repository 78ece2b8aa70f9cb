/**
 * The catalog's thread dies (a worker thread in the Node host, a Web Worker in the web host):
 * questions in flight are answered, the thread starts again, every collection is
 * read again, and the user sees one clear message.
 */
import * as vscode from 'vscode';
import { equal, eventually, ok } from '../assert';
import { suite, test } from '../harness';
import { citelens, completeAt } from './util';

interface CrashableCatalog {
  crashForTesting(): Promise<unknown> | undefined;
  shown: string[];
  runsIn: 'thread' | 'host';
  whyInHost?: string;
}

suite('the catalog thread', () => {
  test('a thread that dies is restarted and reads the collections again; nothing hangs; one message', async () => {
    const api = await citelens();
    const catalog = api.collections.catalog as unknown as Partial<CrashableCatalog>;
    // A worker thread in the Node host, a Web Worker in the web host.
    ok(typeof catalog.crashForTesting === 'function' && catalog.runsIn === 'thread', `the catalog runs in its own thread (${catalog.runsIn ?? 'host'}: ${catalog.whyInHost})`);
    // Earlier suites leave re-readings pending (a reverted editor, deleted files): settle them first.
    await vscode.commands.executeCommand('citelens.reindex');
    const before = await api.collections.catalog.call('status');
    const papers = before.papers;
    ok(papers >= 100, `${papers} papers before`);
    const shownBefore = catalog.shown!.length;
    // A question in flight when the thread dies gets an answer (an error), not silence.
    const inFlight = api.collections.catalog.call('search', 'uncertainty', 20).then(
      () => 'answered',
      (e: Error) => `error: ${e.message}`,
    );
    await catalog.crashForTesting!();
    const outcome = await Promise.race([inFlight, new Promise((r) => setTimeout(() => r('no answer within 10 s'), 10_000))]);
    ok(outcome === 'answered' || String(outcome).startsWith('error: '), String(outcome));
    let now = -1;
    await eventually(async () => (now = (await api.collections.catalog.call('status')).papers) === papers, 60_000, 'every paper read again').catch((e: Error) => {
      return api.collections.catalog.call('status').then((after) => {
        const count = (s: typeof before) => new Map(s.files.map((f) => [f.file, f.entries]));
        const was = count(before);
        const is = count(after);
        const differ = [...new Set([...was.keys(), ...is.keys()])].filter((f) => was.get(f) !== is.get(f)).map((f) => `${f}: ${was.get(f)} → ${is.get(f)}`);
        throw new Error(`${e.message}: ${now} papers after the restart, ${papers} before; files that differ: ${differ.join('; ') || 'none'}`);
      });
    });
    ok(now === papers, `${now} papers after the restart, ${papers} before`);
    const { labels } = await completeAt('latex', '\\cite{oh 2024 unc|');
    ok(labels.length > 0, 'completion answers after the restart');
    equal(catalog.shown!.length - shownBefore, 1, `messages shown: ${catalog.shown!.slice(shownBefore).join(' | ')}`);
    ok(/restarted/.test(catalog.shown![catalog.shown!.length - 1]), 'the message says what happened');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }, { timeout: 90_000 });
});
