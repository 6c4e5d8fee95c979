// The compute market from polkadot.js: a provider registers, a requester posts a job naming a
// registered model, the provider bids and wins, submits a result, the requester accepts, and
// every balance the settlement touches is checked exactly.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { sendAndWait } from './lib/node.mjs';
import { CAPABILITIES, UNIT, feePaid, freeDeltas, royaltiesAccrued } from './lib/chain.mjs';

const PERBILL = 1_000_000_000;

export function marketTests(ctx) {
describe('compute market', () => {
  let api;
  let alice;
  let bob;
  let charlie;
  let dave;
  let eve;
  let ferdie;
  let modelId;
  let jobId;

  // Contributors are Eve and Ferdie: Alice and Bob are collators, whose balances block rewards move.
  before(() => ({ api, alice, bob, charlie, dave, eve, ferdie } = ctx));


  it('registers a provider and a model to run', async () => {
    const licence = { spdx: 'MIT', commercialUse: true, derivatives: true, attribution: false };
    const registered = await sendAndWait(api.tx.modelRegistry.registerModel(
      'market-model', 'a model for the market test', ['inference'], licence, 3n * UNIT,
      [[eve.address, 0.6 * PERBILL], [ferdie.address, 0.4 * PERBILL]],
    ), alice);
    modelId = registered.events
      .find(({ event }) => api.events.modelRegistry.ModelRegistered.is(event)).event.data.model.toNumber();
    ctx.marketModelId = modelId;
    await sendAndWait(api.tx.modelRegistry.publishModelVersion(
      modelId, `0x${'5e'.repeat(32)}`, 4096, 'Onnx', 'http://127.0.0.1/model.onnx', 'v1', [], [], null, 0,
    ), alice);

    const bond = 100n * UNIT;
    const { events } = await sendAndWait(
      api.tx.computeMarket.registerProvider(CAPABILITIES, 'http://127.0.0.1:8080', bond), charlie);
    assert.ok(events.some(({ event }) => api.events.computeMarket.ProviderRegistered.is(event)));
    const provider = (await api.query.computeMarket.providers(charlie.address)).unwrap();
    assert.equal(provider.bond.toBigInt(), bond);
    assert.equal(provider.status.toString(), 'Active');
  });

  it('runs a job from posting to settlement and pays everyone exactly', async () => {
    const budget = 50n * UNIT;
    const spec = {
      kind: 'Inference',
      model: { model: modelId, version: 0 },
      datasets: [],
      inputHash: `0x${'1a'.repeat(32)}`,
      inputUri: 'http://127.0.0.1/input.bin',
      requirements: { minVramMib: 0, minRamMib: 1024, accelerator: null, region: null, teeRequired: false, minReputation: 0 },
      commercial: false,
      budget,
      matchingBlocks: 50,
      executionBlocks: 50,
      matching: 'Auction',
      verification: 'RequesterApproval',
    };
    const posted = await sendAndWait(api.tx.computeMarket.postJob(spec), dave);
    jobId = posted.events
      .find(({ event }) => api.events.computeMarket.JobPosted.is(event)).event.data.job.toNumber();
    const eligible = await api.call.computeMarketApi.eligibleJobs(charlie.address, 0, 10);
    assert.ok(eligible.map((j) => j.toNumber()).includes(jobId), 'the provider sees the job');

    const price = 10n * UNIT;
    await sendAndWait(api.tx.computeMarket.placeBid(jobId, price), charlie);
    await sendAndWait(api.tx.computeMarket.selectBids(jobId, [charlie.address]), dave);
    const assigned = (await api.query.computeMarket.jobs(jobId)).unwrap();
    assert.equal(assigned.status.toString(), 'Assigned');
    await sendAndWait(api.tx.computeMarket.submitResult(
      jobId, `0x${'0f'.repeat(32)}`, 'http://127.0.0.1/output.bin', '0x'), charlie);

    const treasury = api.consts.treasury.potAccount.toString();
    // The rewards pot: `modl` ++ pallet id, zero-padded to 32 bytes.
    const rewardsPot = api.createType('AccountId', u8aConcat(
      stringToU8a('modl'), api.consts.contributorRewards.palletId.toU8a(), new Uint8Array(20),
    )).toString();
    const accounts = {
      dave: dave.address, charlie: charlie.address, eve: eve.address, ferdie: ferdie.address, treasury, rewardsPot,
    };
    const { blockHash, events } = await sendAndWait(api.tx.computeMarket.acceptResult(jobId), dave);
    const { delta, before, after } = await freeDeltas(api, blockHash, accounts);

    const settled = events.find(({ event }) => api.events.computeMarket.JobSettled.is(event)).event.data;
    const protocolFee = price * 2n / 100n;           // 2% of the provider's pay
    const usageFee = 3n * UNIT;                       // the model's fee, 60% / 40%
    const refund = budget - price - protocolFee - usageFee;
    assert.equal(settled.paidToProviders.toBigInt(), price);
    assert.equal(settled.protocolFee.toBigInt(), protocolFee);
    assert.equal(settled.usageFees.toBigInt(), usageFee);
    assert.equal(settled.refunded.toBigInt(), refund);
    assert.equal(delta.charlie, price);
    // Half the protocol fee (the default RewardsFeeShare) funds the contributor rewards.
    assert.equal(delta.rewardsPot, protocolFee / 2n);
    // The protocol's cut of the usage fee (UsageFeeCut, 10%) goes to the treasury too; the
    // rest goes into the model version's royalty pot in one payment: the contributors are
    // owed their shares and claim them later.
    const cut = usageFee / 10n;
    assert.equal(delta.treasury, protocolFee - protocolFee / 2n + cut);
    assert.equal(delta.eve, 0n);
    assert.equal(delta.ferdie, 0n);
    assert.equal(await royaltiesAccrued(after, modelId, 0) - await royaltiesAccrued(before, modelId, 0), usageFee - cut);
    assert.equal(delta.dave, refund - feePaid(api, events, dave.address));

    const receipt = (await after.query.computeMarket.receipts(jobId)).unwrap();
    assert.deepEqual(receipt.outcome.toJSON(), { completed: { resultHash: `0x${'0f'.repeat(32)}` } });
    assert.deepEqual(receipt.model.toJSON(), { model: modelId, version: 0 });
    const viaApi = (await api.call.computeMarketApi.receipt(jobId)).unwrap();
    assert.equal(viaApi.providers[0][0].toString(), charlie.address);
    const provider = (await after.query.computeMarket.providers(charlie.address)).unwrap();
    assert.equal(provider.reputation.completed.toNumber(), 1);
    assert.equal(provider.reputation.totalPaid.toBigInt(), price);
  });

  it('names the error of accepting a job that already settled', async () => {
    await assert.rejects(
      sendAndWait(api.tx.computeMarket.acceptResult(jobId), dave),
      /computeMarket\.JobNotFound/,
    );
  });
});
}
