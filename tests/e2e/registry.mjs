// The model registry from polkadot.js, with nothing but the chain's metadata: register a model
// with two contributors, publish a version, read both back, pay for a use into the version's
// royalty pot and claim each contributor's exact share, and see named errors for bad input.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sendAndWait } from './lib/node.mjs';
import { free, royaltiesOwed } from './lib/chain.mjs';

const UNIT = 10n ** 12n;
const PERBILL = 1_000_000_000;

export function registryTests(ctx) {
describe('model registry', () => {
  let api;
  let alice;
  let bob;
  let charlie;
  let eve;
  let ferdie;
  let modelId;
  const artifactHash = `0x${'ab'.repeat(32)}`;
  const licence = { spdx: 'Apache-2.0', commercialUse: true, derivatives: true, attribution: true };

  // Contributors are Eve and Ferdie: Alice and Bob are collators, whose balances block rewards move.
  before(() => ({ api, alice, bob, charlie, eve, ferdie } = ctx));

  it('registers a model with two contributors and publishes a version', async () => {
    const fee = 3n * UNIT;
    const registered = await sendAndWait(api.tx.modelRegistry.registerModel(
      'tiny-classifier', 'A small ONNX classifier', ['vision', 'classification'], licence, fee,
      [[eve.address, 0.6 * PERBILL], [ferdie.address, 0.4 * PERBILL]],
    ), alice);
    const event = registered.events.find(({ event }) => api.events.modelRegistry.ModelRegistered.is(event));
    assert.ok(event, 'ModelRegistered');
    modelId = event.event.data.model.toNumber();

    await sendAndWait(api.tx.modelRegistry.publishModelVersion(
      modelId, artifactHash, 123_456, 'Onnx', 'ipfs://bafy-tiny', 'v1.0.0', [], [], null, 0,
    ), alice);

    const model = (await api.query.modelRegistry.models(modelId)).unwrap();
    assert.equal(model.owner.toString(), alice.address);
    // Its name, description and tags are kept apart from the record jobs read.
    const about = (await api.query.modelRegistry.modelDescriptions(modelId)).unwrap();
    assert.equal(about.name.toUtf8(), 'tiny-classifier');
    assert.deepEqual(about.tags.map((t) => t.toUtf8()), ['vision', 'classification']);
    assert.equal(model.usageFee.toBigInt(), fee);
    assert.deepEqual(
      model.contributors.map(([who, share]) => [who.toString(), share.toNumber()]),
      [[eve.address, 0.6 * PERBILL], [ferdie.address, 0.4 * PERBILL]],
    );
    assert.equal(model.liveVersions.toNumber(), 1);
    const version = (await api.query.modelRegistry.modelVersions(modelId, 0)).unwrap();
    assert.equal(version.artifact.contentHash.toHex(), artifactHash);
    assert.equal(version.artifact.sizeBytes.toNumber(), 123_456);
    assert.equal(version.format.toString(), 'Onnx');
    assert.equal(version.label.toUtf8(), 'v1.0.0');
    const byHash = (await api.query.modelRegistry.modelVersionByHash(artifactHash, alice.address)).unwrap();
    assert.deepEqual(byHash.toJSON(), { model: modelId, version: 0 });
    const held = await api.query.balances.holds(alice.address);
    assert.ok(held.some((h) => h.id.toJSON().modelRegistry === 'StorageDeposit'), 'deposit held');
  });

  it('answers the runtime API from metadata', async () => {
    const answer = await api.call.modelRegistryApi.model(modelId);
    const [model, versions] = answer.unwrap();
    assert.equal(model.owner.toString(), alice.address);
    assert.equal(versions.length, 1);
    const found = await api.call.modelRegistryApi.versionByHash(artifactHash, alice.address);
    assert.deepEqual(found.unwrap().toJSON(), { model: { model: modelId, version: 0 } });
    // M-8: the index is per publisher; every publication of a hash is listed.
    const all = await api.call.modelRegistryApi.versionsByHash(artifactHash);
    assert.deepEqual(all.map(([who, at]) => [who.toString(), at.toJSON()]),
      [[alice.address, { model: { model: modelId, version: 0 } }]]);
  });

  it('pays a usage fee into the version\'s pot, whose contributors each claim their exact share', async () => {
    // H-6: the payer states the most it pays; a fee above it is refused.
    await assert.rejects(sendAndWait(api.tx.modelRegistry.payUsage(
      { Model: { model: modelId, version: 0 } }, { commercial: true, derivative: false }, 3n * UNIT - 1n,
    ), charlie), /modelRegistry\.FeeAboveMaximum/);
    const { events } = await sendAndWait(api.tx.modelRegistry.payUsage(
      { Model: { model: modelId, version: 0 } }, { commercial: true, derivative: false }, 3n * UNIT,
    ), charlie);
    assert.ok(events.some(({ event }) => api.events.modelRegistry.UsagePaid.is(event)), 'UsagePaid');
    // 10% of the fee is the protocol's cut (to the treasury); 60% / 40% of the rest is owed.
    const owed = await royaltiesOwed(api, modelId, 0);
    assert.deepEqual(owed, { [eve.address]: 1_620_000_000_000n, [ferdie.address]: 1_080_000_000_000n, owner: 0n });
    const version = (await api.query.modelRegistry.modelVersions(modelId, 0)).unwrap();
    assert.equal(version.uses.toNumber(), 1);

    // Anyone may claim for a payee (Charlie pays the fee); the payee gets exactly its share.
    for (const who of [eve, ferdie]) {
      const before = await free(api, who.address);
      const { events: claimed } = await sendAndWait(api.tx.modelRegistry.claimRoyalties(
        { Model: { model: modelId, version: 0 } }, { Account: who.address },
      ), charlie);
      const event = claimed.find(({ event }) => api.events.modelRegistry.RoyaltiesClaimed.is(event)).event.data;
      assert.equal(event.amount.toBigInt(), owed[who.address]);
      assert.equal(await free(api, who.address) - before, owed[who.address]);
    }
    await assert.rejects(sendAndWait(api.tx.modelRegistry.claimRoyalties(
      { Model: { model: modelId, version: 0 } }, { Account: eve.address },
    ), charlie), /modelRegistry\.NothingToClaim/);
    await assert.rejects(sendAndWait(api.tx.modelRegistry.claimRoyalties(
      { Model: { model: modelId, version: 0 } }, { Account: charlie.address },
    ), charlie), /modelRegistry\.NotARoyaltyPayee/);
  });

  it('names the error of shares that do not add up to 100%', async () => {
    await assert.rejects(
      sendAndWait(api.tx.modelRegistry.registerModel(
        'bad', '', [], licence, 0, [[alice.address, 0.5 * PERBILL], [bob.address, 0.4 * PERBILL]],
      ), alice),
      /modelRegistry\.SharesNotOneHundredPercent/,
    );
  });

  it('names the error of a version whose parent does not exist', async () => {
    await assert.rejects(
      sendAndWait(api.tx.modelRegistry.publishModelVersion(
        modelId, `0x${'cd'.repeat(32)}`, 1, 'Gguf', 'https://x', 'v2', [{ model: modelId, version: 9 }], [], null, 0,
      ), alice),
      /modelRegistry\.ParentVersionUnknown/,
    );
  });
});
}
