/**
 * Hostile collection text in hovers and completion documentation: HTML, `<script>`, Markdown
 * link injection (`[x](command:…)`), `javascript:` and `command:` URLs and DOIs, backticks,
 * very long fields. The Markdown VS Code renders must show that text as text: escaped, no HTML,
 * no link except http(s) ones and our own `citelens.openEntry` command, and trusted for that
 * command only. Runs in both hosts.
 */
import { hasKey, paperOf } from '../catalog';
import * as vscode from 'vscode';
import { deepEqual, eventually, includes, ok } from '../assert';
import { after, before, suite, test } from '../harness';
import { citelens, openWithCursor, removeQuietly, workspaceUri, writeText } from './util';
import { COPY_REFERENCE_COMMAND, OPEN_ENTRY_COMMAND, TRUSTED_COMMANDS } from '../../../src/features/paperMarkdown';

const LONG = 'Z'.repeat(200_000);

const HOSTILE_BIB = [
  '@article{hostile2026,',
  '  title = {<script>alert(1)</script> <img src=x onerror=alert(2)> **bold** [click](command:workbench.action.terminal.new) [js](javascript:alert(3))},',
  '  author = {Evil, Eve and `rm -rf ~` and <b>Bold</b>, Bob},',
  '  journal = {[x](command:citelens.reindex) ![img](https://evil.example/track.png) <https://evil.example>},',
  '  year = {2026},',
  '  doi = {10.1000/x)](command:workbench.action.terminal.new)},',
  '  url = {javascript:alert(document.cookie)},',
  '  keywords = {<iframe src="command:workbench.action.terminal.new">, [k](command:citelens.reindex)},',
  '  abstract = {<a href="command:workbench.action.terminal.new">open</a> &lt;script&gt; &#x3C;b&#x3E; <!-- c --> ```js\nalert(4)\n``` $$x$$ | a | b | [ref]: command:evil "t" www.evil.example http://evil.example/p?q=(1) \\\\href{javascript:x}{y}},',
  '}',
  '',
  '@misc{hostileurls,',
  '  title = {Command and script URLs},',
  '  url = {command:workbench.action.terminal.new},',
  '  doi = {javascript:alert(1)},',
  '}',
  '',
  '@article{hostileicons,',
  // `\$` is LaTeX for a dollar sign: the titles read `Verified $(check) $(terminal)`.
  '  title = {Verified \\$(check) \\$(terminal) \u202Egnp.exe\u202C hidden\u200Bzero\u0007bell},',
  '  author = {Icon, Ivy},',
  '  journal = {\\$(pass-filled) Journal},',
  '  year = {2026},',
  '}',
  '',
  `@misc{hostilelong, title = {${LONG}}, author = {${'Long, Name and '.repeat(5000)}Last, One}, abstract = {${LONG}}, keywords = {${LONG}}}`,
  '',
].join('\n');

/** The raw Markdown of our hover contents (not unescaped), and the MarkdownString objects. */
async function hoverMarkdown(key: string): Promise<{ raw: string; parts: vscode.MarkdownString[] }> {
  const { doc, position } = await openWithCursor('latex', `\\cite{${key.slice(0, 3)}|${key.slice(3)}}`);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
  const parts = hovers.flatMap((h) => h.contents).filter((c): c is vscode.MarkdownString => typeof c !== 'string' && 'value' in c && !('language' in c));
  return { raw: parts.map((p) => p.value).join('\n'), parts };
}

async function completionMarkdown(key: string): Promise<string> {
  const { doc, position } = await openWithCursor('latex', `\\cite{${key}|}`);
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position, undefined, 50);
  const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === key);
  ok(item, `no completion item for ${key}`);
  const documentation = item.documentation;
  return typeof documentation === 'string' ? documentation : (documentation?.value ?? '');
}

/** Every Markdown link destination in `raw` (a `](` that is not an escaped `\]`). */
function linkDestinations(raw: string): string[] {
  const out: string[] = [];
  const re = /(?<!\\)\]\(\s*<?([^)\s>]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) out.push(m[1]);
  return out;
}

