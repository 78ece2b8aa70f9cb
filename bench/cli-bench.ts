/**
 * The CLI's output speed, as whole processes writing into a pipe that is read (what a user's
 * `citelens parse --json refs.bib | jq …` does), on the ACL Anthology (50 MB):
 *   - `citelens parse --json` and `citelens parse` (text), the built dist/cli.js;
 *   - reading alone: the same decode + reader in a process that prints only a count;
 *   - the baseline: bibtex-parse + `JSON.stringify` of its entries.
 * Runs are interleaved (one of each per round) so that a busy machine slows all alike;
 * medians of the rounds. Used by bench.ts (`npm run bench:core`) and alone (`npm run bench:cli`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';

const root = join(__dirname, '..');

export interface CliBenchResult {
  rounds: number;
  outputMB: Record<string, number>;
  medianMs: Record<string, number>;
  runsMs: Record<string, number[]>;
  /** bibtex-parse + JSON.stringify over `citelens parse --json`. */
  jsonSpeedup: number;
  /** `citelens parse` (text) over reading alone. */
  textOverRead: number;
}

/** Runs a command with stdout into a pipe that this process reads; resolves wall time and bytes. */
function timed(args: string[]): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    child.stdout.on('data', (d: Buffer) => (bytes += d.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - t0, bytes }) : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchCli(bibFile: string, rounds: number): Promise<CliBenchResult> {
  const work = join(tmpdir(), 'citelens-bench');
  mkdirSync(work, { recursive: true });
  // Reading alone, bundled like the CLI so both start the same way (no TypeScript loader).
  const readOnly = join(work, 'read-only.js');
  buildSync({ entryPoints: [join(__dirname, 'cli-read-only.ts')], outfile: readOnly, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const commands: Record<string, string[]> = {
    'citelens parse --json': [join(root, 'dist', 'cli.js'), 'parse', '--json', bibFile],
    'citelens parse (text)': [join(root, 'dist', 'cli.js'), 'parse', bibFile],
    'reading alone (decode + reader)': [readOnly, bibFile],
    'bibtex-parse + JSON.stringify': [join(__dirname, 'cli-baseline.js'), bibFile],
  };
  const runsMs: Record<string, number[]> = {};
  const outputMB: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, args] of Object.entries(commands)) {
      const { ms, bytes } = await timed(args);
      (runsMs[name] ??= []).push(Math.round(ms));
      outputMB[name] = Math.round(bytes / 1e5) / 10;
    }
  }
  const medianMs = Object.fromEntries(Object.entries(runsMs).map(([k, v]) => [k, median(v)]));
  return {
    rounds,
    outputMB,
    medianMs,
    runsMs,
    jsonSpeedup: Math.round((medianMs['bibtex-parse + JSON.stringify'] / medianMs['citelens parse --json']) * 10) / 10,
    textOverRead: Math.round((medianMs['citelens parse (text)'] / medianMs['reading alone (decode + reader)']) * 100) / 100,
  };
}

export function cliMarkdown(r: CliBenchResult): string[] {
  const md = ['| command (ACL Anthology, output into a pipe that is read) | median | runs (ms) | output |', '|---|---|---|---|'];
  for (const name of Object.keys(r.medianMs)) md.push(`| ${name} | ${r.medianMs[name]} ms | ${r.runsMs[name].join(', ')} | ${r.outputMB[name]} MB |`);
  md.push('', `\`citelens parse --json\` is **${r.jsonSpeedup}×** faster than bibtex-parse + JSON.stringify; \`citelens parse\` (text) takes **${r.textOverRead}×** the time of reading alone.`);
  return md;
}

if (require.main === module) {
  const rounds = Number(process.argv[2] ?? 5);
  const file = join(tmpdir(), 'citelens-bench', 'acl-anthology.bib');
  mkdirSync(join(tmpdir(), 'citelens-bench'), { recursive: true });
  writeFileSync(file, gunzipSync(readFileSync(join(root, '..', 'shared', 'bench-data', 'acl-anthology.bib.gz'))));
  benchCli(file, rounds).then(
    (r) => {
      const md = cliMarkdown(r);
      mkdirSync(join(__dirname, 'results'), { recursive: true });
      writeFileSync(join(__dirname, 'results', 'cli.json'), JSON.stringify({ date: new Date().toISOString(), ...r }, null, 2) + '\n');
      writeFileSync(join(__dirname, 'results', 'cli.md'), [`# CLI output benchmark (${new Date().toISOString().slice(0, 10)})`, '', ...md].join('\n') + '\n');
      process.stdout.write(md.join('\n') + '\n');
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
