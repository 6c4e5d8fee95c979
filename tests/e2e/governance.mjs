// OpenGov from polkadot.js, on a chain with a test chain's short periods (FastPeriods): two
// referenda on the `deai_parameters` track propose new protocol fees. The first is voted through
// with conviction by several accounts, confirmed and enacted, and the next job settlement charges
// the new fee; the second is voted down, is rejected when its decision period ends, and changes
// nothing.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sendAndWait, waitForBlock } from './lib/node.mjs';
import { CAPABILITIES, UNIT } from './lib/chain.mjs';

const DEAI_PARAMETERS_TRACK = 20;

export function governanceTests(ctx) {
describe('governance (OpenGov)', () => {
  let api;
  let alice;
  let bob;
  let charlie;
  let dave;
  let eve;
  let track;
  let approvedIndex;
  let rejectedIndex;
  const approvedFee = 50_000;   // Permill: 5%
  const rejectedFee = 80_000;   // Permill: 8% (within the 0-10% range)

  before(() => ({ api, alice, bob, charlie, dave, eve } = ctx));

  const protocolFee = async () => {
    const value = await api.query.parameters.parameters({ Market: { ProtocolFee: null } });
    return value.isSome ? value.unwrap().asMarket.asProtocolFee.toNumber() : 20_000; // the default, 2%
  };

  const referendum = async (index) => (await api.query.referenda.referendumInfoFor(index)).unwrap();

  /** Notes the preimage of a call setting the protocol fee and submits it on the parameters track. */
  async function propose(fee, proposer) {
    const call = api.tx.parameters.setParameter({ Market: { ProtocolFee: [null, fee] } });
    await sendAndWait(api.tx.preimage.notePreimage(call.method.toHex()), proposer);
    const { events } = await sendAndWait(api.tx.referenda.submit(
      { Origins: 'DeaiParameters' },
      { Lookup: { hash: call.method.hash, len: call.method.encodedLength } },
      { After: 1 },
    ), proposer);
    const submitted = events.find(({ event }) => api.events.referenda.Submitted.is(event)).event.data;
    assert.equal(submitted.track.toNumber(), DEAI_PARAMETERS_TRACK, 'the origin chose the parameters track');
    const index = submitted.index.toNumber();
    await sendAndWait(api.tx.referenda.placeDecisionDeposit(index), proposer);
    return index;
  }

  /** Resolves once `predicate(info)` holds for the referendum, polling block by block. */
  async function waitForReferendum(index, predicate, blocks) {
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    for (let n = start + 1; n <= start + blocks; n += 1) {
      await waitForBlock(api, n, 60_000);
      const info = await referendum(index);
      if (predicate(info)) return info;
    }
    throw new Error(`referendum ${index} is still ${(await referendum(index)).type} after ${blocks} blocks`);
  }

  it('runs on a test chain (FastPeriods), whose tracks take blocks, not days', async () => {
    const tracks = api.consts.referenda.tracks;
    track = tracks.find(([id]) => id.toNumber() === DEAI_PARAMETERS_TRACK)[1];
    assert.equal(track.name.toString().replace(/\0/g, ''), 'deai_parameters');
    assert.ok(
      track.decisionPeriod.toNumber() <= 100,
      'startDevNode sets FastPeriods: the tracks must be the short ones',
    );
  });

  it('submits two referenda on the parameters track, with decision deposits', async () => {
    assert.equal(await protocolFee(), 20_000, 'the fee starts at its default, 2%');
    const deposit = track.decisionDeposit.toBigInt();
    const before = (await api.query.system.account(alice.address)).data.reserved.toBigInt();
    approvedIndex = await propose(approvedFee, alice);
    rejectedIndex = await propose(rejectedFee, alice);
    for (const index of [approvedIndex, rejectedIndex]) {
      const info = (await referendum(index)).asOngoing;
      assert.equal(info.track.toNumber(), DEAI_PARAMETERS_TRACK);
      assert.equal(info.decisionDeposit.unwrap().amount.toBigInt(), deposit);
    }
    const after = (await api.query.system.account(alice.address)).data.reserved.toBigInt();
    const submission = api.consts.referenda.submissionDeposit.toBigInt();
    assert.ok(after - before >= 2n * (deposit + submission), 'both deposits are held');
  });

  it('votes with conviction from several accounts: ayes on one, nays on the other', async () => {
    const voters = [[alice, 800_000n], [bob, 800_000n], [eve, 500_000n]];
    for (const [voter, amount] of voters) {
      await sendAndWait(api.tx.utility.batchAll([
        api.tx.convictionVoting.vote(approvedIndex,
          { Standard: { vote: { aye: true, conviction: 'Locked1x' }, balance: amount * UNIT } }),
        api.tx.convictionVoting.vote(rejectedIndex,
          { Standard: { vote: { aye: false, conviction: 'Locked3x' }, balance: amount * UNIT } }),
      ]), voter);
    }
    const tally = (await referendum(approvedIndex)).asOngoing.tally;
    // Locked1x counts each voted DEAI once; support counts the capital, without conviction.
    assert.equal(tally.ayes.toBigInt(), 2_100_000n * UNIT);
    assert.equal(tally.support.toBigInt(), 2_100_000n * UNIT);
    const nays = (await referendum(rejectedIndex)).asOngoing.tally.nays.toBigInt();
    assert.equal(nays, 3n * 2_100_000n * UNIT, 'Locked3x triples the nays');
    const locks = await api.query.balances.locks(bob.address);
    const pyconvot = locks.find((l) => l.id.toUtf8() === 'pyconvot');
    assert.equal(pyconvot.amount.toBigInt(), 800_000n * UNIT, 'the vote locks the voted balance once');
  });

  it('confirms and enacts the approved referendum: the protocol fee changes on chain', async () => {
    const blocks = track.preparePeriod.toNumber() + track.confirmPeriod.toNumber() +
      track.minEnactmentPeriod.toNumber() + 10;
    await waitForReferendum(approvedIndex, (info) => info.isApproved, blocks);
    // Enactment is scheduled `After: 1` block.
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    while (await protocolFee() !== approvedFee) {
      const now = (await api.rpc.chain.getHeader()).number.toNumber();
      assert.ok(now - start <= 5, 'the approved call was enacted within 5 blocks');
      await waitForBlock(api, now + 1, 60_000);
    }
    assert.equal(await protocolFee(), approvedFee);
  });

  it('charges the new fee at the next job settlement', async () => {
    if ((await api.query.computeMarket.providers(charlie.address)).isNone) {
      await sendAndWait(api.tx.computeMarket.registerProvider(CAPABILITIES, 'http://127.0.0.1:8080', 100n * UNIT), charlie);
    }
    const budget = 20n * UNIT;
    const posted = await sendAndWait(api.tx.computeMarket.postJob({
      kind: 'Inference',
      model: { model: ctx.marketModelId, version: 0 },  // registered by the market tests, fee 3 DEAI
      datasets: [],
      inputHash: `0x${'2b'.repeat(32)}`,
      inputUri: 'http://127.0.0.1/governance-input.bin',
      requirements: { minVramMib: 0, minRamMib: 1024, accelerator: null, region: null, teeRequired: false, minReputation: 0 },
      commercial: false,
      budget,
      matchingBlocks: 50,
      executionBlocks: 50,
      matching: 'Auction',
      verification: 'RequesterApproval',
    }), dave);
    const job = posted.events
      .find(({ event }) => api.events.computeMarket.JobPosted.is(event)).event.data.job.toNumber();
    const price = 10n * UNIT;
    await sendAndWait(api.tx.computeMarket.placeBid(job, price), charlie);
    await sendAndWait(api.tx.computeMarket.selectBids(job, [charlie.address]), dave);
    await sendAndWait(api.tx.computeMarket.submitResult(
      job, `0x${'3c'.repeat(32)}`, 'http://127.0.0.1/governance-output.bin', '0x'), charlie);
    const { events } = await sendAndWait(api.tx.computeMarket.acceptResult(job), dave);
    const settled = events.find(({ event }) => api.events.computeMarket.JobSettled.is(event)).event.data;
    assert.equal(settled.protocolFee.toBigInt(), price * 5n / 100n, '5% of the provider\'s pay, as voted');
    assert.equal(settled.paidToProviders.toBigInt(), price);
    assert.equal(settled.usageFees.toBigInt(), 3n * UNIT);
    assert.equal(settled.refunded.toBigInt(), budget - price - price * 5n / 100n - 3n * UNIT);
  });

  it('rejects the voted-down referendum when its decision period ends, changing nothing', async () => {
    const blocks = track.preparePeriod.toNumber() + track.decisionPeriod.toNumber() + 10;
    const info = await waitForReferendum(rejectedIndex, (i) => !i.isOngoing, blocks);
    assert.ok(info.isRejected, `the referendum was ${info.type}, not Rejected`);
    assert.equal(await protocolFee(), approvedFee, 'the rejected proposal changed nothing');
    // The approved referendum's decision deposit can be refunded; a rejected one's too.
    for (const index of [approvedIndex, rejectedIndex]) {
      const { events } = await sendAndWait(api.tx.referenda.refundDecisionDeposit(index), bob);
      assert.ok(events.some(({ event }) => api.events.referenda.DecisionDepositRefunded.is(event)));
    }
  });
});
}
