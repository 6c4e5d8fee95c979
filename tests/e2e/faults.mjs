// Faults: a dev node of its own, with a database on disk (`--base-path`), is killed with SIGKILL
// while several accounts keep sending transfers. Restarted from the same database on the same
// RPC port, it still has every block it had finalized, with the same hashes and every balance as
// it was; it goes on producing blocks, the senders' next transactions are accepted with the
// nonces the chain kept, and the `deai` CLI works against it. (A worker that loses its node and
// reconnects is played in the worker tests; the zombienet test crashes a collator.)
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { sendAndWait, startDevNode, waitForBlock } from './lib/node.mjs';
import { UNIT } from './lib/chain.mjs';
import { deai } from './lib/cli.mjs';

export function faultTests() {
describe('faults: a dev node killed mid-load', () => {
  const basePath = mkdtempSync(join(tmpdir(), 'deai-fault-'));
  let node;

  after(async () => {
    await node?.stop();
    rmSync(basePath, { recursive: true, force: true });
  });

  it('restarts from its database with every finalized block and balance intact; clients go on', async () => {
    node = await startDevNode({ basePath, fastPeriods: false });
    const { rpcPort } = node;
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const senders = ['Alice', 'Bob', 'Charlie', 'Dave'].map((name) => keyring.addFromUri(`//${name}`));
    const sink = keyring.addFromUri('//DeaiFaultSink');
    const accounts = [...senders, sink].map((pair) => pair.address);

    // The load: every sender sends transfers back to back until the node dies under it.
    let included = 0;
    let stopped = false;
    const load = senders.map(async (sender) => {
      while (!stopped) {
        try {
          await sendAndWait(node.api.tx.balances.transferKeepAlive(sink.address, UNIT), sender);
          included += 1;
        } catch {
          return; // the node is gone
        }
      }
    });
    const start = (await node.api.rpc.chain.getHeader()).number.toNumber();
    await waitForBlock(node.api, start + 4);
    const deadline = Date.now() + 120_000;
    while (included < 8) {
      assert.ok(Date.now() < deadline, `only ${included} transfers in after 2 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // What the node has finalized just before it dies, and the state there.
    const finalized = await node.api.rpc.chain.getFinalizedHead();
    const finalizedNumber = (await node.api.rpc.chain.getHeader(finalized)).number.toNumber();
    const hashes = [];
    for (let n = 0; n <= finalizedNumber; n += 1) {
      hashes.push((await node.api.rpc.chain.getBlockHash(n)).toHex());
    }
    const at = await node.api.at(finalized);
    const balances = await Promise.all(accounts.map(async (a) => (await at.query.system.account(a)).toJSON()));
    assert.ok(finalizedNumber > start, `blocks were finalized under load (#${finalizedNumber})`);

    stopped = true;
    await node.crash();
    // The transfers in flight die with the node (their callbacks never come): not awaited.
    void load;

    node = await startDevNode({ basePath, rpcPort, fastPeriods: false });
    const { api } = node;
    // Every finalized block is still there, with the same hash, and the state at the last one
    // is as it was.
    for (let n = 0; n <= finalizedNumber; n += 1) {
      assert.equal((await api.rpc.chain.getBlockHash(n)).toHex(), hashes[n], `block #${n}`);
    }
    const after = await api.at(finalized);
    assert.deepEqual(
      await Promise.all(accounts.map(async (a) => (await after.query.system.account(a)).toJSON())),
      balances,
      'every balance at the last finalized block',
    );
    const restartedAt = (await api.rpc.chain.getHeader()).number.toNumber();
    assert.ok(restartedAt >= finalizedNumber, `the chain resumes at #${restartedAt}, not before #${finalizedNumber}`);
    await waitForBlock(api, restartedAt + 2);

    // Clients go on: each sender's next transfer is accepted (its nonce is the chain's), and the
    // CLI works on the same address.
    const sinkBefore = (await api.query.system.account(sink.address)).data.free.toBigInt();
    await Promise.all(senders.map((sender) => sendAndWait(api.tx.balances.transferKeepAlive(sink.address, UNIT), sender)));
    assert.equal((await api.query.system.account(sink.address)).data.free.toBigInt(), sinkBefore + 4n * UNIT);
    const rewards = await deai(['rewards', 'show'], { DEAI_URL: `ws://127.0.0.1:${rpcPort}`, DEAI_KEY: '//Alice' }, 120_000);
    assert.ok(rewards, 'deai rewards show answers');
    console.log(`faults: ${included} transfers in before SIGKILL; finalized #${finalizedNumber} kept; resumed at #${restartedAt}`);
  });
});
}
