// deai-worker and the deai CLI against the suite's node: a content store, two workers running
// the project's ONNX model (models/blobs-classifier) with tract, and the CLI as requester and
// model owner. A proof job is proven by a worker (the model's Groth16 circuit) and settles in
// the block of its submission; a redundant job is run by both workers, whose results agree bit for bit and are
// paid, with the model's contributors; a tampered artifact is found before the job is taken and
// the job passed over; a worker killed after committing is restarted and reveals from its job
// book, while the other loses its connection to the node and reconnects; `deai bench` runs a
// short load. Then the AI oracle, with a third worker: the ink! oracle-consumer contract asks
// for a label and its callback stores the one the model gives; a lying provider is outvoted and
// slashed; a callback out of gas is recorded with its reason and refunded exactly; 1,024 bytes
// are answered inline and 1,025 refused by name; a feed with period 10 delivers 5 answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { Keyring } from '@polkadot/keyring';
import { CodePromise, ContractPromise } from '@polkadot/api-contract';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, encodeAddress } from '@polkadot/util-crypto';
import { freePort, sendAndWait } from './lib/node.mjs';
import { CAPABILITIES, UNIT, feePaid, free, royaltiesAccrued, royaltiesOwed } from './lib/chain.mjs';
import { CLI, WORKER, deai } from './lib/cli.mjs';
import { start, stop, waitForOutput } from './lib/process.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CONTRACTS_DIR = process.env.DEAI_CONTRACTS ||
  join(process.env.DEAI_CACHE || join(homedir(), '.cache/deai-chain'), 'contracts');
const modelDir = join(repo, 'models/blobs-classifier');

/** A TCP proxy to the node that a test can cut and restore: a node outage, as a worker sees it. */
async function startProxy(targetPort) {
  const port = await freePort();
  const sockets = new Set();
  let server;
  const listen = () => new Promise((resolve) => {
    server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    server.listen(port, '127.0.0.1', resolve);
  });
  await listen();
  return {
    port,
    async cut(forMs) {
      await new Promise((resolve) => { server.close(resolve); for (const s of sockets) s.destroy(); });
      await new Promise((r) => setTimeout(r, forMs));
      await listen();
    },
    close() { server.close(); for (const s of sockets) s.destroy(); },
  };
}

