// Summarises a V8 CPU profile of the extension host (run.js --profile): the longest busy
// stretches of its thread (no "(idle)" sample for more than 2 ms) and, within each, the
// functions that took the time (self time, with the caller chain up to CiteLens's bundle or
// the first named frame) — the profile behind an event-loop block.
'use strict';
const fs = require('fs');

const IDLE_GAP_US = 2000;

/** `stoppedAtEpochMs`: Date.now() right after Profiler.stop (maps V8's clock to epoch ms). */
function summarise(file, { stretches = 3, top = 8, stoppedAtEpochMs, ownUrl } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frame = (n) => {
    const cf = n.callFrame;
    const where = cf.url ? `${cf.url.replace(/^.*\//, '')}:${cf.lineNumber + 1}` : '';
    return `${cf.functionName || '(anonymous)'}${where ? ' ' + where : ''}`;
  };
  const chain = (id) => {
    const out = [];
    for (let cur = id; cur !== undefined && out.length < 4; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (n.callFrame.functionName === '(root)') break;
      out.push(frame(n));
    }
    return out.join(' ← ');
  };
  // Sample times (µs since the profile started).
  let t = 0;
  const times = profile.timeDeltas.map((d) => (t += d));
  const idle = (i) => byId.get(profile.samples[i]).callFrame.functionName === '(idle)';
  // Whether a sample's stack runs code of `ownUrl` (CiteLens's own bundles), memoised per node.
  const ownMemo = new Map();
  const own = (id) => {
    if (!ownUrl) return false;
    if (ownMemo.has(id)) return ownMemo.get(id);
    const n = byId.get(id);
    const p = parent.get(id);
    const v = (n.callFrame.url || '').includes(ownUrl) || (p !== undefined && own(p));
    ownMemo.set(id, v);
    return v;
  };
  const dtOf = (i) => (times[i + 1] ?? times[i]) - times[i];
  const found = [];
  let start = -1;
  let lastBusy = -1;
  for (let i = 0; i < profile.samples.length; i++) {
    if (idle(i)) {
      if (start >= 0 && times[i] - times[lastBusy] > IDLE_GAP_US) {
        found.push([start, lastBusy]);
        start = -1;
      }
      continue;
    }
    if (start < 0) start = i;
    lastBusy = i;
  }
  if (start >= 0) found.push([start, lastBusy]);
  const ranked = found.map(([a, b]) => ({ a, b, ms: (times[b] - times[a]) / 1000 })).sort((x, y) => y.ms - x.ms).slice(0, stretches);
  const stretchesOut = ranked.map(({ a, b, ms }) => {
    const self = new Map();
    let ownUs = 0;
    for (let i = a; i <= b; i++) {
      if (idle(i)) continue;
      const dt = dtOf(i);
      if (own(profile.samples[i])) ownUs += dt;
      const key = chain(profile.samples[i]);
      self.set(key, (self.get(key) ?? 0) + dt);
    }
    const total = [...self.values()].reduce((x, y) => x + y, 0) || 1;
    return {
      startEpochMs: stoppedAtEpochMs === undefined ? null : Math.round(stoppedAtEpochMs - (profile.endTime - (profile.startTime + times[a])) / 1000),
      atMsInProfile: Math.round(times[a] / 1000),
      ms: Math.round(ms * 10) / 10,
      citelensMs: Math.round(ownUs / 100) / 10,
      top: [...self.entries()].sort((x, y) => y[1] - x[1]).slice(0, top).map(([where, us]) => ({ where, ms: Math.round(us / 100) / 10, share: Math.round((100 * us) / total) })),
    };
  });
  return stretchesOut;
}

/** The longest run of samples with CiteLens's code on the stack (other code between them under 2 ms). */
function longestOwn(file, { ownUrl, stoppedAtEpochMs } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map();
  const own = (id) => {
    if (memo.has(id)) return memo.get(id);
    const p = parent.get(id);
    const v = (byId.get(id).callFrame.url || '').includes(ownUrl) || (p !== undefined && own(p));
    memo.set(id, v);
    return v;
  };
  let t = 0;
  const times = profile.timeDeltas.map((d) => (t += d));
  let best = { us: 0, a: 0 };
  let start = -1;
  let last = -1;
  for (let i = 0; i < profile.samples.length; i++) {
    if (!own(profile.samples[i])) {
      if (start >= 0 && times[i] - times[last] > IDLE_GAP_US) start = -1;
      continue;
    }
    if (start < 0) start = i;
    last = i;
    const us = (times[i + 1] ?? times[i]) - times[start];
    if (us > best.us) best = { us, a: start };
  }
  return {
    ms: Math.round(best.us / 100) / 10,
    startEpochMs: stoppedAtEpochMs === undefined ? null : Math.round(stoppedAtEpochMs - (profile.endTime - (profile.startTime + times[best.a])) / 1000),
  };
}

module.exports = { summarise, longestOwn };

if (require.main === module) {
  for (const f of process.argv.slice(2)) console.log(f, JSON.stringify(summarise(f), null, 1));
}
