#!/usr/bin/env node
// The block-filling benchmark: how many transactions of one kind a block holds, and what stops
// it — ref time, proof size, length, the pool, or the time the node has to author a block.
//
//   node tests/e2e/bench-fill.mjs [--call post_job] [--blocks 3] [--url ws://127.0.0.1:9944]
//
// Without --url it starts a dev node of its own (DEAI_NODE, else the debug build of `make node`).
// For each measured call, `transfer_keep_alive` first (the yardstick, measured the same way in
// the same run) and then the call itself, it signs enough transactions from distinct funded
// accounts to fill `--blocks` blocks plus one, submits them all at once (open loop: nothing
// waits for inclusion), and reads every block that includes them: the transactions of that kind,
// the normal class's ref time and proof size used (`System::BlockWeight`, what the runtime
// charged) and the length of the extrinsics, each as a share of the runtime's normal-class
// limits, and how many transactions were still waiting in the pool afterwards. A block is full
// when one of its limits is at least 95% used; the resource closest to its limit binds. A
// block that is not full while transactions still wait says the node ran out of authoring time
// (a debug node's host functions are an order of magnitude slower than a release node's). The
// script fails when no block of the measured call reached 95% of a limit.
//
// Calls: transfer_keep_alive, post_job (a training job without a model, fixed price), remark
// (System::remark of 100 bytes, an empty call: the block's overhead), and `lifecycle`: a job's
// whole life, one stage after the other, each filling blocks on its own — post_job (inference of
// a registered model version with the most contributors the runtime allows, fixed price),
// claim_job (by distinct bonded providers), submit_result, accept_result (the settlement: the
// provider paid, the protocol fee split, the usage fee into the version's royalty pot, the
// points recorded). From the four it reports how many whole job lifecycles a block holds, and a
// minute at the dev node's 3 s and the production 6 s block time. `redundant`: a redundant job's
// life (2 providers, quorum 2): post_job, both applications (claim_job), then — once the hook
// has drawn every set — both commitments, the first reveal of each job and the second, which
// settles it (on a node with the runtime's production periods, as the one it starts: the
// fast-runtime's 10-block reveal period is shorter than its reveal stages). `oracle`: an AI
// oracle answer's life (3 providers, quorum 2, answers revealed inline): the request (which
// posts its market job), the three applications, the three commitments, the first two reveals,
// and the third, which decides the answer and settles the job; it reports answers a block and a
// minute. A transaction of a stage that fails its dispatch fails the script: it would measure
// the wrong path.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { sendAndWait, startDevNode } from './lib/node.mjs';

const UNIT = 10n ** 12n;
// Bob's account (//Bob).
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const FULL = 0.95;

function parseArgs(argv) {
  const args = { call: 'post_job', blocks: 3, url: undefined, senders: 32 };
  for (let i = 0; i < argv.length; i += 1) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--call') args.call = value;
    else if (key === '--blocks') args.blocks = Number(value);
    else if (key === '--url') args.url = value;
    else if (key === '--senders') args.senders = Number(value);
    else if (key === '--help' || key === '-h') {
      console.log('usage: bench-fill.mjs [--call transfer_keep_alive|post_job|remark|lifecycle|redundant|oracle] [--blocks N] [--senders N] [--url WS]');
      process.exit(0);
    } else throw new Error(`unknown argument ${key}`);
    i += 1;
  }
  return args;
}

/** The `index`-th transaction of a sender for `call`. */
function makeTx(api, call, index) {
  switch (call) {
    case 'transfer_keep_alive':
      // To Bob: every sender pays one account, as many payers pay one merchant.
      return api.tx.balances.transferKeepAlive(BOB, UNIT);
    case 'post_job':
      return api.tx.computeMarket.postJob({
        kind: 'Training',
        model: null,
        datasets: [],
        inputHash: `0x${index.toString(16).padStart(64, '0')}`,
        inputUri: 'http://127.0.0.1/input.bin',
        requirements: { minVramMib: 0, minRamMib: 0, accelerator: null, region: null, teeRequired: false, minReputation: 0 },
        commercial: false,
        budget: 2n * UNIT,
        matchingBlocks: 100,
        executionBlocks: 100,
        matching: { FixedPrice: { price: UNIT } },
        verification: 'RequesterApproval',
      });
    case 'remark':
      return api.tx.system.remark(`0x${'ab'.repeat(100)}`);
    default:
      throw new Error(`unknown call ${call}`);
  }
}