/** The checks every rendering of hostile text must pass. */
function assertInert(raw: string, what: string): void {
  // No HTML: every `<` is escaped (supportHtml is off too, but escaping must not rely on it).
  ok(!/(^|[^\\])</.test(raw), `${what}: an unescaped '<' in ${raw.slice(0, 300)}`);
  // No entity that would turn into markup.
  ok(!/(^|[^\\])&/.test(raw), `${what}: an unescaped '&'`);
  // No backtick code span or fence from the data.
  ok(!/(^|[^\\])`/.test(raw), `${what}: an unescaped backtick`);
  for (const dest of linkDestinations(raw)) {
    ok(/^https?:\/\//.test(dest) || TRUSTED_COMMANDS.some((c) => dest.startsWith(`command:${c}?`)), `${what}: link to '${dest}'`);
  }
  // No invisible character that reorders or hides text (shown as ⟨U+202E⟩ marks instead).
  ok(!/[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u0000-\u0008\ufeff]/.test(raw), `${what}: a raw bidi, zero-width or control character`);
  // Outside link destinations (an https://doi.org/… path may hold any text, inertly), a
  // `command:` or `javascript:` scheme, and autolink candidates, must have their ':' or '.' escaped.
  const text = raw.replace(/(?<!\\)\]\([^)\s]*/g, '](');
  ok(!/command:/.test(text), `${what}: a live 'command:' in ${text.slice(Math.max(0, text.indexOf('command:') - 60), text.indexOf('command:') + 60)}`);
  ok(!/javascript:/i.test(text), `${what}: a live 'javascript:'`);
  ok(!/www\.evil/.test(text) && !/https?:\/\/evil/.test(text), `${what}: an autolink candidate`);
}

suite('security: hostile collection text in hovers and completion', () => {
  const uri = () => workspaceUri('tmp-hostile.bib');

  before(async () => {
    const api = await citelens();
    await writeText(uri(), HOSTILE_BIB);
    await eventually(async () => (await paperOf(api, 'hostile2026')) && (await paperOf(api, 'hostilelong')) && (await paperOf(api, 'hostileicons')), 30_000, 'the hostile entries indexed');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await removeQuietly(uri());
  });

  test('the hover shows HTML, scripts and link syntax as escaped text', async () => {
    const { raw, parts } = await hoverMarkdown('hostile2026');
    ok(parts.length > 0, 'no Markdown hover');
    assertInert(raw, 'hover');
    const shown = raw.replace(/\\([\\`*_{}[\]()#+\-.!|<>~&:$])/g, '$1');
    includes(shown, '<script>alert(1)</script>');
    includes(shown, '[click](command:workbench.action.terminal.new)');
    includes(shown, '`rm -rf'); // the name formatter reads `~` as LaTeX's non-breaking space
    // Our own command links are there (open the entry, copy the reference), and they are the only ones.
    deepEqual(linkDestinations(raw).filter((d) => d.startsWith('command:')).map((d) => d.slice(8, d.indexOf('?'))), [OPEN_ENTRY_COMMAND, COPY_REFERENCE_COMMAND]);
  });

  test('the hover trusts our command only, and renders no HTML', async () => {
    const { parts } = await hoverMarkdown('hostile2026');
    const ours = parts.find((p) => p.value.includes(`command:${OPEN_ENTRY_COMMAND}`));
    ok(ours, 'no hover part with our command link');
    ok(ours.isTrusted !== true, 'isTrusted is true: every command link would run');
    deepEqual(ours.isTrusted, { enabledCommands: TRUSTED_COMMANDS });
    ok(!ours.supportHtml, 'supportHtml is on');
    for (const p of parts) ok(p.isTrusted === undefined || p.isTrusted === false || (typeof p.isTrusted === 'object' && p.isTrusted.enabledCommands?.every((c) => TRUSTED_COMMANDS.includes(c))), 'another part trusts more');
  });

  test('javascript: and command: URLs give no link; a DOI only ever links into https://doi.org', async () => {
    const { raw } = await hoverMarkdown('hostileurls');
    assertInert(raw, 'hover');
    // url = {command:…} gives no link; doi = {javascript:…} is just a (useless) doi.org path.
    deepEqual(linkDestinations(raw).filter((d) => !TRUSTED_COMMANDS.some((c) => d.startsWith(`command:${c}?`))), ['https://doi.org/javascript:alert%281%29']);
    const hostile = await hoverMarkdown('hostile2026');
    // The DOI's `)](command:…` stays inside one https://doi.org link, percent-encoded.
    const doi = linkDestinations(hostile.raw).filter((d) => d.startsWith('https://doi.org/'));
    deepEqual(doi.length, 1);
    ok(!/[()]/.test(doi[0]), `unencoded parenthesis in ${doi[0]}`);
  });

  test('theme-icon syntax $(check) stays text: theme icons are off in hovers and completion documentation', async () => {
    const { raw, parts } = await hoverMarkdown('hostileicons');
    ok(parts.length > 0, 'no Markdown hover');
    assertInert(raw, 'hover');
    for (const p of parts) ok(!p.supportThemeIcons, 'a hover part renders theme icons');
    const shown = raw.replace(/\\([\\`*_{}[\]()#+\-.!|<>~&:$])/g, '$1');
    includes(shown, '$(terminal)');
    const { doc, position } = await openWithCursor('latex', '\\cite{hostileicons|}');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position, undefined, 50);
    const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'hostileicons');
    ok(item && item.documentation instanceof vscode.MarkdownString, 'no completion documentation');
    ok(!(item.documentation as vscode.MarkdownString).supportThemeIcons, 'completion documentation renders theme icons');
  });

  test('bidi overrides, zero-width and control characters show as visible marks', async () => {
    const { raw } = await hoverMarkdown('hostileicons');
    assertInert(raw, 'hover');
    const unescape = (s: string) => s.replace(/\\([\\`*_{}[\]()#+\-.!|<>~&:$])/g, '$1');
    includes(unescape(raw), '⟨U+202E⟩gnp.exe⟨U+202C⟩');
    includes(unescape(raw), '⟨U+200B⟩');
    includes(unescape(raw), '⟨U+0007⟩');
    const completion = await completionMarkdown('hostileicons');
    assertInert(completion, 'completion');
    includes(unescape(completion), '⟨U+202E⟩');
    // The list row (label description) too: it is plain text, but must not reorder.
    const { doc, position } = await openWithCursor('latex', '\\cite{hostileicons|}');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position);
    const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'hostileicons');
    const description = (item?.label as vscode.CompletionItemLabel).description ?? '';
    includes(description, '⟨U+202E⟩');
    ok(!/\u202e/.test(description), 'raw U+202E in the list row');
  });

  test('very long fields give a bounded hover', async () => {
    const { raw } = await hoverMarkdown('hostilelong');
    assertInert(raw, 'hover');
    ok(raw.length < 12_000, `hover of ${raw.length} characters`);
    includes(raw, '…');
  });

  test('completion documentation is escaped and bounded the same way', async () => {
    for (const key of ['hostile2026', 'hostileurls', 'hostilelong', 'hostileicons']) {
      const raw = await completionMarkdown(key);
      ok(raw.length > 0, `no documentation for ${key}`);
      assertInert(raw, `completion of ${key}`);
      ok(raw.length < 12_000, `completion documentation of ${raw.length} characters`);
    }
  });

  test('a bibliography named by another scheme (vscode://, https://) gives no document link and is not read', async () => {
    const uri = workspaceUri('tmp-scheme-links.tex');
    try {
      await writeText(uri, '\\bibliography{vscode://vscode.git/clone?url=https://evil.example/x.bib,https://evil.example/refs.bib,sample}\n');
      const doc = await vscode.workspace.openTextDocument(uri);
      const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
      // Ours carry an "Open …" tooltip (other providers may link a plain https URL in the text).
      const ours = links.filter((l) => l.tooltip?.startsWith('Open '));
      const targets = ours.map((l) => l.target?.toString() ?? '');
      ok(targets.every((t) => t.startsWith(doc.uri.scheme + ':')), `links stay in the document's scheme: ${targets.join(', ')}`);
      ok(!links.some((l) => l.target?.scheme === 'vscode'), 'no vscode:// link at all');
      ok(targets.length >= 1, 'the plain relative name still links');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await removeQuietly(uri);
    }
  });

  test('a key typed in the document is escaped in the "no entry" hover', async () => {
    const { doc, position } = await openWithCursor('markdown', 'See [@evil<b>x</b>|](command:workbench.action.terminal.new).');
    // Asked again for a moment: a hover right after the previous test's file was removed came back empty in 2 of about 20 runs (cause not found).
    const raw = await eventually(async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
      const text = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
      return text.includes('No entry with the key') ? text : '';
    }, 5_000, 'the no-entry hover');
    includes(raw, 'No entry with the key');
    assertInert(raw, 'no-entry hover');
  });
});
