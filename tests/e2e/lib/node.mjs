// Starts and stops a real `deai-node --dev` for a test file, on free local ports, and connects
// @polkadot/api to it. The node runs in its own process group and is killed on every exit path
// (test end, test failure, Ctrl-C), so no process is left behind.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { xxhashAsHex } from '@polkadot/util-crypto';

const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/deai-chain/target');
// The production node (`make node`): the suite gives its chain a test chain's short periods.
export const NODE_BINARY = process.env.DEAI_NODE || join(targetDir, 'debug/deai-node');
// The runtime that node was built with (its WASM, as a runtime upgrade carries it).
export const RUNTIME_WASM = process.env.DEAI_RUNTIME_WASM ||
  join(targetDir, 'debug/wbuild/deai-runtime/deai_runtime.compact.compressed.wasm');

/**
 * The runtime's `FastPeriods` switch (runtime/src/constants.rs): a raw storage value at
 * twox_128(":FastPeriods:"), a SCALE bool. While it is true, governance, sessions, unbonding,
 * reviews and disputes take a few blocks instead of hours or days.
 */
export const FAST_PERIODS_KEY = xxhashAsHex(':FastPeriods:', 128);

/** A TCP port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const running = new Set();
function killAll() {
  for (const child of running) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { killAll(); process.exit(130); });
}

/** Peak resident memory of a process, in MiB (Linux). */
export function peakRssMiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return Number.isFinite(kib) ? Math.round(kib / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `deai-node --dev`, waits until its RPC server answers and the chain has produced a
 * block, and returns { api, child, rpcPort, logs, stop, crash }. With `fastPeriods` (the
 * default), its first act is to switch the chain to a test chain's short periods (sudo
 * `system.setStorage`, as Alice), and the API it returns is connected afterwards, so its
 * constants (the referendum tracks, the periods) are the short ones. Its database is temporary
 * unless `basePath` names a directory (a restart from it continues the chain); `rpcPort` is a
 * free port unless given (a restart on the same port lets clients reconnect).
 */
export async function startDevNode({
  extraArgs = [], timeoutMs = 180_000, fastPeriods = true, basePath, rpcPort: port,
} = {}) {
  if (!existsSync(NODE_BINARY)) {
    throw new Error(`${NODE_BINARY} does not exist: build it with \`make node\``);
  }
  const rpcPort = port ?? await freePort();
  const p2pPort = await freePort();
  const args = [
    '--dev', ...(basePath ? ['--base-path', basePath] : ['--tmp']),
    '--rpc-port', String(rpcPort), '--port', String(p2pPort),
    '--no-prometheus', '--no-telemetry', '--no-mdns', '--no-hardware-benchmarks',
    '--rpc-max-connections', '100',
    ...extraArgs,
  ];
  const startedAt = Date.now();
  const child = spawn(NODE_BINARY, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const logs = [];
  const keep = (chunk) => {
    logs.push(chunk.toString());
    if (logs.length > 2000) logs.splice(0, logs.length - 2000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const stop = async () => {
    const peak = peakRssMiB(child.pid);
    if (api) await api.disconnect().catch(() => {});
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, 'SIGINT'); } catch { /* gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    return { peakRssMiB: peak };
  };

  /** Kills the node with SIGKILL, as a crash or a power cut would: no clean shutdown. */
  const crash = async () => {
    if (api) await api.disconnect().catch(() => {});
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    await exited;
    running.delete(child);
  };

  let api;
  const deadline = Date.now() + timeoutMs;
  try {
    while (!api) {
      if (child.exitCode !== null) {
        throw new Error(`deai-node exited with ${child.exitCode}:\n${logs.join('').slice(-4000)}`);
      }
      if (Date.now() > deadline) throw new Error(`deai-node did not serve RPC in ${timeoutMs} ms`);
      try {
        api = await connect(rpcPort);
      } catch {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await waitForBlock(api, 1, Math.max(deadline - Date.now(), 1000));
    if (fastPeriods) {
      const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
      await sendAndWait(api.tx.sudo.sudo(api.tx.system.setStorage([[FAST_PERIODS_KEY, '0x01']])), alice);
      const stored = (await api.rpc.state.getStorage(FAST_PERIODS_KEY)).toHex();
      if (stored !== '0x01') throw new Error(`FastPeriods is ${stored} after sudo set it`);
      await api.disconnect();
      api = undefined;
      api = await connect(rpcPort);
    }
    console.log(`deai-node: first block ${((Date.now() - startedAt) / 1000).toFixed(1)} s after start`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { api, child, rpcPort, logs, stop, crash };
}

/** An API connected to the node serving RPC on `rpcPort`; rejects when none answers. */
async function connect(rpcPort) {
  const provider = await openProvider(`ws://127.0.0.1:${rpcPort}`);
  return ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
}

/**
 * A WebSocket provider connected to `url`, without automatic reconnection (a node that is gone
 * fails the caller instead of hanging it); rejects when none answers within `timeoutMs`.
 */
export async function openProvider(url, timeoutMs = 2000) {
  const provider = new WsProvider(url, false);
  await provider.connect();
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('connect timeout')), timeoutMs);
      provider.on('connected', () => { clearTimeout(t); resolve(); });
      provider.on('error', () => { clearTimeout(t); reject(new Error('connect failed')); });
      if (provider.isConnected) { clearTimeout(t); resolve(); }
    });
  } catch (error) {
    await provider.disconnect().catch(() => {});
    throw error;
  }
  return provider;
}

/** Resolves once the best block number reaches `number`. */
export function waitForBlock(api, number, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    const timer = setTimeout(() => {
      unsubscribe?.();
      reject(new Error(`no block #${number} within ${timeoutMs} ms`));
    }, timeoutMs);
    api.rpc.chain.subscribeNewHeads((header) => {
      if (header.number.toNumber() >= number) {
        clearTimeout(timer);
        unsubscribe?.();
        resolve(header);
      }
    }).then((u) => { unsubscribe = u; });
  });
}

/**
 * Signs and sends `tx`, resolving with { blockHash, events } once it is in a block (in dev mode a
 * transaction can go from Ready straight to Finalized, so either counts). Rejects with the
 * decoded module error ("pallet.Error: docs") when the dispatch fails.
 */
export function sendAndWait(tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    tx.signAndSend(signer, options, (result) => {
      const { status, events, dispatchError } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsubscribe?.();
        reject(new Error(`transaction ${status.type}`));
      }
      if (status.isInBlock || status.isFinalized) {
        unsubscribe?.();
        const blockHash = status.isInBlock ? status.asInBlock : status.asFinalized;
        if (dispatchError) {
          const error = new Error(describeDispatchError(tx.registry, dispatchError));
          error.dispatchError = dispatchError;
          error.events = events;
          error.blockHash = blockHash;
          reject(error);
        } else {
          resolve({ blockHash, events });
        }
      }
    }).then((u) => { unsubscribe = u; }, reject);
  });
}

/** "pallet.Error" for a module error (decoded from metadata), else the error's own text. */
export function describeDispatchError(registry, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.toString();
}