/** The normal class's limits: ref time, proof size, length. */
function limits(api) {
  const normal = api.consts.system.blockWeights.perClass.normal;
  const maxTotal = normal.maxTotal.unwrap();
  return {
    refTime: maxTotal.refTime.toBigInt(),
    proofSize: maxTotal.proofSize.toBigInt(),
    length: BigInt(api.consts.system.blockLength.max.normal.toString()),
  };
}

/** Funds `count` fresh accounts from Alice (in batches) and returns their key pairs. */
async function fundSenders(api, alice, count, tag, amount = 5_000n * UNIT) {
  const keyring = new Keyring({ type: 'sr25519' });
  const senders = Array.from({ length: count }, (_, i) => keyring.addFromUri(`//BenchFill/${tag}/${i}`));
  for (let start = 0; start < count; start += 64) {
    const batch = senders.slice(start, start + 64)
      .map((pair) => api.tx.balances.transferKeepAlive(pair.address, amount));
    await sendAndWait(api.tx.utility.batchAll(batch), alice, { era: 0 });
  }
  return senders;
}

/** The charged weight and length of one `tx` signed by `signer`. */
async function costOf(api, tx, signer) {
  const { weight } = await tx.paymentInfo(signer);
  return { refTime: weight.refTime.toBigInt(), proofSize: weight.proofSize.toBigInt(), length: BigInt(tx.encodedLength + 100) };
}

/** How many transactions of `perTx` a block's limits fit. */
const fitOf = (limit, perTx) => [limit.refTime / perTx.refTime, limit.proofSize / perTx.proofSize, limit.length / perTx.length]
  .reduce((a, b) => (a < b ? a : b));

/** Fills blocks with `call`, `perSender` transactions from each of `senderCount` fresh accounts. */
async function fill(api, alice, call, blocks, senderCount) {
  const limit = limits(api);
  const senders = await fundSenders(api, alice, senderCount, call);
  const perTx = await costOf(api, makeTx(api, call, 0), senders[0]);
  const fit = fitOf(limit, perTx);
  // Twice what the charged weight says fits `blocks + 1` blocks: what a block really holds is
  // measured, and the pool must not run dry before the blocks fill.
  const perSender = Math.ceil((2 * Number(fit) * (blocks + 1)) / senders.length);
  const plan = senders.map((sender) => [sender, Array.from({ length: perSender }, (_, i) => makeTx(api, call, i))]);
  const [section, method] = { transfer_keep_alive: ['balances', 'transferKeepAlive'], post_job: ['computeMarket', 'postJob'], remark: ['system', 'remark'] }[call];
  return submitAndWatch(api, { call, section, method, perTx, fit, plan, blocks });
}

/**
 * Signs every transaction of `plan` ([signer, [tx, …]] pairs, each signer's in nonce order),
 * submits them all at once (open loop: nothing waits for inclusion), and reads every block that
 * includes them until the pool is empty or `blocks + 3` blocks have passed.
 */
