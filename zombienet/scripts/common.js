// Helpers of the zombienet js-scripts (CommonJS: zombienet `require`s them, with polkadot.js in
// the global `zombie`).
const fs = require('fs');
const os = require('os');
const path = require('path');

const UNIT = 10n ** 12n;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
const STATE = path.join(process.env.DEAI_ZOMBIE_STATE || os.tmpdir(), 'deai-zombienet-state.json');

/**
 * Connects to a node of the network by its name, once its RPC server answers (a restarted node
 * logs long before it serves RPC, and polkadot.js' first failed connection attempts would end as
 * an unhandled rejection that stops zombienet).
 */
async function connect(networkInfo, name, timeoutMs = 240_000) {
  await zombie.util.cryptoWaitReady();
  const wsUri = networkInfo.nodesByName[name].wsUri;
  const httpUri = wsUri.replace(/^ws/, 'http');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(httpUri, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_health', params: [] }),
      });
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${name}'s RPC (${httpUri}) did not answer in ${timeoutMs} ms`);
    await sleep(2_000);
  }
  return zombie.connect(wsUri);
}

/** A dev account: //Alice, //Charlie, ... */
function dev(name) {
  return new zombie.Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(`//${name}`);
}

/** Signs and sends `tx`; resolves with the events once finalized, rejects with the named error. */
function finalized(api, tx, signer) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsubscribe?.();
        reject(new Error(`transaction ${status.type}`));
      } else if (status.isFinalized) {
        unsubscribe?.();
        if (dispatchError?.isModule) {
          const { section, name } = api.registry.findMetaError(dispatchError.asModule);
          reject(new Error(`${section}.${name}`));
        } else if (dispatchError) {
          reject(new Error(dispatchError.toString()));
        } else {
          resolve(events);
        }
      }
    }).then((u) => { unsubscribe = u; }, reject);
  });
}

const best = async (api) => (await api.rpc.chain.getHeader()).number.toNumber();
/** The node's finalized block: its number and hash (hex). */
async function finalizedHead(api) {
  const hash = await api.rpc.chain.getFinalizedHead();
  return { number: (await api.rpc.chain.getHeader(hash)).number.toNumber(), hash: hash.toHex() };
}
const saveState = (state) => fs.writeFileSync(STATE, JSON.stringify(state));
const loadState = () => JSON.parse(fs.readFileSync(STATE, 'utf8'));

module.exports = { UNIT, connect, dev, finalized, best, finalizedHead, saveState, loadState, sleep };
