// Smoke tests of a real `deai-node --dev`: chain identity, block production, a transfer with
// exact balances, and the node's rejection of a malformed and an underfunded extrinsic.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { sendAndWait, waitForBlock } from './lib/node.mjs';

const UNIT = 10n ** 12n;

export function smokeTests(ctx) {
describe('deai-node --dev', () => {
  let api;
  let alice;
  let bob;
  before(() => ({ api, alice, bob } = ctx));

  it('names the chain and its token', async () => {
    assert.equal((await api.rpc.system.chain()).toString(), 'DeAI Chain Development');
    assert.equal((await api.rpc.system.name()).toString(), 'deai-node');
    assert.equal(api.runtimeVersion.specName.toString(), 'deai-chain');
    const properties = await api.rpc.system.properties();
    assert.deepEqual(properties.tokenSymbol.unwrap().map(String), ['DEAI']);
    assert.deepEqual(properties.tokenDecimals.unwrap().map((d) => d.toNumber()), [12]);
    assert.equal(properties.ss58Format.unwrap().toNumber(), 42);
    assert.deepEqual(api.registry.chainTokens, ['DEAI']);
    assert.deepEqual(api.registry.chainDecimals, [12]);
    assert.equal((await api.query.parachainInfo.parachainId()).toNumber(), 2000);
  });

  it('produces blocks', async () => {
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    const header = await waitForBlock(api, start + 2, 60_000);
    assert.ok(header.number.toNumber() >= start + 2);
  });

  it('transfers with transferKeepAlive and charges exactly the reported fee', async () => {
    const amount = 123n * UNIT;
    const before = {
      alice: (await api.query.system.account(alice.address)).data.free.toBigInt(),
      bob: (await api.query.system.account(bob.address)).data.free.toBigInt(),
    };
    const { blockHash, events } = await sendAndWait(
      api.tx.balances.transferKeepAlive(bob.address, amount), alice);

    const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
    assert.ok(transfer, 'a Transfer event');
    assert.equal(transfer.event.data.amount.toBigInt(), amount);
    const feeEvent = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
    const fee = feeEvent.event.data.actualFee.toBigInt();
    assert.ok(fee > 0n);

    const at = await api.at(blockHash);
    const after = {
      alice: (await at.query.system.account(alice.address)).data.free.toBigInt(),
      bob: (await at.query.system.account(bob.address)).data.free.toBigInt(),
    };
    assert.equal(after.bob, before.bob + amount);
    assert.equal(after.alice, before.alice - amount - fee);
  });

  it('rejects a malformed extrinsic with a clear error', async () => {
    // Sent as raw bytes over RPC: polkadot.js itself would refuse to encode it.
    const provider = new WsProvider(`ws://127.0.0.1:${ctx.node.rpcPort}`);
    await provider.isReady;
    try {
      // Not even hex: the RPC layer refuses the parameter.
      await assert.rejects(
        provider.send('author_submitExtrinsic', ['0xnot-hex']),
        /Invalid params/,
      );
      // Hex, but not an extrinsic of this runtime: the pool's verification refuses it.
      await assert.rejects(
        provider.send('author_submitExtrinsic', ['0x1004deadbeef']),
        /1002: Verification Error/,
      );
    } finally {
      await provider.disconnect();
    }
  });

  it('rejects an extrinsic from an account that cannot pay its fee', async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const pauper = keyring.addFromMnemonic(mnemonicGenerate());
    await assert.rejects(
      api.tx.balances.transferKeepAlive(bob.address, UNIT).signAndSend(pauper),
      (error) => {
        assert.match(error.message, /1010: Invalid Transaction: Inability to pay some fees/);
        return true;
      },
    );
  });

  it('keeps producing blocks after rejecting bad extrinsics', async () => {
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitForBlock(api, start + 1, 60_000);
  });
});
}
