// A chain's state as plain key/value pairs, for the runtime's try-runtime checks against live
// state (runtime/tests/live_state.rs). Usable from the e2e suite (its chain at the end of the
// run) and from the command line against any node:
//
//   node tests/e2e/lib/snapshot.mjs ws://127.0.0.1:9944 state.json
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openProvider } from './node.mjs';

/**
 * Writes the state at the finalized head of the node serving `url` to `path`: { block, hash,
 * pairs }, `pairs` the [key, value] hex strings of every top-level storage item (child tries,
 * such as a contract's storage, are left out: the checks read none). Raw JSON-RPC, no metadata.
 */
export async function snapshotState(url, path, timeoutMs = 120_000) {
  const provider = await openProvider(url);
  // A time limit: a node that stops answering fails the snapshot instead of hanging it.
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no snapshot of ${url} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([timeout, snapshot(provider, path)]);
  } finally {
    clearTimeout(timer);
    await provider.disconnect().catch(() => {});
  }
}

async function snapshot(provider, path) {
  const hash = await provider.send('chain_getFinalizedHead', []);
  const block = Number.parseInt((await provider.send('chain_getHeader', [hash])).number, 16);
  const pairs = [];
  let start = null;
  for (;;) {
    const keys = await provider.send('state_getKeysPaged', ['0x', 1000, start, hash]);
    if (keys.length === 0) break;
    const [changes] = await provider.send('state_queryStorageAt', [keys, hash]);
    for (const [key, value] of changes.changes) {
      if (value !== null) pairs.push([key, value]);
    }
    start = keys[keys.length - 1];
  }
  writeFileSync(path, JSON.stringify({ block, hash, pairs }));
  return { block, hash, items: pairs.length };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, path] = process.argv.slice(2);
  if (!url || !path) {
    console.error('usage: node tests/e2e/lib/snapshot.mjs <ws url> <output.json>');
    process.exit(2);
  }
  const { block, items } = await snapshotState(url, path);
  console.log(`${path}: ${items} storage items at block #${block}`);
}
