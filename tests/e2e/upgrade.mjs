// A runtime upgrade enacted by OpenGov on a running chain: a dev node of its own starts on the
// previous release's runtime (the one in `chain-specs/` at the commit `runtime/PREVIOUS_RELEASE`
// names), accounts register a provider and a model, post and take a job and earn on it; then a
// root-track referendum authorizes this build's runtime, anyone applies it, and the new runtime
// migrates the market's and the registry's storage in its first block (market 0 -> 1: providers'
// endpoints out of their records, then 1 -> 2: jobs' input and result locations out of theirs;
// registry 0 -> 1: a royalty pot and split for every published
// version, and the royalty account's existential deposit, then 1 -> 2: models' and datasets'
// names, descriptions and tags out of their records; the market's 1 -> 2 also fixes whether
// each open job's usage fees earn points; rewards 0 -> 1: points keyed by
// earner, every account's as it was). Checked after it: blocks keep coming,
// the node reports the new version, both pallets are at their new storage versions, every record
// and balance written before is as it was,
// and the job taken before the upgrade is finished and paid after it.
//
// The chain's state just before the upgrade is saved for `make test-live-state`
// (DEAI_UPGRADE_SNAPSHOT), which runs the migration's own checks (`pre_upgrade`/`post_upgrade`)
// and every pallet's `try_state` on it under try-runtime.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady, xxhashAsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { RUNTIME_WASM, openProvider, sendAndWait, startDevNode, waitForBlock } from './lib/node.mjs';
import { snapshotState } from './lib/snapshot.mjs';
import { CAPABILITIES, UNIT, royaltiesAccrued } from './lib/chain.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const PERBILL = 1_000_000_000;
const ENDPOINT = 'http://127.0.0.1:8181/before-the-upgrade';

/** `runtime/PREVIOUS_RELEASE`: { commit, spec_version }. */
function previousRelease() {
  const fields = {};
  for (const line of readFileSync(join(ROOT, 'runtime/PREVIOUS_RELEASE'), 'utf8').split('\n')) {
    const match = /^([a-z_]+)=(\S+)$/.exec(line.trim());
    if (match) fields[match[1]] = match[2];
  }
  if (!fields.commit || !fields.spec_version) throw new Error('runtime/PREVIOUS_RELEASE names no commit and spec_version');
  return { commit: fields.commit, specVersion: Number(fields.spec_version) };
}

/** The raw storage key of a pallet's on-chain storage version. */
const storageVersionKey = (pallet) => xxhashAsHex(pallet, 128) + xxhashAsHex(':__STORAGE_VERSION__:', 128).slice(2);

