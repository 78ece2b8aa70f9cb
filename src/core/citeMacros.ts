/**
 * LaTeX macros a document defines over citation commands: `\newcommand{\mycite}[1]{\citep{#1}}`
 * makes `\mycite` a citation command of that document. Inside a definition's body `#1`…`#9`
 * are its parameters, never keys (see `isMacroParameter`).
 */
import { isCiteCommandName } from './citeContext';

/** `\newcommand{\name}`, `\renewcommand*\name`, `\DeclareRobustCommand`, `\NewDocumentCommand{\name}`, `\def\name`… */
const DEFINITION =
  /\\(?:(?:re)?newcommand\*?|providecommand\*?|DeclareRobustCommand\*?|(?:New|Renew|Provide|Declare)DocumentCommand|[gex]?def)\s*(?:\{\s*\\([a-zA-Z@]+)\s*\}|\\([a-zA-Z@]+))/g;
/** A cite command (a name, its star, optional arguments) whose key list holds a parameter. */
const PARAMETER_CITATION = /\\([a-zA-Z@]+)\*?(?:\s*\[[^\]]*\])*\s*\{[^{}]*#[1-9]/g;
/** A body longer than this is not a citation wrapper (and is not searched). */
const MAX_BODY = 4000;
/** Wrappers of wrappers: `\citeboth` over `\mycite` over `\citep`, at most this deep. */
const MAX_ROUNDS = 3;

/** A key group's text that is a macro parameter (`#1`, `##2`), not a key. */
export function isMacroParameter(key: string): boolean {
  return /#[1-9]/.test(key);
}

/** The commands `text` defines whose bodies pass a parameter to a citation command (`extra`: more citation commands). */
export function definedCiteCommands(text: string, extra: readonly string[] = []): string[] {
  if (!text.includes('\\')) return [];
  const definitions: Array<{ name: string; body: string }> = [];
  DEFINITION.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DEFINITION.exec(text))) {
    const name = m[1] ?? m[2];
    const body = bodyAfter(text, m.index + m[0].length);
    if (body !== undefined && body.includes('#')) definitions.push({ name, body });
  }
  if (!definitions.length) return [];
  const known = new Set(extra.map((c) => c.replace(/^\\/, '')));
  const found: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let added = false;
    for (const d of definitions) {
      if (found.includes(d.name)) continue;
      PARAMETER_CITATION.lastIndex = 0;
      let c: RegExpExecArray | null;
      while ((c = PARAMETER_CITATION.exec(d.body))) {
        if (c[1] !== d.name && (isCiteCommandName(c[1]) || known.has(c[1]))) {
          found.push(d.name);
          known.add(d.name);
          added = true;
          break;
        }
      }
    }
    if (!added) break;
  }
  // A definition of a name that is a citation command already needs nothing added.
  return found.filter((name) => !isCiteCommandName(name));
}

/**
 * The braced body of a definition whose header ends at `from`: after `[n]`/`[default]`
 * (newcommand), an argument specification `{m o}` (xparse) or a parameter text `#1#2` (\def).
 */
function bodyAfter(text: string, from: number): string | undefined {
  let i = from;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skipSpace();
  while (text[i] === '[') {
    const close = text.indexOf(']', i);
    if (close < 0 || close - i > 200) return undefined;
    i = close + 1;
    skipSpace();
  }
  while (i < text.length && text[i] === '#' && /[1-9]/.test(text[i + 1] ?? '')) {
    i += 2;
    skipSpace();
  }
  let group = balancedGroup(text, i);
  if (group === undefined) return undefined;
  // xparse: the first group is the argument specification, the body follows it.
  const after = i + group.length + 2;
  const rest = text.slice(after, after + 8).trimStart();
  if (/^[moOrRvsdDegtbEl+!\s{}]*$/.test(group) && !group.includes('\\') && rest.startsWith('{')) {
    i = after + (text.slice(after).length - text.slice(after).trimStart().length);
    group = balancedGroup(text, i);
  }
  return group;
}

/** The text inside the `{…}` starting at `at` (escaped braces skipped), if it closes within MAX_BODY. */
function balancedGroup(text: string, at: number): string | undefined {
  if (text[at] !== '{') return undefined;
  let depth = 0;
  const limit = Math.min(text.length, at + MAX_BODY);
  for (let i = at; i < limit; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(at + 1, i);
  }
  return undefined;
}