async function submitAndWatch(api, { call, section, method, perTx, fit, plan, blocks }) {
  const limit = limits(api);
  const count = plan.reduce((sum, [, txs]) => sum + txs.length, 0);
  process.stderr.write(`[bench-fill] ${call}: charged ${perTx.refTime} ps, ${perTx.proofSize} B of proof; `
    + `a block fits ${fit} by its limits; signing ${count} transactions\n`);
  const signed = [];
  for (const [sender, txs] of plan) {
    const { nonce } = await api.query.system.account(sender.address);
    for (const [i, tx] of txs.entries()) {
      signed.push((await tx.signAsync(sender, { nonce: nonce.toNumber() + i, era: 0 })).toHex());
    }
  }

  const seen = [];
  let included = 0;
  let refused = 0;
  let failed = 0;
  let firstRefusal;
  let firstFailure;
  const start = (await api.rpc.chain.getHeader()).number.toNumber();
  const done = new Promise((resolve) => {
    let unsubscribe;
    api.rpc.chain.subscribeNewHeads(async (header) => {
      const number = header.number.toNumber();
      if (number <= start) return;
      const hash = header.hash;
      const block = await api.rpc.chain.getBlock(hash);
      const at = await api.at(hash);
      const ours = new Set();
      block.block.extrinsics.forEach((x, i) => { if (x.method.section === section && x.method.method === method) ours.add(i); });
      for (const { phase, event } of await at.query.system.events()) {
        if (phase.isApplyExtrinsic && ours.has(phase.asApplyExtrinsic.toNumber()) && api.events.system.ExtrinsicFailed.is(event)) {
          failed += 1;
          const error = event.data.dispatchError;
          firstFailure ??= error.isModule ? (({ section: s, name }) => `${s}.${name}`)(api.registry.findMetaError(error.asModule)) : error.toString();
        }
      }
      const length = block.block.extrinsics.reduce((sum, x) => sum + BigInt(x.encodedLength), 0n);
      const used = (await at.query.system.blockWeight()).normal;
      included += ours.size;
      const pending = signed.length - refused - included;
      seen.push({
        number,
        count: ours.size,
        refTime: Number(used.refTime.toBigInt() * 10_000n / limit.refTime) / 10_000,
        proofSize: Number(used.proofSize.toBigInt() * 10_000n / limit.proofSize) / 10_000,
        length: Number(length * 10_000n / limit.length) / 10_000,
        pending,
      });
      if (seen.length >= blocks + 3 || (included > 0 && pending <= 0)) {
        unsubscribe?.();
        resolve();
      }
    }).then((u) => { unsubscribe = u; });
  });
  await Promise.all(signed.map((tx) => api.rpc.author.submitExtrinsic(tx).catch((error) => {
    refused += 1;
    firstRefusal ??= error.message;
  })));
  if (refused) {
    process.stderr.write(`[bench-fill] the pool refused ${refused} of ${signed.length}: ${firstRefusal}\n`);
  }
  await done;
  if (failed) throw new Error(`${call}: ${failed} transactions failed their dispatch (first: ${firstFailure})`);
  return { call, perTx, fit, blocks: seen.filter((b) => b.count > 0), refused };
}

/** The jobs whose requester is one of `requesters` (in one of `status`, a status or a list, if
 * given), by requester, in id order. */
async function jobsOf(api, requesters, status) {
  const statuses = status === undefined ? undefined : [status].flat();
  const mine = new Map(requesters.map((r) => [r.address, []]));
  for (const [key, value] of await api.query.computeMarket.jobs.entries()) {
    const job = value.unwrap();
    if (statuses && !statuses.includes(job.status.type)) continue;
    mine.get(job.requester.toString())?.push(key.args[0].toNumber());
  }
  for (const ids of mine.values()) ids.sort((a, b) => a - b);
  return mine;
}

/**
 * A job's life, stage by stage: post_job, claim_job, submit_result, accept_result, each filling
 * blocks with distinct accounts. Returns each stage's result.
 */
/** Registers a model with the most contributors the runtime allows (a usage fee of 1 UNIT) and
 * publishes its version 0; returns the model's id. */
