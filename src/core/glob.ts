/**
 * A small glob matcher for exclude settings (`**`, `*`, `?`, `{a,b}`, `[abc]`) on
 * `/`-separated paths, so exclusions work the same in the desktop and web hosts.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let out = '';
  let inClass = false;
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (inClass) {
      out += c === '\\' ? '\\\\' : c;
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches any number of folders, including none.
        i++;
        if (glob[i + 1] === '/') {
          i++;
          out += '(?:[^/]*/)*';
        } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      inClass = true;
      out += '[';
      if (glob[i + 1] === '!') {
        out += '^';
        i++;
      }
    } else if (c === '{') {
      braceDepth++;
      out += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (c === ',' && braceDepth > 0) out += '|';
    else out += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  out += ')'.repeat(braceDepth);
  try {
    re = new RegExp(`^${out}$`);
  } catch {
    re = /^$/;
  }
  cache.set(glob, re);
  return re;
}

/**
 * Does the workspace-relative `path` match the glob? A glob without `/` also matches any
 * single path segment chain below it (`node_modules` excludes `a/node_modules/b.bib`).
 */
export function matchesGlob(path: string, glob: string): boolean {
  const normalised = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  if (globToRegExp(normalised).test(path)) return true;
  if (globToRegExp(`${normalised}/**`).test(path)) return true;
  if (!normalised.startsWith('**/')) {
    if (globToRegExp(`**/${normalised}`).test(path) || globToRegExp(`**/${normalised}/**`).test(path)) return true;
  }
  return false;
}

export function hasGlobCharacters(s: string): boolean {
  return /[*?{[]/.test(s);
}