export function upgradeTests() {
describe('runtime upgrade by OpenGov, from the previous release to this one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deai-upgrade-'));
  const release = previousRelease();
  let alice, bob, charlie, dave, eve, ferdie;
  let node;
  let api;
  let modelId;
  let jobId;
  let before_;   // what the chain held just before the upgrade
  let upgradedApi;

  const storageVersion = async (pallet) =>
    api.createType('u16', (await api.rpc.state.getStorage(storageVersionKey(pallet))).toU8a(true)).toNumber();
  const specVersion = async () => (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
  const head = async () => (await api.rpc.chain.getHeader()).number.toNumber();

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    [alice, bob, charlie, dave, eve, ferdie] =
      ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((name) => keyring.addFromUri(`//${name}`));
    // The previous release's dev chain spec, as that commit generated and tested it.
    const spec = join(dir, 'previous-release.json');
    writeFileSync(spec, execFileSync('git', ['-C', ROOT, 'show', `${release.commit}:chain-specs/deai-dev-raw.json`], { maxBuffer: 64 << 20 }));
    node = await startDevNode({ extraArgs: ['--chain', spec] });
    api = node.api;
  });

  after(async () => {
    await upgradedApi?.disconnect().catch(() => {});
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts on the previous release, with the market at storage version 0', async () => {
    assert.equal(await specVersion(), release.specVersion);
    assert.equal(await storageVersion('ComputeMarket'), 0);
    assert.equal(await storageVersion('ModelRegistry'), 0);
    assert.equal(await storageVersion('ContributorRewards'), 0);
  });

  it('writes a provider, a model, a job in progress and earnings on the old runtime', async () => {
    const licence = { spdx: 'MIT', commercialUse: true, derivatives: true, attribution: false };
    const registered = await sendAndWait(api.tx.modelRegistry.registerModel(
      'upgrade-model', 'a model that lives through an upgrade', ['inference'], licence, 2n * UNIT,
      [[eve.address, 0.5 * PERBILL], [ferdie.address, 0.5 * PERBILL]],
    ), alice);
    modelId = registered.events
      .find(({ event }) => api.events.modelRegistry.ModelRegistered.is(event)).event.data.model.toNumber();
    await sendAndWait(api.tx.modelRegistry.publishModelVersion(
      modelId, `0x${'7a'.repeat(32)}`, 4096, 'Onnx', 'http://127.0.0.1/upgrade.onnx', 'v1', [], [], null, 0,
    ), alice);
    await sendAndWait(api.tx.computeMarket.registerProvider(CAPABILITIES, ENDPOINT, 100n * UNIT), charlie);

    const job = (n) => ({
      kind: 'Inference',
      model: { model: modelId, version: 0 },
      datasets: [],
      inputHash: `0x${n.repeat(32)}`,
      inputUri: 'http://127.0.0.1/input.bin',
      requirements: { minVramMib: 0, minRamMib: 1024, accelerator: null, region: null, teeRequired: false, minReputation: 0 },
      commercial: false,
      budget: 30n * UNIT,
      matchingBlocks: 200,
      executionBlocks: 200,
      matching: { FixedPrice: { price: 10n * UNIT } },
      verification: 'RequesterApproval',
    });
    // One job settled before the upgrade (its royalties and rewards are earnings to keep), one
    // taken and left running across it.
    const posted = async (input) => {
      const { events } = await sendAndWait(api.tx.computeMarket.postJob(job(input)), dave);
      return events.find(({ event }) => api.events.computeMarket.JobPosted.is(event)).event.data.job.toNumber();
    };
    const settled = await posted('2b');
    await sendAndWait(api.tx.computeMarket.claimJob(settled), charlie);
    await sendAndWait(api.tx.computeMarket.submitResult(settled, `0x${'0e'.repeat(32)}`, 'http://127.0.0.1/out.bin', '0x'), charlie);
    const { events } = await sendAndWait(api.tx.computeMarket.acceptResult(settled), dave);
    assert.ok(events.some(({ event }) => api.events.computeMarket.JobSettled.is(event)));
    jobId = await posted('2c');
    await sendAndWait(api.tx.computeMarket.claimJob(jobId), charlie);

    const at = await api.rpc.chain.getFinalizedHead();
    const state = await api.at(at);
    const accounts = [alice, bob, charlie, dave, eve, ferdie].map((pair) => pair.address);
    before_ = {
      provider: (await state.query.computeMarket.providers(charlie.address)).unwrap().toJSON(),
      job: (await state.query.computeMarket.jobs(jobId)).unwrap().toJSON(),
      model: (await state.query.modelRegistry.models(modelId)).unwrap().toJSON(),
      version: (await state.query.modelRegistry.modelVersions(modelId, 0)).unwrap().toJSON(),
      accounts: Object.fromEntries(await Promise.all(accounts.map(async (who) =>
        [who, (await state.query.system.account(who)).data.toJSON()]))),
      // Keyed by account before the upgrade (by earner after it: rewards 0 -> 1).
      points: (await state.query.contributorRewards.points.entries())
        .map(([key, value]) => [key.args[0].toNumber(), key.args[1].toString(), value.toHex()]),
    };
    assert.equal(Buffer.from(before_.provider.endpoint.slice(2), 'hex').toString(), ENDPOINT,
      'the old record carries its endpoint');

    if (process.env.DEAI_UPGRADE_SNAPSHOT) {
      const { block, items } = await snapshotState(`ws://127.0.0.1:${node.rpcPort}`, process.env.DEAI_UPGRADE_SNAPSHOT);
      console.log(`pre-upgrade snapshot: ${items} storage items at block #${block} in ${process.env.DEAI_UPGRADE_SNAPSHOT}`);
    }
  });

  it('authorizes this build\'s runtime by a root-track referendum, and anyone applies it', async () => {
    const code = readFileSync(RUNTIME_WASM);
    // The relay chain's limit (the dev node's mocked relay allows 2 MiB, Polkadot 3 MiB): a
    // runtime above it could never be upgraded to.
    assert.ok(code.length < 2 << 20, `the runtime's code (${code.length} B) fits the relay chain's 2 MiB`);
    const codeHash = blake2AsHex(code, 256);
    const proposal = api.tx.system.authorizeUpgrade(codeHash);
    await sendAndWait(api.tx.preimage.notePreimage(proposal.method.toHex()), alice);
    const { events } = await sendAndWait(api.tx.referenda.submit(
      { system: 'Root' },
      { Lookup: { hash: proposal.method.hash, len: proposal.method.encodedLength } },
      { After: 1 },
    ), alice);
    const index = events.find(({ event }) => api.events.referenda.Submitted.is(event)).event.data.index.toNumber();
    const submittedAt = await head();
    await sendAndWait(api.tx.referenda.placeDecisionDeposit(index), alice);
    // Every development account votes aye with most of its balance (no conviction: support
    // counts the capital).
    for (const voter of [alice, bob, charlie, dave, eve, ferdie]) {
      await sendAndWait(api.tx.convictionVoting.vote(index,
        { Standard: { vote: { aye: true, conviction: 'None' }, balance: 800_000n * UNIT } }), voter);
    }
    const track = api.consts.referenda.tracks.find(([id]) => id.toNumber() === 0)[1];
    const limit = (await head()) + track.preparePeriod.toNumber() + track.decisionPeriod.toNumber() +
      track.confirmPeriod.toNumber() + track.minEnactmentPeriod.toNumber() + 10;
    for (;;) {
      const authorized = await api.query.system.authorizedUpgrade();
      if (authorized.isSome) {
        assert.equal(authorized.unwrap().codeHash.toHex(), codeHash);
        break;
      }
      const now = await head();
      assert.ok(now < limit, `the upgrade was not authorized by block ${limit}`);
      await waitForBlock(api, now + 1, 60_000);
    }
    assert.ok((await api.query.referenda.referendumInfoFor(index)).unwrap().isApproved);

    // Applying the authorized code is open to anyone and free.
    const applied = await sendAndWait(api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), ferdie);
    assert.ok(applied.events.some(({ event }) => api.events.parachainSystem.ValidationFunctionStored.is(event)),
      'the code waits for the relay chain\'s go-ahead (the dev node gives it at the next block)');
    for (;;) {
      if (await specVersion() > release.specVersion) break;
      const now = await head();
      assert.ok(now < limit + 10, 'the new runtime was not enacted in time');
      await waitForBlock(api, now + 1, 60_000);
    }
    console.log(`upgrade: spec ${release.specVersion} -> ${await specVersion()} at block #${await head()}, ` +
      `${(await head()) - submittedAt} blocks after the referendum's submission (#${submittedAt})`);
  });

  it('migrated the market in the new runtime\'s first block, and keeps producing blocks', async () => {
    const start = await head();
    await waitForBlock(api, start + 2, 60_000);
    // Queries from here on use the new runtime's metadata.
    api = await ApiPromise.create({ provider: await openProvider(`ws://127.0.0.1:${node.rpcPort}`), noInitWarn: true });
    upgradedApi = api;
    assert.ok(api.runtimeVersion.specVersion.toNumber() > release.specVersion);
    // Market 0 -> 1 (providers' endpoints) and 1 -> 2 (jobs' locations), one after the other.
    assert.equal(await storageVersion('ComputeMarket'), 2);
    // The registry's migrations opened a royalty pot, empty, for the version published before
    // (0 -> 1) and moved the model's name, description and tags out of its record (1 -> 2).
    assert.equal(await storageVersion('ModelRegistry'), 2);
    assert.equal(await storageVersion('ContributorRewards'), 1);
    assert.equal(await royaltiesAccrued(api, modelId, 0), 0n);
    assert.ok((await api.query.modelRegistry.royaltySplits({ Model: { model: modelId, version: 0 } })).isSome);
    const upgraded = (await api.query.system.lastRuntimeUpgrade()).unwrap();
    assert.equal(upgraded.specVersion.toNumber(), api.runtimeVersion.specVersion.toNumber());

    const provider = (await api.query.computeMarket.providers(charlie.address)).unwrap().toJSON();
    const { endpoint, ...rest } = before_.provider;
    assert.deepEqual(provider, rest, 'the provider record is as it was, less its endpoint');
    assert.equal((await api.query.computeMarket.providerEndpoints(charlie.address)).unwrap().toUtf8(), ENDPOINT);
    // The job record is as it was, less its input's location, which is kept beside it now; the
    // assignments keep their results' hashes (the job taken before had no result yet).
    // Its model's usage fee now says whether it earns the version points (Dave, who pays it,
    // is not a party to the model).
    const { inputUri, ...terms } = before_.job.spec;
    const assignments = before_.job.assignments.map(({ resultUri, ...kept }) => kept);
    const modelFee = { fee: before_.job.modelFee, earnsPoints: true };
    assert.deepEqual((await api.query.computeMarket.jobs(jobId)).unwrap().toJSON(), { ...before_.job, spec: terms, assignments, modelFee });
    assert.equal((await api.query.computeMarket.jobInputUris(jobId)).unwrap().toHex(), inputUri);
    // The model's record is as it was, less what it says about itself, which is kept beside it.
    const { name, description, tags, ...record } = before_.model;
    assert.deepEqual((await api.query.modelRegistry.models(modelId)).unwrap().toJSON(), record);
    assert.deepEqual((await api.query.modelRegistry.modelDescriptions(modelId)).unwrap().toJSON(), { name, description, tags });
    assert.deepEqual((await api.query.modelRegistry.modelVersions(modelId, 0)).unwrap().toJSON(), before_.version);
    // Balances: only governance moved them (the calls' fees, which collators earn a share of,
    // and Alice's referendum deposits); the market's holds (Charlie's bond and deposit, Dave's
    // escrow) are as they were.
    for (const [who, data] of Object.entries(before_.accounts)) {
      const now = (await api.query.system.account(who)).data.toJSON();
      const moved = BigInt(now.free) - BigInt(data.free);
      assert.ok(moved < 2_000n * UNIT && moved > -2_000n * UNIT, `${who}'s free balance moved by ${moved}`);
      if (who === charlie.address || who === dave.address) {
        assert.equal(now.reserved, data.reserved, `${who}'s holds survive`);
      }
    }
    // The rewards migration keyed every account's points by `Earner::Account`: the same points,
    // the same claim flags, in the same epochs.
    const points = (await api.query.contributorRewards.points.entries()).map(([key, value]) => {
      assert.ok(key.args[1].isAccount, 'only accounts earned before the upgrade');
      return [key.args[0].toNumber(), key.args[1].asAccount.toString(), value.toHex()];
    });
    const byKey = (a, b) => `${a[0]}:${a[1]}`.localeCompare(`${b[0]}:${b[1]}`);
    assert.deepEqual(points.sort(byKey), [...before_.points].sort(byKey), 'contribution points survive');
  });

  it('finishes and pays the job taken before the upgrade, and takes new work', async () => {
    await sendAndWait(api.tx.computeMarket.submitResult(jobId, `0x${'0d'.repeat(32)}`, 'http://127.0.0.1/out.bin', '0x'), charlie);
    const { events } = await sendAndWait(api.tx.computeMarket.acceptResult(jobId), dave);
    const settled = events.find(({ event }) => api.events.computeMarket.JobSettled.is(event)).event.data;
    assert.equal(settled.paidToProviders.toBigInt(), 10n * UNIT);
    // Its usage fee (less the protocol's cut) went into the migrated version's pot.
    const usage = settled.usageFees.toBigInt();
    assert.equal(await royaltiesAccrued(api, modelId, 0), usage - usage / 10n);
    const provider = (await api.query.computeMarket.providers(charlie.address)).unwrap();
    assert.equal(provider.reputation.completed.toNumber(), before_.provider.reputation.completed + 1);
    // The provider changes its endpoint: the new call writes the new map.
    await sendAndWait(api.tx.computeMarket.updateProvider(null, 'http://127.0.0.1:8181/after'), charlie);
    assert.equal((await api.query.computeMarket.providerEndpoints(charlie.address)).unwrap().toUtf8(), 'http://127.0.0.1:8181/after');
    const last = await head();
    await waitForBlock(api, last + 3, 60_000);
  });
});
}