async function benchModel(api, alice) {
  const keyring = new Keyring({ type: 'sr25519' });
  const most = api.consts.modelRegistry.maxContributors.toNumber();
  const contributors = Array.from({ length: most }, (_, i) => [keyring.addFromUri(`//BenchFill/contributor/${i}`).address, 0]);
  contributors.forEach((c, i) => { c[1] = Math.floor(1_000_000_000 / most) + (i < 1_000_000_000 % most ? 1 : 0); });
  const licence = { spdx: 'MIT', commercialUse: true, derivatives: true, attribution: false };
  const registered = await sendAndWait(api.tx.modelRegistry.registerModel('bench-model', '', [], licence, UNIT, contributors), alice);
  const model = registered.events.find(({ event }) => api.events.modelRegistry.ModelRegistered.is(event)).event.data.model.toNumber();
  await sendAndWait(api.tx.modelRegistry.publishModelVersion(model, `0x${'be'.repeat(32)}`, 1, 'Onnx', 'http://127.0.0.1/model.onnx', 'v1', [], [], null, 0), alice);
  return model;
}

/** An inference job on version 0 of `model`, fixed price 1 UNIT a provider. */
function benchJob(api, model, index, { providers = 1, matchingBlocks = 1_000 } = {}) {
  return api.tx.computeMarket.postJob({
    kind: 'Inference',
    model: { model, version: 0 },
    datasets: [],
    inputHash: `0x${index.toString(16).padStart(64, '0')}`,
    inputUri: 'http://127.0.0.1/input.bin',
    requirements: { minVramMib: 0, minRamMib: 0, accelerator: null, region: null, teeRequired: false, minReputation: 0 },
    commercial: false,
    budget: BigInt(providers) * 3n * UNIT,
    matchingBlocks,
    executionBlocks: 1_000,
    matching: { FixedPrice: { price: UNIT } },
    verification: providers > 1 ? { Redundant: { providers, quorum: providers } } : 'RequesterApproval',
  });
}

/** `count` bonded providers, each with `slots` job slots. */
async function benchProviders(api, alice, count, slots) {
  const bond = BigInt(slots) * api.consts.computeMarket.bondPerSlot.toBigInt() + 100n * UNIT;
  const providers = await fundSenders(api, alice, count, 'provider', bond + 1_000n * UNIT);
  const capabilities = {
    device: 'Server', accelerator: 'cpu', vramMib: 0, ramMib: 16_384, cpuCores: 8, region: 276, jobKinds: 0b1111, maxConcurrentJobs: slots,
  };
  await Promise.all(providers.map((p) => sendAndWait(api.tx.computeMarket.registerProvider(capabilities, 'http://127.0.0.1:8080', bond), p)));
  return providers;
}

/** Posts jobs (`makeJob(i)`) from `requesters` until they fill `blocks` + 1 blocks twice over,
 * or `count` of them when given; returns the stage's result. */
async function postJobs(api, requesters, makeJob, blocks, count) {
  const perTx = await costOf(api, makeJob(0), requesters[0]);
  const fit = fitOf(limits(api), perTx);
  const perRequester = Math.ceil((count ?? 2 * Number(fit) * (blocks + 1)) / requesters.length);
  const plan = requesters.map((r) => [r, Array.from({ length: perRequester }, (_, i) => makeJob(i))]);
  return submitAndWatch(api, { call: 'post_job', section: 'computeMarket', method: 'postJob', perTx, fit, plan, blocks });
}

/** Submits `plan` ([signer, [tx, …]]) as one measured stage named `call`. */
async function stage(api, call, method, plan, blocks) {
  const first = plan.find(([, txs]) => txs.length);
  const perTx = await costOf(api, first[1][0], first[0]);
  return submitAndWatch(api, { call, section: 'computeMarket', method, perTx, fit: fitOf(limits(api), perTx), plan, blocks });
}

