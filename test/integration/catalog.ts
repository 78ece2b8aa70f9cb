/** Asking the extension's catalog from a test (the same typed messages the features send). */
import type { CiteLensApi } from '../../src/extension';

/** Is `key` (or an `ids` alias) defined in the workspace's collections? */
export async function hasKey(api: CiteLensApi, key: string): Promise<boolean> {
  const info = await api.collections.catalog.call('keyInfo', key);
  return info.defined || info.aliasOf !== undefined;
}

export function paperOf(api: CiteLensApi, key: string) {
  return api.collections.catalog.call('paper', key);
}
