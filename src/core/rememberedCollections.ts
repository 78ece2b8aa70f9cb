/**
 * The collections a workspace's last search found, kept between sessions so the next start
 * reads them while VS Code searches again. Folders and collections are URI strings; a folder
 * is recognised by its scheme and path only, since code-server's web host puts its port in
 * the authority and the port may change between starts.
 */

/** What is stored: the workspace folders of that session and the collections found. */
export interface RememberedCollections {
  folders: string[];
  collections: string[];
}

/** A URI string without its authority: `vscode-remote://localhost:8080/a` → `vscode-remote:///a`. */
function withoutAuthority(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*/i, '$1');
}

function asFolder(uri: string): string {
  return uri.endsWith('/') ? uri : uri + '/';
}

/** The name of the file that holds a workspace's list (same for the same folders, whatever the port). */
export function rememberedName(folders: readonly string[]): string {
  return stringHash(folders.map(withoutAuthority).join('\n'));
}

/**
 * The remembered collections for today's `folders`, named through today's folder URIs; none
 * when `saved` is not a list of the same folders (a damaged or foreign file reads as nothing).
 */
export function rememberedFor(saved: unknown, folders: readonly string[], limit: number): string[] {
  if (!saved || typeof saved !== 'object') return [];
  const { folders: then, collections } = saved as Partial<RememberedCollections>;
  if (!Array.isArray(then) || !Array.isArray(collections) || then.length !== folders.length) return [];
  if (then.some((f, i) => typeof f !== 'string' || withoutAuthority(asFolder(f)) !== withoutAuthority(asFolder(folders[i])))) return [];
  const out: string[] = [];
  for (const uri of collections) {
    if (out.length >= limit) break;
    if (typeof uri !== 'string') continue;
    const i = then.findIndex((f) => uri.startsWith(asFolder(f)));
    out.push(i < 0 ? uri : asFolder(folders[i]) + uri.slice(asFolder(then[i]).length));
  }
  return out;
}

/** A short stable name for a string (FNV-1a, two 32-bit rounds). */
function stringHash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x811c9dc5) ^ (a >>> 7);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