async function lifecycle(api, alice, blocks, senderCount) {
  const model = await benchModel(api, alice);
  const job = (index) => benchJob(api, model, index);
  const requesters = await fundSenders(api, alice, senderCount, 'requester');
  const results = [];
  // 1. post_job, as many as fill the blocks.
  results.push(await postJobs(api, requesters, job, blocks));

  // 2. claim_job: every posted job claimed by one of 2 × senderCount providers, round robin,
  // each bonded for the slots it needs (BondPerSlot each).
  const posted = await jobsOf(api, requesters, 'Open');
  const all = [...posted.values()].flat().sort((a, b) => a - b);
  const providerCount = 2 * senderCount;
  const providers = await benchProviders(api, alice, providerCount, Math.ceil(all.length / providerCount) + 1);
  const claimsOf = providers.map(() => []);
  all.forEach((id, i) => claimsOf[i % providerCount].push(id));
  let plan = providers.map((p, i) => [p, claimsOf[i].map((id) => api.tx.computeMarket.claimJob(id))]);
  results.push(await stage(api, 'claim_job', 'claimJob', plan, blocks));

  // 3. submit_result: each provider submits a result for each job it claimed.
  const result = (id) => api.tx.computeMarket.submitResult(id, `0x${id.toString(16).padStart(64, 'f')}`, 'http://127.0.0.1/output.bin', '0x');
  plan = providers.map((p, i) => [p, claimsOf[i].map(result)]);
  results.push(await stage(api, 'submit_result', 'submitResult', plan, blocks));

  // 4. accept_result: each requester accepts each of its jobs (the settlement).
  const submitted = await jobsOf(api, requesters, 'Submitted');
  plan = requesters.map((r) => [r, submitted.get(r.address).map((id) => api.tx.computeMarket.acceptResult(id))]);
  results.push(await stage(api, 'accept_result', 'acceptResult', plan, blocks));
  return results;
}

/** Waits until no job of `requesters` is in one of `statuses` any more (the deadline hook moves
 * them on), at most `maxBlocks` blocks' time. */
async function waitWhile(api, requesters, statuses, maxBlocks) {
  for (let waited = 0; waited < maxBlocks; waited += 1) {
    const stuck = [...(await jobsOf(api, requesters, statuses)).values()].flat().length;
    if (stuck === 0) return;
    process.stderr.write(`[bench-fill] ${stuck} jobs still ${statuses.join(' or ')}\n`);
    await new Promise((resolve) => { setTimeout(resolve, 3_000); });
  }
  throw new Error(`jobs still ${statuses.join(' or ')} after ${maxBlocks} blocks`);
}

/**
 * A redundant job's life (2 providers, quorum 2, commit-reveal), stage by stage: post_job;
 * claim_job (each job's two applications, by distinct bonded providers); the matching window
 * closes and the hook draws each set (waited for, not measured: the hook's own work); both
 * providers' commit_result; the first reveal_result of each job; then the second, which
 * decides the job and settles it (both providers paid, the usage fee into the version's pot).
 * Returns each stage's result.
 */
