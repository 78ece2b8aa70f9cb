/**
 * A `CollectionPatch` as sent from the reader thread: its two big strings travel as UTF-8
 * bytes in transferable buffers (moved, not copied), and the receiver decodes them a slice
 * at a time. Cloning a 40 MB string instead would hold the receiving thread for tens of
 * milliseconds in one go, and keep a second copy alive in the sender until its next GC.
 */
import { CollectionPatch } from './incremental';
import { decodeUtf8InSlices } from './slicedDecode';

export interface WirePatch extends Omit<CollectionPatch, 'added'> {
  added: {
    count: number;
    numbers: Int32Array;
    strings: Uint8Array;
    displays?: { numbers: Int32Array; strings: Uint8Array };
  };
}

export function toWire(patch: CollectionPatch): { wire: WirePatch; transfer: ArrayBuffer[] } {
  const encoder = new TextEncoder();
  const { added } = patch;
  const strings = encoder.encode(added.strings);
  const displays = added.displays ? { numbers: added.displays.numbers, strings: encoder.encode(added.displays.strings) } : undefined;
  const wire: WirePatch = { ...patch, added: { count: added.count, numbers: added.numbers, strings, displays } };
  const transfer = [added.numbers.buffer, strings.buffer, patch.lineStarts.buffer] as ArrayBuffer[];
  if (displays) transfer.push(displays.numbers.buffer as ArrayBuffer, displays.strings.buffer as ArrayBuffer);
  return { wire, transfer: [...new Set(transfer)] };
}

export async function fromWire(wire: WirePatch, pause?: () => Promise<void>): Promise<CollectionPatch> {
  const decode = (bytes: Uint8Array): Promise<string> | string => (pause ? decodeUtf8InSlices(bytes, pause) : new TextDecoder().decode(bytes));
  const { added } = wire;
  return {
    ...wire,
    added: {
      count: added.count,
      numbers: added.numbers,
      strings: await decode(added.strings),
      displays: added.displays ? { numbers: added.displays.numbers, strings: await decode(added.displays.strings) } : undefined,
    },
  };
}