export function workerTests(ctx) {
describe('deai-worker and the deai CLI', () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const owner = keyring.addFromUri('//DeaiModelOwner');
  const coauthor = keyring.addFromUri('//DeaiModelCoauthor');
  const requester = keyring.addFromUri('//DeaiRequester');
  const providers = [keyring.addFromUri('//DeaiWorker1'), keyring.addFromUri('//DeaiWorker2')];
  const fee = 2n * UNIT;
  const price = 10n * UNIT;
  let api;
  let dir;
  let storeUrl;
  let nodeUrl;
  let store;
  let proxy;
  const workers = [];
  let modelId;

  /** Runs the CLI against the suite's node and store, as `key` when given. */
  function cli(args, key) {
    return deai(args, {
      DEAI_URL: nodeUrl, DEAI_STORE: storeUrl, DEAI_STORE_TOKEN_FILE: join(dir, 'requester.token'),
      ...(key ? { DEAI_KEY: key } : {}),
    });
  }

  function workerConfig(index, rpcPort) {
    const path = join(dir, `worker-${index + 1}.toml`);
    writeFileSync(path, [
      `rpc_url = "ws://127.0.0.1:${rpcPort}"`,
      `key = "//DeaiWorker${index + 1}"`,
      `work_dir = "${join(dir, `worker-${index + 1}`)}"`,
      `store_url = "${storeUrl}"`,
      `store_token_file = "${join(dir, 'worker.token')}"`,
      // Above the minimum bond (100 DEAI): a job given back would cost AbandonSlash (5%) of it,
      // and the worker must stay eligible for the next tests.
      'bond = "150"',
      // The first worker takes `Verifier` jobs checked by Alice; the second none.
      index === 0 ? `trusted_verifiers = ["${ctx.alice.address}"]` : '',
      '[price]',
      // Above the bench's and the other suites' prices: these workers only take this file's jobs.
      'min_price = "5"',
      '[capabilities]',
      // Room for a feed's two rounds in flight beside the oracle tests' own questions.
      'max_concurrent_jobs = 4',
      'region = 276',
      '',
    ].join('\n'));
    return path;
  }

  function startWorker(index) {
    const rpcPort = index === 1 ? proxy.port : ctx.node.rpcPort;
    workers[index] = start(WORKER, ['run', '--config', workerConfig(index, rpcPort)], `deai-worker ${index + 1}`);
    return workers[index];
  }

  before(async () => {
    for (const binary of [CLI, WORKER]) {
      if (!existsSync(binary)) throw new Error(`${binary} does not exist: build it with \`make tools\``);
    }
    api = ctx.api;
    dir = mkdtempSync(join(tmpdir(), 'deai-worker-e2e-'));
    nodeUrl = `ws://127.0.0.1:${ctx.node.rpcPort}`;
    const storePort = await freePort();
    storeUrl = `http://127.0.0.1:${storePort}`;
    // Uploads need a token: one for the requesters' CLI, one for the workers.
    writeFileSync(join(dir, 'requester.token'), 'requester-e2e-0123456789\n');
    writeFileSync(join(dir, 'worker.token'), 'worker-e2e-0123456789\n');
    writeFileSync(join(dir, 'tokens'), '# the e2e store\nrequester-e2e-0123456789\nworker-e2e-0123456789\n');
    store = start(CLI, [
      'store', 'serve', '--dir', join(dir, 'store'), '--listen', `127.0.0.1:${storePort}`,
      '--upload-tokens-file', join(dir, 'tokens'), '--max-store-bytes', String(64 * 1024 * 1024),
    ], 'content store');
    await waitForOutput(store, /serving/);
    for (const who of [owner, requester, ...providers]) {
      await sendAndWait(api.tx.balances.transferKeepAlive(who.address, 1_000n * UNIT), ctx.alice);
    }
    proxy = await startProxy(ctx.node.rpcPort);
    startWorker(0);
    startWorker(1);
    for (const w of workers) await waitForOutput(w, /provider registered/);
  });

  after(async () => {
    for (const w of workers) await stop(w);
    await stop(store);
    proxy?.close();
    // The whole logs stay in the temporary directory's parent for a look after a failure.
    for (const [i, w] of workers.entries()) {
      if (!w) continue;
      const path = join(tmpdir(), `deai-e2e-worker-${i + 1}.log`);
      writeFileSync(path, w.output);
      console.log(`${w.name}: ${w.output.split('\n').length} log lines in ${path}`);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers the ONNX model with the CLI: hashed, uploaded to the store, published', async () => {
    ({ model: modelId } = await cli([
      'model', 'register', '--name', 'blobs-classifier', '--description', '3-class MLP (ONNX)', '--tag', 'classification',
      '--licence', 'Apache-2.0', '--commercial', '--derivatives', '--fee', '2',
      '--contributor', `${owner.address}=60`, '--contributor', `${coauthor.address}=40`,
    ], '//DeaiModelOwner'));
    const published = await cli(['model', 'publish', String(modelId), '--file', join(modelDir, 'model.onnx'), '--label', 'v1.0.0'], '//DeaiModelOwner');
    const bytes = readFileSync(join(modelDir, 'model.onnx'));
    assert.equal(published.hash, u8aToHex(blake2AsU8a(bytes, 256)));
    assert.equal(published.size, bytes.length);
    const version = (await api.query.modelRegistry.modelVersions(modelId, 0)).unwrap();
    assert.equal(version.artifact.contentHash.toHex(), published.hash);
    assert.equal(version.format.toString(), 'Onnx');
    const served = Buffer.from(await (await fetch(published.uri)).arrayBuffer());
    assert.ok(served.equals(bytes), 'the store serves the registered bytes');
    // Reads are open; uploads without a token (or with a wrong one) are refused.
    for (const headers of [{}, { authorization: 'Bearer requester-e2e-0123456780' }]) {
      const refused = await fetch(`${storeUrl}/content`, { method: 'PUT', body: 'spam', headers });
      assert.equal(refused.status, 401);
    }
    const shown = await cli(['model', 'show', String(modelId)]);
    assert.equal(shown.versions[0].hash, published.hash);
    assert.deepEqual(shown.contributors.map((c) => c.percent), [60, 40]);
  });

  it('a proof job: a worker proves the model\'s inference, and the job settles in the block of its submission', async () => {
    // The model's owner registers the blobs-classifier circuit's (dev) verifying key and binds
    // it to the version as its ZK profile, with the CLI.
    const key = await cli(['zk', 'register-key', '--dev-blobs-classifier'], '//DeaiModelOwner');
    assert.equal(key.registered, true, JSON.stringify(key));
    assert.equal(key.public_values, 5);
    await cli(['zk', 'bind', '--model', `${modelId}:0`, '--dev-blobs-classifier'], '//DeaiModelOwner');
    const profile = await cli(['zk', 'profile', `${modelId}:0`]);
    assert.deepEqual([profile.key, profile.inputs, profile.outputs, profile.scale_bits], [key.key, 4, 1, 16]);
    // One held-out row and the float model's label for it.
    const sample = JSON.parse(readFileSync(join(modelDir, 'samples/batch-1.json')));
    const label = JSON.parse(readFileSync(join(modelDir, 'samples/batch-1.expected.json'))).label[2];
    const input = join(dir, 'proof-input.json');
    writeFileSync(input, JSON.stringify({ features: [sample.features[2]] }));
    const bonds = await Promise.all(providers.map(async (p) => (await api.query.computeMarket.providers(p.address)).unwrap().bond.toBigInt()));
    const receipt = await cli(['job', 'post', '--model', `${modelId}:0`, '--input', input, '--price', '10', '--verification', 'proof', '--wait', '--timeout', '300'], '//DeaiRequester');
    assert.equal(receipt.outcome, 'completed', JSON.stringify(receipt));
    // The result is the label's values document: SCALE's Vec<i64> [label].
    const document = new Uint8Array(9);
    document[0] = 4;
    document[1] = label;
    assert.equal(receipt.result_hash, u8aToHex(blake2AsU8a(document, 256)), 'the proven label is the float model\'s');
    // Settled in the block that included the proof, paying exactly: the provider its price, the
    // model's usage fee, nothing refunded from the exact quote.
    assert.equal(receipt.providers.length, 1);
    assert.equal(BigInt(receipt.providers[0].paid), price);
    assert.equal(BigInt(receipt.usage_fees), fee);
    assert.equal(BigInt(receipt.refunded), 0n);
    const at = await api.at(await api.rpc.chain.getBlockHash(receipt.finished_at));
    const events = (await at.query.system.events()).map((r) => r.event).filter((e) => e.section === 'computeMarket' && e.data.job?.toString() === String(receipt.job));
    assert.deepEqual(events.map((e) => e.method).filter((m) => ['ResultSubmitted', 'JobSettled'].includes(m)), ['ResultSubmitted', 'JobSettled'],
      'submitted and settled in the same block');
    const prover = workers.find((w) => new RegExp(`job ${receipt.job}: proved`).test(w.output));
    assert.ok(prover, 'a worker proved it');
    assert.match(prover.output, new RegExp(`job ${receipt.job}: proved \\[-?\\d+, -?\\d+, -?\\d+, -?\\d+\\] -> \\[${label}\\] in \\d+ ms`));
    // The CLI shows the proven values.
    const result = await cli(['job', 'result', String(receipt.job)]);
    assert.deepEqual(result.result, { values: [label] });
    assert.deepEqual(await Promise.all(providers.map(async (p) => (await api.query.computeMarket.providers(p.address)).unwrap().bond.toBigInt())), bonds, 'no bond was touched');
  });

  it('a redundant job: both workers run the model, agree bit for bit, and are paid with the contributors', async () => {
    const input = join(modelDir, 'samples/batch-2.json');
    // What the model gives on this input, run locally by the same engine.
    const local = spawnSync(WORKER, ['infer', '--model', join(modelDir, 'model.onnx'), '--input', input], { encoding: 'utf8' });
    assert.equal(local.status, 0, local.stderr);
    const expectedHash = /result hash: (0x[0-9a-f]{64})/.exec(local.stderr)[1];
    const expected = JSON.parse(local.stdout);
    assert.deepEqual(expected.label, JSON.parse(readFileSync(join(modelDir, 'samples/batch-2.expected.json'))).label);

    const owedBefore = await royaltiesOwed(api, modelId, 0);
    const receipt = await cli(['job', 'post', '--model', `${modelId}:0`, '--input', input, '--price', '10', '--providers', '2', '--matching-blocks', '5', '--wait', '--timeout', '300'], '//DeaiRequester');
    assert.equal(receipt.outcome, 'completed', JSON.stringify(receipt));
    assert.equal(receipt.result_hash, expectedHash, 'the agreed result is the model\'s output');
    assert.deepEqual(receipt.providers.map((p) => p.provider).sort(), providers.map((p) => p.address).sort());
    for (const p of receipt.providers) assert.equal(BigInt(p.paid), price);
    assert.equal(BigInt(receipt.usage_fees), fee);
    // The protocol's cut (10%) goes to the treasury; the rest into the version's royalty pot,
    // of which the contributors are owed 60% and 40%.
    const shared = fee - fee / 10n;
    const owed = await royaltiesOwed(api, modelId, 0);
    const grew = (who) => owed[who] - (owedBefore[who] ?? 0n);
    assert.equal(grew(owner.address), shared * 60n / 100n);
    assert.equal(grew(coauthor.address), shared * 40n / 100n);
    // Anyone claims for them with the CLI: each is paid exactly what it was owed.
    for (const who of [owner, coauthor]) {
      const before = await free(api, who.address);
      const claimed = await cli(['model', 'claim', `${modelId}:0`, '--payee', who.address], '//DeaiRequester');
      assert.equal(BigInt(claimed.amount), owed[who.address]);
      assert.equal(await free(api, who.address) - before, owed[who.address]);
    }
    const shown = await cli(['model', 'royalties', `${modelId}:0`]);
    assert.ok(shown.owed.every((o) => o.payee === 'owner' || o.amount === '0'), JSON.stringify(shown));
    // The version earns contribution points as a whole: the CLI shows a version's points and
    // rewards without a key, and anyone pays what closed epochs owe it into its pot. (Whether an
    // epoch of this job has closed yet depends on the epoch length the rewards test left; the
    // exact amounts of a version's claim are checked there, through the API. Here: whatever the
    // CLI claimed went into the pot, exactly.)
    const points = await cli(['rewards', 'show', '--version', `${modelId}:0`]);
    assert.equal(points.version, `${modelId}:0`, JSON.stringify(points));
    assert.ok(['compute', 'model', 'dataset', 'evaluation'].every((c) => c in points.points), JSON.stringify(points));
    const accruedBefore = await royaltiesAccrued(api, modelId, 0);
    const into = await cli(['rewards', 'claim-version', `${modelId}:0`], '//DeaiRequester');
    const intoPot = into.claimed.reduce((sum, c) => sum + BigInt(c.amount), 0n);
    assert.equal(await royaltiesAccrued(api, modelId, 0) - accruedBefore, intoPot, JSON.stringify(into));
    for (const w of workers) {
      assert.match(w.output, new RegExp(`job ${receipt.job}: inference done in \\d+ ms: \\d+ bytes, result ${expectedHash}`));
      await waitForOutput(w, new RegExp(`job ${receipt.job}: settled: result ${expectedHash} accepted, paid 10 DEAI`));
    }
    const result = await cli(['job', 'result', String(receipt.job)]);
    assert.equal(result.result_hash, expectedHash);
    assert.deepEqual(result.result, expected);
  });

  it('a worker passes over a Verifier job whose verifier it does not trust, and says why', async () => {
    const bob = ctx.bob.address;
    const posted = await cli(['job', 'post', '--model', `${modelId}:0`, '--input', join(modelDir, 'samples/batch-1.json'), '--price', '10', '--verifier', bob], '//DeaiRequester');
    for (const w of workers) {
      await waitForOutput(w, new RegExp(`job ${posted.job}: passed over \\(verifier ${bob} is not in trusted_verifiers\\)`), 60_000);
    }
    const job = (await api.query.computeMarket.jobs(posted.job)).unwrap();
    assert.equal(job.status.toString(), 'Open', 'nobody took it');
  });

  it('a worker checks a job\'s artifacts before taking it: a tampered model is passed over at no cost; the requester is refunded', async () => {
    // The registered bytes (a copy with one byte changed) are not what the mirror serves.
    const declared = join(dir, 'declared.onnx');
    const served = readFileSync(join(modelDir, 'model.onnx'));
    const bytes = Buffer.from(served);
    bytes[600] ^= 0xff;
    writeFileSync(declared, bytes);
    const mirror = createHttpServer((req, res) => { res.writeHead(200); res.end(served); });
    await new Promise((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    mirror.unref();
    const mirrorUri = `http://127.0.0.1:${mirror.address().port}/models/blobs-classifier.onnx`;
    const published = await cli(['model', 'publish', String(modelId), '--file', declared, '--uri', mirrorUri, '--label', 'v1.0.0-mirror'], '//DeaiModelOwner');
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const providers = workers.map((_, i) => keyring.addFromUri(`//DeaiWorker${i + 1}`).address);
    const bond = async (who) => (await api.query.computeMarket.providers(who)).unwrap().bond.toBigInt();
    const bonds = await Promise.all(providers.map(bond));
    const posted = await cli(['job', 'post', '--model', `${modelId}:${published.version}`, '--input', join(modelDir, 'samples/batch-1.json'), '--price', '10', '--matching-blocks', '5', '--wait', '--timeout', '300'], '//DeaiRequester');
    const job = posted.job;
    // Each worker fetched the model before taking the job, saw the mismatch and passed over it:
    // nobody took the job, so it failed for want of providers and nobody was slashed
    // (`report_failure` after taking it would have cost AbandonSlash).
    assert.equal(posted.outcome, 'failed');
    assert.equal(posted.failure, 'NoProviders');
    assert.equal(BigInt(posted.protocol_fee) + BigInt(posted.usage_fees), 0n);
    const actual = u8aToHex(blake2AsU8a(served, 256));
    for (const w of workers) {
      await waitForOutput(w, new RegExp(`job ${job}: passed over \\(model: hash mismatch for ${mirrorUri}: expected ${published.hash}, got ${actual}; code 1: model hash mismatch\\)`), 30_000);
      assert.doesNotMatch(w.output, new RegExp(`job ${job}: (claimed|inference done)`), 'never taken, never run');
    }
    assert.deepEqual(await Promise.all(providers.map(bond)), bonds, 'no bond was slashed');
    mirror.close();
  });

  it('a worker killed after committing reveals after its restart; a worker cut off from the node reconnects', async () => {
    const posted = await cli(['job', 'post', '--model', `${modelId}:0`, '--input', join(modelDir, 'samples/batch-1.json'), '--price', '10', '--providers', '2', '--matching-blocks', '5'], '//DeaiRequester');
    const job = posted.job;
    await waitForOutput(workers[0], new RegExp(`job ${job}: result committed`));
    await stop(workers[0], 'SIGKILL');
    const before = workers[1].output.length;
    await proxy.cut(5_000);
    await waitForOutput(workers[1], /connection lost|reconnecting/, 60_000, before);
    const restarted = startWorker(0);
    await waitForOutput(workers[1], /connected to ws:\/\//, 120_000, before);
    await waitForOutput(restarted, new RegExp(`job ${job}: settled: result 0x[0-9a-f]{64} accepted, paid 10 DEAI`), 240_000);
    assert.doesNotMatch(restarted.output, new RegExp(`job ${job}: (inference done|result committed|submitting failed|revealing failed)`),
      'nothing redone or submitted twice after the restart');
    const receipt = await cli(['job', 'status', String(job)]);
    assert.equal(receipt.outcome, 'completed');
    assert.equal(receipt.providers.length, 2);
  });

  it('deai bench drives requesters and providers through whole lifecycles', async () => {
    const report = await cli(['bench', '--requesters', '2', '--workers', '2', '--in-flight', '2', '--duration', '20']);
    assert.ok(report.lifecycles_completed > 0, JSON.stringify(report));
    assert.equal(report.failures, 0, JSON.stringify(report.failure_samples));
    console.log(`deai bench (2 requesters x 2, 2 providers, 20 s): ${report.lifecycles_per_minute} lifecycles/min, inclusion p50 ${report.inclusion_ms.p50} ms`);
  });

  // --- The AI oracle ---------------------------------------------------------------------------

  /** The oracle pallet's account (PalletId `deai/orc`): the origin of callbacks. */
  const oracleAccount = () => {
    const bytes = new Uint8Array(32);
    bytes.set(stringToU8a('modl'));
    bytes.set(stringToU8a('deai/orc'), 4);
    return encodeAddress(bytes, 42);
  };
  const contractGas = () => api.registry.createType('WeightV2', { refTime: 200_000_000_000n, proofSize: 1_000_000n });
  const label = (n) => u8aToHex(new Uint8Array(new Uint32Array([n]).buffer));
  const sample = () => JSON.parse(readFileSync(join(modelDir, 'samples/batch-1.json')));
  const expectedLabels = () => JSON.parse(readFileSync(join(modelDir, 'samples/batch-1.expected.json'))).label;
  /** The input of a question about row `i` of the batch-1 sample. */
  const rowInput = (i) => stringToU8a(JSON.stringify({ features: [sample().features[i]] }));
  let consumer;
  let feedCreatedAt;

  /** The oracle's and the market's events of every block from now on: [{ block, event }]. */
  function recordEvents() {
    const seen = [];
    const subscription = api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      for (const { event } of await at.query.system.events()) {
        if (['aiOracle', 'computeMarket'].includes(event.section)) seen.push({ block: header.number.toNumber(), event });
      }
    });
    return { seen, stop: async () => (await subscription)() };
  }

  /** Waits (up to `timeoutMs`) until `check()` returns something truthy; returns it. */
  async function until(check, timeoutMs, what) {
    const started = Date.now();
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  const requestState = async (id) => (await api.call.aiOracleApi.request(id)).toJSON();

  it('the AI oracle: a lying provider is outvoted and slashed, and does not profit', async () => {
    // The two workers and a liar answer this question (the third worker starts next).
    const liar = keyring.addFromUri('//DeaiOracleLiar');
    await sendAndWait(api.tx.balances.transferKeepAlive(liar.address, 1_000n * UNIT), ctx.alice);
    await sendAndWait(api.tx.computeMarket.registerProvider(CAPABILITIES, 'http://127.0.0.1/liar', 150n * UNIT), liar);
    const expected = expectedLabels()[2];
    const question = {
      model: { model: modelId, version: 0 }, input: { Inline: u8aToHex(rowInput(2)) }, output: 'Label',
      providers: 3, quorum: 2, price, maxBudget: 50n * UNIT, commercial: false,
    };
    const asked = await sendAndWait(api.tx.aiOracle.request(question, null), requester);
    const id = asked.events.find(({ event }) => api.events.aiOracle.Requested.is(event)).event.data.request.toNumber();
    await sendAndWait(api.tx.computeMarket.claimJob(id), liar);
    await until(async () => (await api.query.computeMarket.jobs(id)).unwrap().status.toString() === 'Assigned', 60_000, 'the draw');
    const lie = new Uint8Array(new Uint32Array([expected + 1]).buffer);
    const salt = `0x${'5a'.repeat(32)}`;
    const commitment = blake2AsU8a(new Uint8Array([...stringToU8a('deai/commit1'), ...new Uint8Array(new BigUint64Array([BigInt(id)]).buffer), ...api.createType('AccountId', liar.address).toU8a(), ...blake2AsU8a(lie, 256), ...new Uint8Array(32).fill(0x5a)]), 256);
    await sendAndWait(api.tx.computeMarket.commitResult(id, commitment), liar);
    await until(async () => (await api.query.computeMarket.jobs(id)).unwrap().status.toString() === 'Revealing', 120_000, 'the commitments');
    const liarFree = await free(api, liar.address);
    const { events } = await sendAndWait(api.tx.computeMarket.revealInlineResult(id, u8aToHex(lie), salt), liar);
    const fees = feePaid(api, events, liar.address);
    const state = await until(async () => (await requestState(id)).answered, 120_000, 'the answer');
    assert.equal(state.value, label(expected), 'the honest label wins');
    assert.equal(state.providers.length, 2);
    assert.ok(!state.providers.includes(liar.address));
    const record = (await api.query.computeMarket.providers(liar.address)).unwrap();
    assert.equal(record.bond.toBigInt(), 135n * UNIT, 'slashed 10% of its bond');
    assert.equal(record.reputation.failed.toNumber(), 1);
    assert.equal(await free(api, liar.address), liarFree - fees, 'not paid');
  });

  it('the AI oracle: three workers answer the consumer contract, whose callback stores the model\'s label', async () => {
    await sendAndWait(api.tx.balances.transferKeepAlive(keyring.addFromUri('//DeaiWorker3').address, 1_000n * UNIT), ctx.alice);
    startWorker(2);
    await waitForOutput(workers[2], /provider registered/);
    // A feed of another question, every 10 blocks, 5 times, answered by the three workers: it
    // runs while this test and the next two do, and is checked last.
    const feedInput = join(dir, 'oracle-row-1.json');
    writeFileSync(feedInput, JSON.stringify({ features: [sample().features[1]] }));
    feedCreatedAt = (await api.rpc.chain.getHeader()).number.toNumber();
    const feed = await cli(['oracle', 'feed', 'create', '--model', `${modelId}:0`, '--input', feedInput, '--price', '10', '--period', '10', '--rounds', '5'], '//DeaiRequester');
    assert.equal(feed.feed, 0);
    const abi = JSON.parse(readFileSync(join(CONTRACTS_DIR, 'deai_oracle_consumer.json'), 'utf8'));
    const wasm = readFileSync(join(CONTRACTS_DIR, 'deai_oracle_consumer.wasm'));
    const gasLimit = contractGas();
    const { events } = await sendAndWait(new CodePromise(api, abi, wasm).tx.new(
      { gasLimit, storageDepositLimit: null, value: 200n * UNIT }, oracleAccount(), modelId, 0), requester);
    const instantiated = events.find(({ event }) => api.events.contracts.Instantiated.is(event)).event.data;
    consumer = new ContractPromise(api, abi, instantiated.contract);
    const quote = (await api.call.aiOracleApi.quote({ model: modelId, version: 0 }, 3, price, { refTime: 20_000_000_000n, proofSize: 262_144n })).unwrap();
    const recorder = recordEvents();
    const asked = await sendAndWait(consumer.tx.ask({ gasLimit, storageDepositLimit: null },
      u8aToHex(rowInput(0)), 3, 2, price, quote.budget.toBigInt(), 20_000_000_000n, 262_144n), requester);
    const id = asked.events.find(({ event }) => api.events.aiOracle.Requested.is(event)).event.data.request.toNumber();
    const expected = expectedLabels()[0];
    const stored = await until(async () => {
      const { output } = await consumer.query.label(requester.address, { gasLimit });
      const value = output.toJSON().ok;
      return value === null || value === undefined ? null : { value };
    }, 180_000, 'the consumer\'s label');
    await recorder.stop();
    assert.equal(stored.value, expected, 'the label the model gives for row 0');
    // The answer on chain: the label, agreed by all three workers, with its receipt.
    const state = await requestState(id);
    assert.equal(state.answered.value, label(expected));
    assert.equal(state.answered.providers.length, 3);
    assert.equal(BigInt(state.answered.royalties), fee, 'the model\'s contributors were paid');
    // Called back within 5 blocks of the last reveal (in its block's idle time, in fact).
    const reveals = recorder.seen.filter(({ event }) => api.events.computeMarket.ResultRevealed.is(event) && event.data.job.toNumber() === id);
    const delivered = recorder.seen.find(({ event }) => api.events.aiOracle.CallbackDelivered.is(event) && event.data.request.toNumber() === id);
    assert.equal(reveals.length, 3);
    assert.ok(delivered, 'CallbackDelivered');
    const lastReveal = Math.max(...reveals.map((r) => r.block));
    assert.ok(delivered.block - lastReveal <= 5, `called back at #${delivered.block}, last reveal at #${lastReveal}`);
    // Each worker logged the answer it was paid for.
    for (const w of workers) await waitForOutput(w, new RegExp(`job ${id}: oracle answer ${label(expected)} decided, ours agreed: paid`), 60_000);
    const shown = await cli(['oracle', 'answer', String(id)]);
    assert.deepEqual(shown.answer, { label: expected });
  });

  it('the AI oracle: a callback out of gas leaves its reason on chain and refunds the unused fee exactly', async () => {
    const gas = { refTime: 1_000_000n, proofSize: 10_000n };
    const question = {
      model: { model: modelId, version: 0 }, input: { Inline: u8aToHex(rowInput(3)) }, output: 'Label',
      providers: 3, quorum: 2, price, maxBudget: 50n * UNIT, commercial: false,
    };
    // An account of its own, so that its balance moves only by this request.
    const asker = keyring.addFromUri('//DeaiOracleAsker');
    await sendAndWait(api.tx.balances.transferKeepAlive(asker.address, 1_000n * UNIT), ctx.alice);
    const before = await free(api, asker.address);
    const asked = await sendAndWait(api.tx.aiOracle.request(question, { contract: consumer.address, selector: '0xdea10a5e', gasLimit: gas }), asker);
    const id = asked.events.find(({ event }) => api.events.aiOracle.Requested.is(event)).event.data.request.toNumber();
    const prepaid = (await api.query.aiOracle.requests(id)).unwrap().callback.unwrap().fee.toBigInt();
    const recorder = recordEvents();
    await until(async () => !(await api.query.aiOracle.requests(id)).isSome, 180_000, 'the callback');
    await new Promise((r) => setTimeout(r, 4000));
    await recorder.stop();
    const failed = recorder.seen.find(({ event }) => api.events.aiOracle.CallbackFailed.is(event) && event.data.request.toNumber() === id);
    assert.ok(failed, 'CallbackFailed');
    assert.equal(failed.event.data.reason.toString(), 'OutOfGas');
    const fee = failed.event.data.fee.toBigInt();
    assert.ok(fee <= prepaid);
    const settled = recorder.seen.find(({ event }) => api.events.computeMarket.JobSettled.is(event) && event.data.job.toNumber() === id).event.data;
    const answer = (await api.query.aiOracle.answers(id)).unwrap();
    const spent = settled.paidToProviders.toBigInt() + settled.protocolFee.toBigInt() + settled.usageFees.toBigInt();
    // Exactly: the job, the callback's fee for the gas it used (the rest of the prepaid fee came
    // back), the answer's deposit (held until it is removed) and the request's transaction fee.
    assert.equal(await free(api, asker.address),
      before - feePaid(api, asked.events, asker.address) - spent - fee - answer.deposit.toBigInt());
    assert.equal(BigInt((await api.query.balances.holds(asker.address))
      .filter((h) => h.id.toJSON().aiOracle !== undefined)
      .reduce((sum, h) => sum + h.amount.toBigInt(), 0n)), answer.deposit.toBigInt(), 'only the answer\'s deposit is held');
    assert.equal(answer.value.toHex(), label(expectedLabels()[3]));
  });

  it('the AI oracle: 1,024 bytes are answered inline, 1,025 refused by name', async () => {
    const bytesQuestion = (maxLen) => ({
      model: { model: modelId, version: 0 }, input: { Inline: '0x01' }, output: { Bytes: { maxLen } },
      providers: 3, quorum: 2, price: UNIT, maxBudget: 10n * UNIT, commercial: false,
    });
    await assert.rejects(sendAndWait(api.tx.aiOracle.request(bytesQuestion(1025), null), requester), /aiOracle\.OutputTooLong/);
    // Three scripted providers (the workers take nothing below 5 DEAI).
    const answerers = [1, 2, 3].map((i) => keyring.addFromUri(`//DeaiOracleBytes${i}`));
    for (const who of answerers) {
      await sendAndWait(api.tx.balances.transferKeepAlive(who.address, 1_000n * UNIT), ctx.alice);
      await sendAndWait(api.tx.computeMarket.registerProvider(CAPABILITIES, 'http://127.0.0.1/bytes', 150n * UNIT), who);
    }
    const asked = await sendAndWait(api.tx.aiOracle.request(bytesQuestion(1024), null), requester);
    const id = asked.events.find(({ event }) => api.events.aiOracle.Requested.is(event)).event.data.request.toNumber();
    // All at once: the matching window is a few blocks.
    await Promise.all(answerers.map((who) => sendAndWait(api.tx.computeMarket.claimJob(id), who)));
    await until(async () => (await api.query.computeMarket.jobs(id)).unwrap().status.toString() === 'Assigned', 60_000, 'the draw');
    const value = new Uint8Array(1024).fill(0xab);
    const salt = new Uint8Array(32).fill(7);
    await Promise.all(answerers.map((who) => {
      const commitment = blake2AsU8a(new Uint8Array([...stringToU8a('deai/commit1'), ...new Uint8Array(new BigUint64Array([BigInt(id)]).buffer), ...api.createType('AccountId', who.address).toU8a(), ...blake2AsU8a(value, 256), ...salt]), 256);
      return sendAndWait(api.tx.computeMarket.commitResult(id, commitment), who);
    }));
    await assert.rejects(sendAndWait(api.tx.computeMarket.revealInlineResult(id, u8aToHex(new Uint8Array(1025).fill(0xab)), u8aToHex(salt)), answerers[0]),
      /computeMarket\.InlineResultTooLong/);
    await Promise.all(answerers.map((who) => sendAndWait(api.tx.computeMarket.revealInlineResult(id, u8aToHex(value), u8aToHex(salt)), who)));
    const answer = (await api.query.aiOracle.answers(id)).unwrap();
    assert.equal(answer.value.length, 1024);
    assert.equal(answer.value.toHex(), u8aToHex(value));
  });

  it('the AI oracle: a feed with period 10 delivers 5 answers', async () => {
    const feed = await until(async () => {
      const record = (await api.query.aiOracle.feeds(0)).unwrap();
      return record.roundsLeft.toNumber() === 0 && record.inFlight.toNumber() === 0 ? record : null;
    }, 300_000, 'the feed\'s five rounds');
    assert.equal(feed.period.toNumber(), 10);
    // Its rounds, from their events since it was created.
    const answered = [];
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    for (let block = feedCreatedAt; block <= head; block += 1) {
      const at = await api.at(await api.rpc.chain.getBlockHash(block));
      for (const { event } of await at.query.system.events()) {
        if (api.events.aiOracle.FeedAnswered.is(event) && event.data.feed.toNumber() === 0) answered.push(event.data.value.toHex());
        assert.ok(!(api.events.aiOracle.RoundFailed.is(event)), `a round failed: ${event.data.reason}`);
      }
    }
    assert.equal(answered.length, 5);
    assert.ok(answered.every((v) => v === label(expectedLabels()[1])), 'every round, the model\'s label');
    const shown = await cli(['oracle', 'feed', 'show', '0']);
    assert.deepEqual(shown.latest.answer, { label: expectedLabels()[1] });
    await cli(['oracle', 'feed', 'cancel', '0'], '//DeaiRequester');
    assert.ok((await api.query.aiOracle.feeds(0)).isNone, 'a finished feed is removed by its owner');
  });
});
}
