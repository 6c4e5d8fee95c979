// deai-worker and the deai CLI against the suite's node: a content store, two workers running
// the project's ONNX model (models/blobs-classifier) with tract, and the CLI as requester and
// model owner. A proof job is proven by a worker (the model's Groth16 circuit) and settles in
// the block of its submission; a redundant job is run by both workers, whose results agree bit for bit and are
// paid, with the model's contributors; a tampered artifact is found before the job is taken and
// the job passed over; a worker killed after committing is restarted and reveals from its job
// book, while the other loses its connection to the node and reconnects; `deai bench` runs a
// short load.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { freePort, sendAndWait } from './lib/node.mjs';
import { UNIT, free, royaltiesAccrued, royaltiesOwed } from './lib/chain.mjs';
import { CLI, WORKER, deai } from './lib/cli.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const modelDir = join(repo, 'models/blobs-classifier');

const children = new Set();
process.on('exit', () => { for (const c of children) { try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ } } });

/** Starts a long-running binary in its own process group, keeping its output. */
function start(binary, args, name) {
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } });
  child.name = name;
  child.output = '';
  const keep = (chunk) => { child.output += chunk.toString(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => child.on('exit', resolve));
  children.add(child);
  return child;
}

async function stop(child, signal = 'SIGINT') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, signal); } catch { /* gone */ }
  const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 35_000);
  await child.exited;
  clearTimeout(timer);
  children.delete(child);
}

/** Waits until `child`'s output matches `pattern` (checked every 100 ms). */
async function waitForOutput(child, pattern, timeoutMs = 120_000, from = 0) {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(child.output.slice(from))) {
    if (child.exitCode !== null) throw new Error(`${child.name} exited (${child.exitCode}):\n${child.output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`${child.name}: no ${pattern} within ${timeoutMs} ms:\n${child.output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
      'max_concurrent_jobs = 2',
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
});
}
