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
// (System::remark of 100 bytes, an empty call: the block's overhead).
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
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
      console.log('usage: bench-fill.mjs [--call transfer_keep_alive|post_job|remark] [--blocks N] [--senders N] [--url WS]');
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
async function fundSenders(api, alice, count, tag) {
  const keyring = new Keyring({ type: 'sr25519' });
  const senders = Array.from({ length: count }, (_, i) => keyring.addFromUri(`//BenchFill/${tag}/${i}`));
  for (let start = 0; start < count; start += 64) {
    const batch = senders.slice(start, start + 64)
      .map((pair) => api.tx.balances.transferKeepAlive(pair.address, 5_000n * UNIT));
    await sendAndWait(api.tx.utility.batchAll(batch), alice, { era: 0 });
  }
  return senders;
}

/** Fills blocks with `call` and returns what each block held. */
async function fill(api, alice, call, blocks, senderCount) {
  const limit = limits(api);
  const senders = await fundSenders(api, alice, senderCount, call);
  const probe = makeTx(api, call, 0);
  const info = await probe.paymentInfo(senders[0]);
  const weight = info.weight;
  const perTx = {
    refTime: weight.refTime.toBigInt(),
    proofSize: weight.proofSize.toBigInt(),
    length: BigInt(probe.encodedLength + 100),
  };
  // What fits a block by the charged weight and the length; the blocks then show what they hold.
  const fit = [limit.refTime / perTx.refTime, limit.proofSize / perTx.proofSize, limit.length / perTx.length]
    .reduce((a, b) => (a < b ? a : b));
  // Twice what the charged weight says fits `blocks + 1` blocks: what a block really holds is
  // measured, and the pool must not run dry before the blocks fill.
  const total = 2 * Number(fit) * (blocks + 1);
  const perSender = Math.ceil(total / senders.length);
  process.stderr.write(`[bench-fill] ${call}: charged ${perTx.refTime} ps, ${perTx.proofSize} B of proof; `
    + `a block fits ${fit} by its limits; signing ${perSender * senders.length} transactions\n`);

  const signed = [];
  for (const sender of senders) {
    const { nonce } = await api.query.system.account(sender.address);
    for (let i = 0; i < perSender; i += 1) {
      signed.push((await makeTx(api, call, i).signAsync(sender, { nonce: nonce.toNumber() + i, era: 0 })).toHex());
    }
  }
  const [section, method] = { transfer_keep_alive: ['balances', 'transferKeepAlive'], post_job: ['computeMarket', 'postJob'], remark: ['system', 'remark'] }[call];

  const seen = [];
  let included = 0;
  let refused = 0;
  let firstRefusal;
  const start = (await api.rpc.chain.getHeader()).number.toNumber();
  const done = new Promise((resolve) => {
    let unsubscribe;
    api.rpc.chain.subscribeNewHeads(async (header) => {
      const number = header.number.toNumber();
      if (number <= start) return;
      const hash = header.hash;
      const block = await api.rpc.chain.getBlock(hash);
      const ours = block.block.extrinsics.filter((x) => x.method.section === section && x.method.method === method);
      const length = block.block.extrinsics.reduce((sum, x) => sum + BigInt(x.encodedLength), 0n);
      const used = (await (await api.at(hash)).query.system.blockWeight()).normal;
      included += ours.length;
      const pending = signed.length - refused - included;
      seen.push({
        number,
        count: ours.length,
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
  // Open loop: every transaction at once, nothing waits for inclusion.
  await Promise.all(signed.map((tx) => api.rpc.author.submitExtrinsic(tx).catch((error) => {
    refused += 1;
    firstRefusal ??= error.message;
  })));
  if (refused) {
    process.stderr.write(`[bench-fill] the pool refused ${refused} of ${signed.length}: ${firstRefusal}\n`);
  }
  await done;
  return { call, perTx, fit, blocks: seen.filter((b) => b.count > 0), refused };
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
  return { call: result.call, perBlock: best?.count ?? 0, bound: best ? binding(best) : 'nothing included', full: full.length > 0 };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  await cryptoWaitReady();
  const node = args.url ? undefined : await startDevNode({ fastPeriods: false, extraArgs: ['--pool-limit', '65536', '--pool-kbytes', '262144'] });
  const api = node ? node.api : await ApiPromise.create({ provider: new WsProvider(args.url), noInitWarn: true });
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const summary = [];
  try {
    const calls = args.call === 'transfer_keep_alive' ? ['transfer_keep_alive'] : ['transfer_keep_alive', args.call];
    for (const call of calls) {
      summary.push(report(await fill(api, alice, call, args.blocks, args.senders)));
    }
  } finally {
    await api.disconnect();
    node?.stop();
  }
  console.log('\ncall                  per block  bound by');
  for (const s of summary) console.log(`${s.call.padEnd(21)} ${String(s.perBlock).padStart(9)}  ${s.bound}`);
  // The measured call must fill blocks; the yardstick is reported as it is (on a debug node
  // authoring time, not a limit, stops blocks of cheap transfers).
  const measured = summary[summary.length - 1];
  if (!measured.full) {
    console.error(`no block of ${measured.call} reached ${FULL * 100}% of a limit`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
