// Smart contracts from polkadot.js (@polkadot/api-contract): the ink! bounty contract
// (contracts/bounty, built by scripts/build-contracts.sh) is uploaded and instantiated for the
// market tests' model, posts an inference job through DeAI Chain's chain extension, a provider
// runs it, the contract accepts the result and removes the job's receipt, and every balance is
// checked exactly: the provider's pay, the usage fee into the model's royalty pot, the contract's release
// of its funds (the receipt's deposit included) to its owner. A second bounty cancels its open
// job and gives its owner back everything it was funded with.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CodePromise, ContractPromise } from '@polkadot/api-contract';
import { sendAndWait } from './lib/node.mjs';
import { UNIT, feePaid, free, freeDeltas, royaltiesAccrued } from './lib/chain.mjs';

const CONTRACTS_DIR = process.env.DEAI_CONTRACTS ||
  join(process.env.DEAI_CACHE || join(homedir(), '.cache/deai-chain'), 'contracts');

/** The storage deposits `who` paid to contracts in `events` (held on them), net of refunds. */
const storageDepositPaid = (api, events, who) => events.reduce((sum, { event }) => {
  if (api.events.contracts.StorageDepositTransferredAndHeld.is(event) && event.data.from.toString() === who) {
    return sum + event.data.amount.toBigInt();
  }
  if (api.events.contracts.StorageDepositTransferredAndReleased.is(event) && event.data.to.toString() === who) {
    return sum - event.data.amount.toBigInt();
  }
  return sum;
}, 0n);

/** The first event `name` that `contract` emitted in `events`, decoded. */
const contractEvent = (api, contract, events, name) => events
  .filter((record) => api.events.contracts.ContractEmitted.is(record.event))
  .map((record) => contract.abi.decodeEvent(record))
  .find((decoded) => decoded.event.identifier.endsWith(name));

/** The market's holds on `who`. */
const marketHolds = async (api, who) => (await api.query.balances.holds(who))
  .filter((hold) => hold.id.toJSON().computeMarket !== undefined);