async function redundant(api, alice, blocks, senderCount) {
  const model = await benchModel(api, alice);
  const requesters = await fundSenders(api, alice, senderCount, 'requester');
  const results = [];
  // Enough jobs to fill `blocks` + 1 blocks of settling reveals (about 6 ms each) one and a half
  // times over.
  const normal = api.consts.system.blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
  const jobs = Math.ceil((1.5 * Number(normal) * (blocks + 1)) / 6_000_000_000);
  // The window stays open while the jobs are posted and both applications of each come in
  // (a few hundred a block), then closes.
  const matchingBlocks = 40 + Math.ceil((2 * jobs) / 150);
  const job = (index) => benchJob(api, model, index, { providers: 2, matchingBlocks });
  results.push(await postJobs(api, requesters, job, blocks, jobs));
  const posted = [...(await jobsOf(api, requesters, 'Open')).values()].flat().sort((a, b) => a - b);

  // Each job's two applicants are providers 2i and 2i + 1 of its pair, so the draw takes both.
  const providerCount = 2 * senderCount;
  const pairs = providerCount / 2;
  const providers = await benchProviders(api, alice, providerCount, Math.ceil(posted.length / pairs) + 1);
  const assigned = providers.map(() => []);
  posted.forEach((id, i) => { const pair = i % pairs; assigned[2 * pair].push(id); assigned[2 * pair + 1].push(id); });
  let plan = providers.map((p, i) => [p, assigned[i].map((id) => api.tx.computeMarket.claimJob(id))]);
  results.push(await stage(api, 'claim_job (apply)', 'claimJob', plan, blocks));
  await waitWhile(api, requesters, ['Open', 'Drawing'], 4 * matchingBlocks + posted.length);

  const result = (id) => u8aToHex(bnToU8a(BigInt(id), { bitLength: 256 }));
  const salt = (id, i) => u8aToHex(bnToU8a(BigInt(id) * 2n + BigInt(i % 2), { bitLength: 256 }));
  // deai_abi::result_commitment: blake2b-256 of the domain tag, the job (u64, little endian),
  // the provider's account, the result and the salt.
  const commitment = (id, i) => u8aToHex(blake2AsU8a(u8aConcat(
    stringToU8a('deai/commit1'), bnToU8a(id, { bitLength: 64, isLe: true }),
    decodeAddress(providers[i].address), result(id), salt(id, i)), 256));
  plan = providers.map((p, i) => [p, assigned[i].map((id) => api.tx.computeMarket.commitResult(id, commitment(id, i)))]);
  results.push(await stage(api, 'commit_result', 'commitResult', plan, blocks));

  const reveal = (id, i) => api.tx.computeMarket.revealResult(id, result(id), 'http://127.0.0.1/output.bin', salt(id, i));
  // The first provider of each pair reveals first (no verdict yet), then the second (the verdict).
  // A first reveal is cheap (no verdict): as many as there are jobs need not fill a block, so
  // this stage is reported, not required to fill one.
  plan = providers.map((p, i) => [p, i % 2 === 0 ? assigned[i].map((id) => reveal(id, i)) : []]);
  results.push({ ...(await stage(api, 'reveal_result', 'revealResult', plan, blocks)), optional: true });
  plan = providers.map((p, i) => [p, i % 2 === 1 ? assigned[i].map((id) => reveal(id, i)) : []]);
  results.push(await stage(api, 'reveal_result (settles)', 'revealResult', plan, blocks));
  // Whatever the watched blocks did not include is still in the pool: let it land.
  await waitWhile(api, requesters, ['Revealing'], 20);
  const left = [...(await jobsOf(api, requesters)).values()].flat().length;
  if (left) throw new Error(`${left} redundant jobs did not settle`);
  return results;
}

/**
 * An AI oracle answer's life, stage by stage: the request (a label question on the bench model,
 * 3 providers, quorum 2, its input inline), the three applications, the draw (waited for), the
 * three commitments, the first two reveals (inline) and the third, which decides the answer (the
 * median of nothing: labels agree by equality) and settles the job. Returns each stage's result.
 */
