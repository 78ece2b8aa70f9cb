import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBibtex, generateBibtexWithInfo } from '../../bench/generate';
import { BREAKAGES, breakEntry, breakEveryNth, createRandom } from '../../bench/break';
import { parseBibtex } from '../../src/core/bibtex';

const repoRoot = join(__dirname, '..', '..');

function entryStartCount(text: string): number {
  return (text.match(/^@/gm) ?? []).length;
}

/** `@type{key,` headers in file order. */
function headerKeys(text: string): string[] {
  return [...text.matchAll(/^@[a-z]+\{([^,\s]+),/gm)].map((match) => match[1]);
}

test('the same seed gives the same text; another seed another text', () => {
  const first = generateBibtex(300, { seed: 42 });
  assert.equal(generateBibtex(300, { seed: 42 }), first);
  assert.notEqual(generateBibtex(300, { seed: 43 }), first);
  // The default seed is fixed too.
  assert.equal(generateBibtex(50), generateBibtex(50));
  const broken = generateBibtexWithInfo(300, { seed: 42, brokenEvery: 7 });
  assert.deepEqual(generateBibtexWithInfo(300, { seed: 42, brokenEvery: 7 }), broken);
});

test('one @ entry start per requested entry, with unique keys reported in file order', () => {
  for (const count of [0, 1, 17, 2000]) {
    const { text, keys, brokenKeys } = generateBibtexWithInfo(count, { seed: 5 });
    assert.equal(entryStartCount(text), count);
    assert.equal(keys.length, count);
    assert.equal(new Set(keys).size, count);
    assert.deepEqual(brokenKeys, []);
    assert.deepEqual(headerKeys(text), keys);
  }
});

test('the collection looks like a real library', () => {
  const { text, keys } = generateBibtexWithInfo(3000, { seed: 9 });
  const types = new Set([...text.matchAll(/^@([a-z]+)\{/gm)].map((m) => m[1]));
  for (const type of ['article', 'inproceedings', 'book', 'misc']) assert.ok(types.has(type), type);
  assert.match(text, /^@misc\{[^\n]*\n(?:[^@][^\n]*\n)*?\s+eprint\s*= [{"]\d{4}\.\d{4,5}[}"],\n(?:[^@][^\n]*\n)*?\s+primaryclass\s*= /m);
  assert.ok(keys.some((k) => k.includes(':')) && keys.some((k) => k.includes('-')) && keys.some((k) => k.includes('_')));
  assert.ok(keys.some((k) => /^[a-z]+\d{4}[a-z]+$/.test(k)), 'surname2019word keys');
  assert.match(text, /\{\\"[a-zA-Z]\}/); // M{\"u}ller
  assert.match(text, /\{\\c\{c\}\}/); // Fran{\c{c}}ois
  assert.match(text, /and others[}"]/);
  assert.match(text, /author\s*= \{\{[A-Z][^}]*\}\}/); // {Corporate Name}
  assert.match(text, /title\s*= [{"][^\n]*\{[A-Z][a-z]+\}/); // {Protected} word
  assert.match(text, /title\s*= [{"][^\n]*\$[^$\n]+\$/); // inline math
  assert.match(text, /\n\s+doi\s*= /);
  assert.match(text, /\n\s+keywords\s*= /);
  assert.match(text, /\n\s+pages\s*= [{"]\d+--\d+/);
  // Both "Family, Given" and "Given Family" name orders.
  assert.match(text, /author = \{[A-Z][^,{}]+, [A-Z]/);
  assert.match(text, /author = \{[A-Z][a-z]+ [A-Z][a-z]+ and/);

  const authorCounts = [...text.matchAll(/\n\s+author\s*= [{"](.*)[}"],?\n/g)].map((m) => m[1].split(' and ').length);
  assert.equal(Math.min(...authorCounts), 1);
  assert.equal(Math.max(...authorCounts), 12);
  const years = [...text.matchAll(/\n\s+year\s*= [{"]?(\d+)/g)].map((m) => Number(m[1]));
  assert.ok(Math.min(...years) >= 1970 && Math.max(...years) <= 2026);
  assert.ok(Math.min(...years) < 1980 && Math.max(...years) === 2026);
});

test('abstracts: the requested share, 80–250 words, Zipf-like word frequencies', () => {
  const count = 2000;
  const half = generateBibtex(count, { seed: 3, abstractRatio: 0.5 });
  const abstracts = [...half.matchAll(/\n\s+abstract\s*= [{"](.*)[}"],?\n/g)].map((m) => m[1]);
  assert.ok(Math.abs(abstracts.length / count - 0.5) < 0.05, `${abstracts.length} abstracts`);
  const counts = new Map<string, number>();
  let total = 0;
  for (const abstract of abstracts) {
    const words = abstract.split(/\s+/);
    assert.ok(words.length >= 80 && words.length <= 260, `${words.length} words`);
    for (const word of words) {
      const normal = word.toLowerCase().replace(/[.,]$/, '');
      counts.set(normal, (counts.get(normal) ?? 0) + 1);
      total++;
    }
  }
  const ranked = [...counts.values()].sort((a, b) => b - a);
  assert.ok(counts.size > 2000, `${counts.size} distinct words`);
  // Zipf: the top word is common but not overwhelming, and rank 10 is far rarer than rank 1.
  assert.ok(ranked[0] / total > 0.04 && ranked[0] / total < 0.15);
  assert.ok(ranked[9] < ranked[0] / 3);
  // A long tail: many words occur only a handful of times.
  assert.ok(ranked.filter((n) => n <= 3).length > 500);

  assert.doesNotMatch(generateBibtex(200, { seed: 3, abstractRatio: 0 }), /abstract\s*=/);
  assert.equal((generateBibtex(200, { seed: 3, abstractRatio: 1 }).match(/\n\s+abstract\s*=/g) ?? []).length, 200);
});

test('size: 90,000 entries with half abstracts come to roughly 40–60 MB', () => {
  const sample = 5000;
  const bytes = Buffer.byteLength(generateBibtex(sample, { seed: 1 }));
  const projected = (bytes / sample) * 90000;
  assert.ok(projected > 40e6 && projected < 62e6, `${(projected / 1e6).toFixed(1)} MB`);
});

test('brokenEvery breaks one entry in every N, varied, and reports which', () => {
  const count = 1000;
  const n = 10;
  const { text, keys, brokenKeys, breakages } = generateBibtexWithInfo(count, { seed: 11, brokenEvery: n });
  assert.equal(brokenKeys.length, count / n);
  assert.equal(breakages.length, brokenKeys.length);
  assert.deepEqual(new Set(breakages), new Set(BREAKAGES));
  // Exactly one per run of N, in file order.
  const positions = brokenKeys.map((key) => keys.indexOf(key));
  positions.forEach((position, run) => assert.equal(Math.floor(position / n), run));
  // Keys removed by `missing-key` are gone from the text; every other key is still there.
  const present = new Set(headerKeys(text));
  brokenKeys.forEach((key, i) => assert.equal(present.has(key), breakages[i] !== 'missing-key', key));
  assert.equal(entryStartCount(text), count);
});

test('a per-entry recovering reader reads every intact generated entry intact', () => {
  const { text, keys, brokenKeys } = generateBibtexWithInfo(3000, { seed: 21, brokenEvery: 20 });
  const result = parseBibtex(text, 'generated.bib');
  const byKey = new Map(result.entries.map((entry) => [entry.key, entry]));
  const broken = new Set(brokenKeys);
  for (const key of keys) {
    if (broken.has(key)) continue;
    const entry = byKey.get(key);
    assert.ok(entry, `intact entry ${key} was not read`);
    assert.equal(entry.broken, undefined, `intact entry ${key} is marked broken`);
  }
  // Every breakage is a real error.
  assert.ok(result.diagnostics.filter((d) => d.severity === 'error').length >= brokenKeys.length);
});

test('each breakage makes a reader report an error and leaves the next entry alone', () => {
  const entry = '@article{smith2019deep,\n  author = {Smith, John},\n  title = {Deep Things},\n  year = {2019},\n}\n\n';
  const next = '@book{next2020,\n  title = {Next},\n}\n';
  for (const breakage of BREAKAGES) {
    for (let seed = 1; seed <= 6; seed++) {
      const broken = breakEntry(entry, breakage, createRandom(seed));
      assert.notEqual(broken, entry);
      const result = parseBibtex(broken + next, 'b.bib');
      assert.ok(result.diagnostics.some((d) => d.severity === 'error'), `${breakage}: ${JSON.stringify(broken)}`);
      const following = result.entries.find((e) => e.key === 'next2020');
      assert.ok(following && !following.broken, `${breakage} damaged the next entry`);
    }
  }
  // Both stray-@ forms occur: before a value, and in an unbraced e-mail address.
  const strays = Array.from({ length: 12 }, (_, seed) => breakEntry(entry, 'stray-at', createRandom(seed)));
  assert.ok(strays.some((s) => /= @\{/.test(s)));
  assert.ok(strays.some((s) => /note = contact: j\.doe@example\.org,/.test(s)));
});

test('breakEveryNth breaks real-style text in place and accounts for every entry', () => {
  const text = [
    '% exported by hand\n',
    '@string{acl = {Association for Computational Linguistics}}\n\n',
    '@inproceedings{a-2020-x,\n title        = {A},\n author       = {Doe, Jane},\n publisher    = acl,\n}\n\n',
    '@{WASSA,\n}\n\n',
    '@comment{nothing here}\n\n',
    ...Array.from({ length: 9 }, (_, i) => `@article{k${i},\n title        = {T${i}},\n year         = {20${10 + i}},\n}\n\n`),
    '@misc{onefield,\n title = {Only}\n}\n',
  ].join('');
  const { text: broken, brokenKeys, breakages, intactKeys } = breakEveryNth(text, 5, 3);
  // Ten breakable entries (a-2020-x, k0…k8) → two runs of five → two broken.
  assert.equal(brokenKeys.length, 2);
  assert.equal(breakages.length, 2);
  assert.deepEqual([...brokenKeys, ...intactKeys].sort(), ['a-2020-x', ...Array.from({ length: 9 }, (_, i) => `k${i}`), 'onefield'].sort());
  assert.equal(entryStartCount(broken), entryStartCount(text));
  // Everything outside the broken entries is byte-identical.
  const chunks = (t: string) => t.split(/(?=^@)/m);
  const before = chunks(text);
  const after = chunks(broken);
  assert.equal(after.length, before.length);
  const changed = before.map((chunk, i) => chunk !== after[i]).filter(Boolean).length;
  assert.equal(changed, 2);
  assert.ok(after[0].startsWith('% exported by hand'));
  assert.equal(breakEveryNth(text, 5, 3).text, broken);

  const result = parseBibtex(broken, 'acl.bib');
  for (const key of intactKeys) {
    const entry = result.entries.find((e) => e.key === key);
    assert.ok(entry && !entry.broken, key);
  }
  assert.throws(() => breakEveryNth(text, 0));
});

test('the command line writes the file and the key lists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'citelens-generate-'));
  try {
    const out = join(dir, 'gen.bib');
    const keysOut = join(dir, 'keys.json');
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'bench/generate.ts', '--count', '40', '--out', out, '--seed', '4', '--broken-every', '10', '--keys-out', keysOut],
      { cwd: repoRoot, stdio: 'pipe' },
    );
    const text = readFileSync(out, 'utf8');
    assert.equal(text, generateBibtex(40, { seed: 4, brokenEvery: 10 }));
    const info = JSON.parse(readFileSync(keysOut, 'utf8'));
    assert.equal(info.keys.length, 40);
    assert.equal(info.brokenKeys.length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