export function contractsTests(ctx) {
describe('smart contracts (ink! bounty via the chain extension)', () => {
  let api;
  let charlie;
  let dave;
  let eve;
  let ferdie;
  let abi;
  let wasm;
  let contract;
  let job;
  let gasLimit;
  const endowment = 100n * UNIT;
  const budget = 50n * UNIT;
  const price = 10n * UNIT;
  const result = `0x${'6e'.repeat(32)}`;

  before(() => {
    ({ api, charlie, dave, eve, ferdie } = ctx);
    const metadataPath = join(CONTRACTS_DIR, 'deai_bounty.json');
    if (!existsSync(metadataPath)) {
      throw new Error(`${metadataPath} does not exist: build it with \`make contracts\``);
    }
    abi = JSON.parse(readFileSync(metadataPath, 'utf8'));
    wasm = readFileSync(join(CONTRACTS_DIR, 'deai_bounty.wasm'));
    gasLimit = api.registry.createType('WeightV2', { refTime: 200_000_000_000n, proofSize: 1_000_000n });
  });


  it('uploads and instantiates the contract for a usable model, refusing an unknown one', async () => {
    const code = new CodePromise(api, abi, wasm);
    await assert.rejects(
      sendAndWait(code.tx.new({ gasLimit, storageDepositLimit: null, value: endowment }, 9_999, 0), dave),
      /contracts\.ContractReverted/,
      'the constructor reverts when the registry does not know the model',
    );
    const { events } = await sendAndWait(
      code.tx.new({ gasLimit, storageDepositLimit: null, value: endowment }, ctx.marketModelId, 0), dave);
    const instantiated = events.find(({ event }) => api.events.contracts.Instantiated.is(event)).event.data;
    assert.equal(instantiated.deployer.toString(), dave.address);
    contract = new ContractPromise(api, abi, instantiated.contract);
    // The deployer also pays the contract account's existential deposit.
    const ed = api.consts.balances.existentialDeposit.toBigInt();
    assert.equal(await free(api, contract.address), endowment + ed, 'the contract holds its endowment');

    const { output } = await contract.query.model(dave.address, { gasLimit });
    const [model, usageFee] = output.toJSON().ok.ok;
    assert.deepEqual(model, { model: ctx.marketModelId, version: 0 });
    assert.equal(BigInt(usageFee), 3n * UNIT, 'the registry\'s usage fee, read through the chain extension');
  });

  it('posts a job funded by the contract, which appears in the market', async () => {
    const { events } = await sendAndWait(contract.tx.post(
      { gasLimit, storageDepositLimit: null },
      `0x${'4d'.repeat(32)}`, 'http://127.0.0.1/contract-input.bin', budget, price,
    ), dave);
    const posted = events.find(({ event }) => api.events.computeMarket.JobPosted.is(event)).event.data;
    job = posted.job.toNumber();
    const onChain = (await api.query.computeMarket.jobs(job)).unwrap();
    assert.equal(onChain.requester.toString(), contract.address.toString(), 'the contract is the requester');
    assert.equal(onChain.spec.budget.toBigInt(), budget);
    assert.deepEqual(onChain.spec.model.toJSON(), { model: ctx.marketModelId, version: 0 });
    const held = (await api.query.system.account(contract.address)).data.reserved.toBigInt();
    assert.ok(held >= budget, 'the budget is held on the contract\'s account');

    const { output } = await contract.query.status(dave.address, { gasLimit });
    assert.deepEqual(output.toJSON(), { ok: { ok: { open: null } } });
    await assert.rejects(
      sendAndWait(contract.tx.post({ gasLimit, storageDepositLimit: null },
        `0x${'4d'.repeat(32)}`, 'http://127.0.0.1/again.bin', budget, price), dave),
      /contracts\.ContractReverted/,
      'one job per bounty',
    );
  });

  it('follows the provider\'s work through the chain extension', async () => {
    await sendAndWait(api.tx.computeMarket.claimJob(job), charlie);
    let { output } = await contract.query.status(dave.address, { gasLimit });
    assert.deepEqual(output.toJSON(), { ok: { ok: { assigned: null } } });
    await sendAndWait(api.tx.computeMarket.submitResult(job, result, 'http://127.0.0.1/contract-output.bin', '0x'), charlie);
    ({ output } = await contract.query.status(dave.address, { gasLimit }));
    assert.deepEqual(output.toJSON(), { ok: { ok: { submitted: { resultHash: result } } } });
  });

  it('refuses the accept of anyone but the owner', async () => {
    await assert.rejects(
      sendAndWait(contract.tx.accept({ gasLimit, storageDepositLimit: null }), eve),
      /contracts\.ContractReverted/,
    );
    const { output } = await contract.query.accept(eve.address, { gasLimit });
    assert.deepEqual(output.toJSON(), { ok: { err: { notOwner: null } } });
  });

  it('accepts the result: the market settles, the receipt goes and the contract releases its funds to its owner', async () => {
    const address = contract.address.toString();
    const accounts = { dave: dave.address, charlie: charlie.address, eve: eve.address, ferdie: ferdie.address, contract: address };
    const { blockHash, events } = await sendAndWait(contract.tx.accept({ gasLimit, storageDepositLimit: null }), dave);
    const { delta, before, after } = await freeDeltas(api, blockHash, accounts);
    const deposit = (await before.query.computeMarket.jobs(job)).unwrap().deposit.toBigInt();
    const settled = events.find(({ event }) => api.events.computeMarket.JobSettled.is(event)).event.data;
    assert.equal(settled.job.toNumber(), job);
    assert.equal(settled.resultHash.toHex(), result);
    assert.equal(settled.paidToProviders.toBigInt(), price);
    assert.equal(settled.usageFees.toBigInt(), 3n * UNIT);
    const refunded = settled.refunded.toBigInt();
    assert.equal(refunded, budget - price - settled.protocolFee.toBigInt() - 3n * UNIT);
    assert.equal(delta.charlie, price);
    // The protocol's cut of the usage fee (UsageFeeCut, 10%) goes to the treasury; the rest
    // goes into the model version's royalty pot, which the contributors claim from later.
    const cut = 3n * UNIT / 10n;
    assert.equal(delta.eve, 0n);
    assert.equal(delta.ferdie, 0n);
    assert.equal(await royaltiesAccrued(after, ctx.marketModelId, 0) - await royaltiesAccrued(before, ctx.marketModelId, 0), 3n * UNIT - cut);

    // The contract removed the receipt (M-5): its deposit came back, nothing stays held.
    assert.ok(events.some(({ event }) => api.events.computeMarket.ReceiptRemoved.is(event) &&
      event.data.job.toNumber() === job), 'the receipt was removed');
    assert.ok((await api.query.computeMarket.receipts(job)).isNone);
    assert.deepEqual(await marketHolds(api, address), []);

    // The contract keeps only the existential deposit; everything else went to Dave (who also
    // paid the storage deposit of the contract's record of the outcome).
    const ed = api.consts.balances.existentialDeposit.toBigInt();
    const contractFree = await free(after, address);
    assert.equal(contractFree, ed);
    const released = (await free(before, address)) + refunded + deposit - ed;
    assert.equal(delta.dave,
      released - feePaid(api, events, dave.address) - storageDepositPaid(api, events, dave.address));
    const accepted = contractEvent(api, contract, events, 'Accepted');
    assert.ok(accepted, 'the contract emitted Accepted');
    const [acceptedJob, acceptedHash, acceptedReleased] = accepted.args;
    assert.equal(acceptedJob.toNumber(), job);
    assert.equal(acceptedHash.toHex(), result);
    assert.equal(acceptedReleased.toBigInt(), released);

    const { output } = await contract.query.status(dave.address, { gasLimit });
    assert.deepEqual(output.toJSON(), { ok: { ok: { completed: { resultHash: result } } } });
  });

  it('cancels an open job: the owner gets back everything the bounty was funded with (L-11)', async () => {
    const code = new CodePromise(api, abi, wasm);
    const { events: created } = await sendAndWait(
      code.tx.new({ gasLimit, storageDepositLimit: null, value: endowment }, ctx.marketModelId, 0), dave);
    const address = created.find(({ event }) => api.events.contracts.Instantiated.is(event)).event.data.contract.toString();
    const bounty = new ContractPromise(api, abi, address);
    const { events: posted } = await sendAndWait(bounty.tx.post(
      { gasLimit, storageDepositLimit: null },
      `0x${'4e'.repeat(32)}`, 'http://127.0.0.1/contract-input-2.bin', budget, price,
    ), dave);
    const cancelled = posted.find(({ event }) => api.events.computeMarket.JobPosted.is(event)).event.data.job.toNumber();
    await assert.rejects(
      sendAndWait(bounty.tx.cancel({ gasLimit, storageDepositLimit: null }), eve),
      /contracts\.ContractReverted/,
      'owner only',
    );

    const { blockHash, events } = await sendAndWait(bounty.tx.cancel({ gasLimit, storageDepositLimit: null }), dave);
    const { delta, before, after } = await freeDeltas(api, blockHash, { dave: dave.address, contract: address });
    const failed = events.find(({ event }) => api.events.computeMarket.JobFailed.is(event)).event.data;
    assert.equal(failed.job.toNumber(), cancelled);
    assert.equal(failed.reason.toString(), 'Cancelled');
    assert.equal(failed.refunded.toBigInt(), budget);
    assert.ok(events.some(({ event }) => api.events.computeMarket.ReceiptRemoved.is(event) &&
      event.data.job.toNumber() === cancelled), 'the receipt was removed');
    assert.ok((await api.query.computeMarket.receipts(cancelled)).isNone);
    assert.deepEqual(await marketHolds(api, address), []);

    // Budget and deposit came back to the contract, and all of it went on to Dave.
    const deposit = (await before.query.computeMarket.jobs(cancelled)).unwrap().deposit.toBigInt();
    const ed = api.consts.balances.existentialDeposit.toBigInt();
    assert.equal(await free(after, address), ed);
    const released = (await free(before, address)) + budget + deposit - ed;
    assert.equal(released, endowment, 'the whole endowment');
    assert.equal(delta.dave,
      released - feePaid(api, events, dave.address) - storageDepositPaid(api, events, dave.address));
    const closed = contractEvent(api, bounty, events, 'Closed');
    assert.ok(closed, 'the contract emitted Closed');
    assert.equal(closed.args[0].unwrap().toNumber(), cancelled);
    assert.equal(closed.args[2].toBigInt(), released);

    const { output } = await bounty.query.status(dave.address, { gasLimit });
    assert.deepEqual(output.toJSON(), { ok: { ok: { failed: null } } });
  });
});
}