async function oracle(api, alice, blocks, senderCount) {
  const model = await benchModel(api, alice);
  const requesters = await fundSenders(api, alice, senderCount, 'requester');
  const results = [];
  // Enough requests to fill `blocks` + 1 blocks of deciding reveals (about 7 ms each) one and a
  // half times over.
  const normal = api.consts.system.blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
  const count = Math.ceil((1.5 * Number(normal) * (blocks + 1)) / 7_000_000_000);
  const question = {
    model: { model, version: 0 }, input: { Inline: u8aToHex(stringToU8a('{"features": [[0.5, -1.25, 2.0, 0.75]]}')) },
    output: 'Label', providers: 3, quorum: 2, price: UNIT, maxBudget: 10n * UNIT, commercial: true,
  };
  const request = () => api.tx.aiOracle.request(question, null);
  const perTx = await costOf(api, request(), requesters[0]);
  const perRequester = Math.ceil(count / requesters.length);
  let plan = requesters.map((r) => [r, Array.from({ length: perRequester }, request)]);
  results.push(await submitAndWatch(api, {
    call: 'request', section: 'aiOracle', method: 'request', perTx, fit: fitOf(limits(api), perTx), plan, blocks,
  }));
  const posted = [...(await jobsOf(api, requesters, 'Open')).values()].flat().sort((a, b) => a - b);

  // Each request's applicants are providers 3i, 3i + 1 and 3i + 2 of its triple: all drawn.
  const triples = senderCount;
  const providers = await benchProviders(api, alice, 3 * triples, Math.ceil(posted.length / triples) + 1);
  const assigned = providers.map(() => []);
  posted.forEach((id, i) => { const t = i % triples; for (let k = 0; k < 3; k += 1) assigned[3 * t + k].push(id); });
  plan = providers.map((p, i) => [p, assigned[i].map((id) => api.tx.computeMarket.claimJob(id))]);
  results.push(await stage(api, 'claim_job (apply)', 'claimJob', plan, blocks));
  const matching = api.consts.aiOracle.matchingBlocks.toNumber();
  await waitWhile(api, requesters, ['Open', 'Drawing'], 4 * matching + posted.length);

  // Every provider answers label 1: the value is 4 bytes, its hash the committed result.
  const value = u8aToHex(new Uint8Array([1, 0, 0, 0]));
  const result = blake2AsU8a(new Uint8Array([1, 0, 0, 0]), 256);
  const salt = (id, i) => u8aToHex(bnToU8a(BigInt(id) * 3n + BigInt(i % 3), { bitLength: 256 }));
  const commitment = (id, i) => u8aToHex(blake2AsU8a(u8aConcat(
    stringToU8a('deai/commit1'), bnToU8a(id, { bitLength: 64, isLe: true }),
    decodeAddress(providers[i].address), result, salt(id, i)), 256));
  plan = providers.map((p, i) => [p, assigned[i].map((id) => api.tx.computeMarket.commitResult(id, commitment(id, i)))]);
  results.push(await stage(api, 'commit_result', 'commitResult', plan, blocks));

  const reveal = (id, i) => api.tx.computeMarket.revealInlineResult(id, value, salt(id, i));
  plan = providers.map((p, i) => [p, i % 3 !== 2 ? assigned[i].map((id) => reveal(id, i)) : []]);
  results.push({ ...(await stage(api, 'reveal_inline_result', 'revealInlineResult', plan, blocks)), optional: true });
  plan = providers.map((p, i) => [p, i % 3 === 2 ? assigned[i].map((id) => reveal(id, i)) : []]);
  results.push(await stage(api, 'reveal_inline_result (answers)', 'revealInlineResult', plan, blocks));
  await waitWhile(api, requesters, ['Revealing'], 20);
  const left = [...(await jobsOf(api, requesters)).values()].flat().length;
  if (left) throw new Error(`${left} oracle requests were not answered`);
  const answers = (await api.query.aiOracle.answers.keys()).length;
  if (answers < posted.length) throw new Error(`${posted.length} requests, ${answers} answers`);
  return results;
}

function binding(block) {
  const shares = [['ref time', block.refTime], ['proof size', block.proofSize], ['length', block.length]];
  shares.sort((a, b) => b[1] - a[1]);
  const [resource, share] = shares[0];
  if (share >= FULL) return resource;
  return block.pending > 0 ? 'authoring time (transactions still waiting)' : 'pool (nothing left to include)';
}

