/**
 * The catalog's Web Worker (web extension host; bundled as dist/catalog-worker.web.js): the
 * same catalog service as the Node host's worker thread, without local paths or the
 * persistent cache (the host reads the bytes through `vscode.workspace.fs` and sends them).
 */
import { CatalogService } from '../core/catalogProtocol';

declare const self: { onmessage: ((e: { data: unknown }) => void) | null; postMessage(message: unknown): void };

const channel = new MessageChannel();
const waiting: Array<() => void> = [];
channel.port1.onmessage = () => waiting.shift()?.();
/** Yields between slices (a MessageChannel: nested setTimeout(0) is clamped to 4 ms in workers). */
const pause = () =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });

const service = new CatalogService({
  pause,
  sliceMs: 15,
  memory: () => {
    const heap = (performance as unknown as { memory?: { usedJSHeapSize: number; totalJSHeapSize: number } }).memory;
    return { heapUsedMB: heap ? Math.round(heap.usedJSHeapSize / 1048576) : -1, heapTotalMB: heap ? Math.round(heap.totalJSHeapSize / 1048576) : -1, thread: 'worker' };
  },
});

self.onmessage = (e) => {
  void service.handle(e.data).then((reply) => self.postMessage(reply));
};
