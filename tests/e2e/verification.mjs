// The job lifecycle in each verification mode, and disputes both ways, from polkadot.js: a
// redundant job (two providers drawn among the claimers commit, then reveal, and the agreed
// result settles; a replayed reveal is refused: H-1), a job checked by a named verifier
// (accepted; a requester naming itself is refused and a rejection only opens a dispute whose slash
// goes to the treasury: C-1), a requester's dispute the arbiter decides for each side, and the
// named error of a proof-verified job on a model without a ZK profile (a proven job is in
// worker.mjs). Every balance a
// settlement, a slash or a refund touches is checked exactly.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, decodeAddress } from '@polkadot/util-crypto';
import { describeDispatchError, sendAndWait, waitForBlock } from './lib/node.mjs';
import { CAPABILITIES, UNIT, feePaid, freeDeltas } from './lib/chain.mjs';


export function verificationTests(ctx) {
describe('verification modes and disputes', () => {
  let api;
  let alice;
  let charlie;
  let dave;
  let second; // a second provider, funded by Alice
  const price = 10n * UNIT;
  const budget = 40n * UNIT;

  before(async () => {
    ({ api, alice, charlie, dave } = ctx);
    second = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//DeaiSecondProvider');
    await sendAndWait(api.tx.balances.transferKeepAlive(second.address, 10_000n * UNIT), alice);
    await sendAndWait(api.tx.computeMarket.registerProvider(CAPABILITIES, 'http://127.0.0.1:8081', 100n * UNIT), second);
  });

  const bond = async (at, who) => (await at.query.computeMarket.providers(who)).unwrap().bond.toBigInt();
  const eventData = (events, kind) => events.find(({ event }) => kind.is(event))?.event.data;

  /** Free-balance changes of `accounts` in the block `blockHash`. */
  const deltas = async (blockHash, accounts) => ({ out: (await freeDeltas(api, blockHash, accounts)).delta });

  async function postJob(matching, verification, matchingBlocks = 50) {
    const { events } = await sendAndWait(api.tx.computeMarket.postJob({
      kind: 'Inference',
      model: { model: ctx.marketModelId, version: 0 },
      datasets: [],
      inputHash: `0x${'7a'.repeat(32)}`,
      inputUri: 'http://127.0.0.1/verification-input.bin',
      requirements: { minVramMib: 0, minRamMib: 1024, accelerator: null, region: null, teeRequired: false, minReputation: 0 },
      commercial: false,
      budget,
      matchingBlocks,
      executionBlocks: 50,
      matching,
      verification,
    }), dave);
    return eventData(events, api.events.computeMarket.JobPosted).job.toNumber();
  }

  /** The job as block `number` left it, once that block exists. */
  async function jobAt(number, job) {
    await waitForBlock(api, number);
    return api.query.computeMarket.jobs.at(await api.rpc.chain.getBlockHash(number), job);
  }

  /** Root (sudo on the dev chain) stands in for a market_arbiter referendum. */
  async function resolveDispute(job, providerAtFault) {
    const result = await sendAndWait(api.tx.sudo.sudo(api.tx.computeMarket.resolveDispute(job, providerAtFault)), alice);
    const sudoResult = eventData(result.events, api.events.sudo.Sudid).sudoResult;
    if (sudoResult.isErr) throw new Error(describeDispatchError(api.registry, sudoResult.asErr));
    return result;
  }

  it('names the error of a proof-verified job on a model without a ZK profile', async () => {
    await assert.rejects(postJob({ FixedPrice: { price } }, 'Proof'), /zkVerifier\.NoProfile/);
  });

  it('redundant: two providers commit, then reveal; the agreed result settles and pays both', async () => {
    const job = await postJob({ FixedPrice: { price } }, { Redundant: { providers: 2, quorum: 2 } }, 6);
    // Both claims go in together, and every status is read at the block it describes, so a slow
    // machine (a late block, a late subscription) cannot turn the short windows into a failure.
    const [, claimed] = await Promise.all([
      sendAndWait(api.tx.computeMarket.claimJob(job), charlie),
      sendAndWait(api.tx.computeMarket.claimJob(job), second),
    ]);
    // H-2: claims are applications; the set is drawn when the matching window closes.
    const open = (await api.query.computeMarket.jobs.at(claimed.blockHash, job)).unwrap();
    assert.equal(open.status.toString(), 'Open');
    // The window closed (no more claims, no cancelling); the draw follows two blocks later, from
    // randomness produced after the close.
    const drawing = (await jobAt(open.deadline.unwrap()[0].toNumber(), job)).unwrap();
    assert.equal(drawing.status.toString(), 'Drawing');
    const assigned = (await jobAt(drawing.deadline.unwrap()[0].toNumber(), job)).unwrap();
    assert.equal(assigned.status.toString(), 'Assigned');

    const result = `0x${'a1'.repeat(32)}`;
    const salts = [`0x${'01'.repeat(32)}`, `0x${'02'.repeat(32)}`];
    // deai_abi::result_commitment: blake2b-256 of the domain tag, the job (u64, little endian),
    // the provider's account, the result and the salt.
    const commitment = (who, salt) => u8aToHex(blake2AsU8a(u8aConcat(
      stringToU8a('deai/commit1'), bnToU8a(job, { bitLength: 64, isLe: true }),
      decodeAddress(who.address), result, salt), 256));
    await assert.rejects(
      sendAndWait(api.tx.computeMarket.submitResult(job, result, 'http://127.0.0.1/r.bin', '0x'), charlie),
      /computeMarket\.WrongVerificationMode/,
      'a redundant job takes commitments, not plain results',
    );
    await sendAndWait(api.tx.computeMarket.commitResult(job, commitment(charlie, salts[0])), charlie);
    await sendAndWait(api.tx.computeMarket.commitResult(job, commitment(second, salts[1])), second);
    assert.equal((await api.query.computeMarket.jobs(job)).unwrap().status.toString(), 'Revealing');
    await assert.rejects(
      sendAndWait(api.tx.computeMarket.revealResult(job, `0x${'ff'.repeat(32)}`, 'http://127.0.0.1/r.bin', salts[0]), charlie),
      /computeMarket\.RevealMismatch/,
    );
    await sendAndWait(api.tx.computeMarket.revealResult(job, result, 'http://127.0.0.1/r1.bin', salts[0]), charlie);
    // H-1: replaying another provider's reveal (its result and salt) opens nothing: commitments
    // bind the provider.
    await assert.rejects(
      sendAndWait(api.tx.computeMarket.revealResult(job, result, 'http://127.0.0.1/r1.bin', salts[0]), second),
      /computeMarket\.RevealMismatch/,
    );
    const { blockHash, events } = await sendAndWait(
      api.tx.computeMarket.revealResult(job, result, 'http://127.0.0.1/r2.bin', salts[1]), second);

    const settled = eventData(events, api.events.computeMarket.JobSettled);
    assert.equal(settled.job.toNumber(), job);
    assert.equal(settled.resultHash.toHex(), result);
    assert.equal(settled.paidToProviders.toBigInt(), 2n * price);
    const { out } = await deltas(blockHash, { charlie: charlie.address, second: second.address, dave: dave.address });
    assert.equal(out.charlie, price);
    assert.equal(out.second, price - feePaid(api, events, second.address));
    assert.equal(out.dave, settled.refunded.toBigInt());
    assert.equal(settled.refunded.toBigInt(),
      budget - 2n * price - settled.protocolFee.toBigInt() - settled.usageFees.toBigInt());
  });

  it('verifier: a direct job\'s result is attested and paid; a rejection is a dispute, its slash the treasury\'s (C-1)', async () => {
    // C-1: a requester cannot verify its own job.
    await assert.rejects(postJob({ Direct: { provider: charlie.address } }, { Verifier: { verifier: dave.address } }),
      /computeMarket\.VerifierIsRequester/);
    const verification = { Verifier: { verifier: alice.address } };
    const accepted = await postJob({ Direct: { provider: charlie.address } }, verification);
    await assert.rejects(sendAndWait(api.tx.computeMarket.acceptJob(accepted), second), /computeMarket\.ProviderNotEligible/);
    await sendAndWait(api.tx.computeMarket.acceptJob(accepted), charlie);
    // A direct provider works for the job's price cap: the budget less the fees it must cover.
    const priceCap = (await api.query.computeMarket.jobs(accepted)).unwrap().priceCap.toBigInt();
    const result = `0x${'b2'.repeat(32)}`;
    await sendAndWait(api.tx.computeMarket.submitResult(accepted, result, 'http://127.0.0.1/v.bin', '0x'), charlie);
    await assert.rejects(sendAndWait(api.tx.computeMarket.attestResult(accepted, true), dave), /computeMarket\.NotVerifier/);
    let { blockHash, events } = await sendAndWait(api.tx.computeMarket.attestResult(accepted, true), alice);
    const settled = eventData(events, api.events.computeMarket.JobSettled);
    assert.equal(settled.resultHash.toHex(), result);
    let { out } = await deltas(blockHash, { charlie: charlie.address, dave: dave.address });
    assert.equal(settled.paidToProviders.toBigInt(), priceCap);
    assert.equal(out.charlie, priceCap);
    assert.equal(out.dave, settled.refunded.toBigInt());

    const rejected = await postJob({ FixedPrice: { price } }, verification);
    await sendAndWait(api.tx.computeMarket.claimJob(rejected), second);
    await sendAndWait(api.tx.computeMarket.submitResult(rejected, `0x${'c3'.repeat(32)}`, 'http://127.0.0.1/bad.bin', '0x'), second);
    const bondBefore = await bond(api, second.address);
    ({ events } = await sendAndWait(api.tx.computeMarket.attestResult(rejected, false), alice));
    // The rejection decides nothing by itself: the job waits for the dispute resolver, with the
    // requester's dispute bond held as if it had disputed.
    const disputeBond = 10n * UNIT;
    assert.equal((await api.query.balances.holds(dave.address))
      .filter((h) => h.id.toJSON().computeMarket === 'DisputeBond')
      .reduce((sum, h) => sum + h.amount.toBigInt(), 0n), disputeBond);
    assert.equal(eventData(events, api.events.computeMarket.ResultRejected).job.toNumber(), rejected);
    assert.equal(eventData(events, api.events.computeMarket.ProviderSlashed), undefined);
    assert.equal((await api.query.computeMarket.jobs(rejected)).unwrap().status.toString(), 'Disputed');
    assert.equal(await bond(api, second.address), bondBefore);
    const treasury = api.consts.treasury.potAccount.toString();
    ({ blockHash, events } = await resolveDispute(rejected, true));
    const failed = eventData(events, api.events.computeMarket.JobFailed);
    assert.equal(failed.reason.toString(), 'DisputeLost');
    assert.equal(failed.refunded.toBigInt(), budget);
    const slashed = eventData(events, api.events.computeMarket.ProviderSlashed).amount.toBigInt();
    assert.equal(slashed, bondBefore / 5n, 'DisputeSlash: 20% of the bond');
    ({ out } = await deltas(blockHash, { second: second.address, dave: dave.address, treasury }));
    assert.equal(out.dave, budget + disputeBond, 'the requester gets its budget and bond back, never the slash');
    assert.equal(out.treasury, slashed);
    assert.equal(out.second, 0n);
    assert.equal(await bond(api, second.address), bondBefore - slashed);
    // Below the minimum bond a provider takes no work until it tops up.
    await sendAndWait(api.tx.computeMarket.topUpBond(slashed), second);
    assert.equal(await bond(api, second.address), bondBefore);
  });

  it('disputes: the arbiter finds the provider at fault (slash to the treasury, full refund)', async () => {
    const job = await postJob({ FixedPrice: { price } }, 'RequesterApproval');
    await sendAndWait(api.tx.computeMarket.claimJob(job), charlie);
    await sendAndWait(api.tx.computeMarket.submitResult(job, `0x${'d4'.repeat(32)}`, 'http://127.0.0.1/d.bin', '0x'), charlie);
    await assert.rejects(sendAndWait(api.tx.computeMarket.disputeResult(job), second), /computeMarket\.NotRequester/);
    const disputed = await sendAndWait(api.tx.computeMarket.disputeResult(job), dave);
    const disputeBond = eventData(disputed.events, api.events.computeMarket.JobDisputed).bond.toBigInt();
    assert.equal(disputeBond, 10n * UNIT, 'the DisputeBond parameter');
    await assert.rejects(sendAndWait(api.tx.computeMarket.acceptResult(job), dave), /computeMarket\.NotSubmitted/);

    const bondBefore = await bond(api, charlie.address);
    const { blockHash, events } = await resolveDispute(job, true);
    assert.ok(eventData(events, api.events.computeMarket.DisputeResolved).providerAtFault.isTrue);
    const slashed = eventData(events, api.events.computeMarket.ProviderSlashed).amount.toBigInt();
    assert.equal(slashed, bondBefore / 5n);
    const treasury = api.consts.treasury.potAccount.toString();
    const { out } = await deltas(blockHash, { charlie: charlie.address, dave: dave.address, treasury });
    assert.equal(out.dave, budget + disputeBond, 'budget and dispute bond; the slash is the treasury\'s');
    assert.equal(out.treasury, slashed);
    assert.equal(out.charlie, 0n);
    const reputation = (await api.query.computeMarket.providers(charlie.address)).unwrap().reputation;
    assert.ok(reputation.disputesLost.toNumber() >= 1);
    const next = await postJob({ FixedPrice: { price } }, 'RequesterApproval');
    await assert.rejects(sendAndWait(api.tx.computeMarket.claimJob(next), charlie), /computeMarket\.ProviderInactive/,
      'below the minimum bond, a provider takes no work');
    await sendAndWait(api.tx.computeMarket.topUpBond(slashed), charlie);
    assert.equal(await bond(api, charlie.address), bondBefore);
    await sendAndWait(api.tx.computeMarket.cancelJob(next), dave);
  });

  it('disputes: the arbiter finds the requester wrong (bond split, job settled)', async () => {
    const job = await postJob({ FixedPrice: { price } }, 'RequesterApproval');
    await sendAndWait(api.tx.computeMarket.claimJob(job), second);
    const result = `0x${'e5'.repeat(32)}`;
    await sendAndWait(api.tx.computeMarket.submitResult(job, result, 'http://127.0.0.1/e.bin', '0x'), second);
    await sendAndWait(api.tx.computeMarket.disputeResult(job), dave);
    const { blockHash, events } = await resolveDispute(job, false);
    const settled = eventData(events, api.events.computeMarket.JobSettled);
    assert.equal(settled.resultHash.toHex(), result);
    const disputeBond = 10n * UNIT;
    const { out } = await deltas(blockHash, { second: second.address, dave: dave.address });
    assert.equal(out.second, price + disputeBond / 2n, 'its price and half the requester\'s bond');
    assert.equal(out.dave, settled.refunded.toBigInt(), 'the refund; the bond is gone');
    await assert.rejects(resolveDispute(job, true), /computeMarket\.JobNotFound/, 'a settled job cannot be resolved again');
  });
});
}