function report(result) {
  const full = result.blocks.filter((b) => Math.max(b.refTime, b.proofSize, b.length) >= FULL);
  const best = result.blocks.reduce((a, b) => (b.count > (a?.count ?? -1) ? b : a), undefined);
  console.log(`\n${result.call}: charged ${(Number(result.perTx.refTime) / 1e6).toFixed(1)} µs and ${result.perTx.proofSize} B of proof each; its limits fit ${result.fit} a block`);
  console.log('block   txs  ref time  proof  length  waiting  bound by');
  for (const b of result.blocks) {
    const pct = (x) => `${(x * 100).toFixed(1)}%`.padStart(7);
    console.log(`${String(b.number).padEnd(6)} ${String(b.count).padStart(5)} ${pct(b.refTime)} ${pct(b.proofSize)} ${pct(b.length)} ${String(b.pending).padStart(8)}  ${binding(b)}`);
  }
  console.log(`${result.call}: ${best?.count ?? 0} per block at most; ${full.length} of ${result.blocks.length} blocks full (≥ ${FULL * 100}% of a limit)`);
  // A block the pool ran dry in says what a full one would hold, by the share of its limits used.
  const used = best ? Math.max(best.refTime, best.proofSize, best.length) : 0;
  const capacity = best && used < FULL && used > 0 ? Math.round(best.count / used) : best?.count ?? 0;
  if (capacity !== (best?.count ?? 0)) console.log(`${result.call}: a full block would hold about ${capacity}`);
  return {
    call: result.call, perBlock: best?.count ?? 0, capacity, bound: best ? binding(best) : 'nothing included', full: full.length > 0, optional: result.optional,
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  await cryptoWaitReady();
  const node = args.url ? undefined : await startDevNode({ fastPeriods: false, extraArgs: ['--pool-limit', '65536', '--pool-kbytes', '262144'] });
  const api = node ? node.api : await ApiPromise.create({ provider: new WsProvider(args.url), noInitWarn: true });
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const summary = [];
  try {
    summary.push(report(await fill(api, alice, 'transfer_keep_alive', args.blocks, args.senders)));
    if (['lifecycle', 'redundant', 'oracle'].includes(args.call)) {
      const run = { lifecycle, redundant, oracle }[args.call];
      const stages = await run(api, alice, args.blocks, args.senders);
      for (const stage of stages) summary.push(report(stage));
    } else if (args.call !== 'transfer_keep_alive') {
      summary.push(report(await fill(api, alice, args.call, args.blocks, args.senders)));
    }
  } finally {
    await api.disconnect();
    node?.stop();
  }
  const yardstick = summary[0].perBlock;
  console.log('\ncall                  per block  transfers\' worth  bound by');
  for (const s of summary) {
    console.log(`${s.call.padEnd(21)} ${String(s.perBlock).padStart(9)}  ${(yardstick / s.perBlock).toFixed(2).padStart(16)}×  ${s.bound}`);
  }
  const measured = summary.slice(1);
  if (['lifecycle', 'redundant', 'oracle'].includes(args.call)) {
    // A lifecycle takes 1/n of a block at each stage a block holds n of (a redundant job's
    // stages after posting come once per provider: its reveals are listed apart; an oracle
    // answer's come three times, its first two reveals twice).
    const times = {
      lifecycle: () => 1,
      redundant: (s) => (s.call === 'post_job' || s.call.startsWith('reveal') ? 1 : 2),
      oracle: (s) => (s.call === 'request' || s.call.endsWith('(answers)') ? 1 : s.call.startsWith('reveal') ? 2 : 3),
    }[args.call];
    const perBlock = 1 / measured.reduce((sum, s) => sum + times(s) / s.capacity, 0);
    const stages = measured.map((s) => s.call).join(', ');
    console.log(`\njob lifecycles (${stages}): ${perBlock.toFixed(0)} per block; `
      + `${(perBlock * 20).toFixed(0)} a minute at 3 s blocks (dev), ${(perBlock * 10).toFixed(0)} at 6 s (production)`);
  }
  // The measured calls must fill blocks; the yardstick is reported as it is (on a debug node
  // authoring time, not a limit, stops blocks of cheap transfers).
  const unfilled = measured.filter((s) => !s.full && !s.optional);
  if (unfilled.length) {
    console.error(`no block of ${unfilled.map((s) => s.call).join(', ')} reached ${FULL * 100}% of a limit`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
