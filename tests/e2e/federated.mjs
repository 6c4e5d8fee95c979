// Federated training end to end on the suite's node: an untrained base model (the
// blobs-classifier MLP) and the 150 held-out rows are registered; a task pays 3 rounds; five
// participants train on non-IID shards of the training rows — three real deai-workers, a
// free-rider submitting a zero update and a poisoner submitting minus ten times its update
// (both scripted here) — and three deai-workers evaluate. The trained model reaches at least
// 90 % on the held-out rows; the free-rider earns nothing, the poisoner is slashed and earns
// nothing, every honest participant earns; the model is published with the honest participants
// as its contributors, and an inference job on it pays them royalties.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex, hexToU8a, stringToU8a } from '@polkadot/util';
import { blake2AsU8a, decodeAddress } from '@polkadot/util-crypto';
import { freePort, sendAndWait } from './lib/node.mjs';
import { CAPABILITIES, UNIT } from './lib/chain.mjs';
import { CLI, WORKER, deai } from './lib/cli.mjs';
import { start, stop, waitForOutput } from './lib/process.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const flDir = join(repo, 'models/blobs-classifier/fl');
const TRAINING = 4;
/** The MLP's parameters (worker/src/federated.rs `N_PARAMS`): 4×16 + 16 + 16×3 + 3. */
const N_PARAMS = 131;

const le = (value, bytes) => {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  for (let i = 0; i < bytes; i += 1) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
};

/** deai_abi::federated::update_commitment. */
function updateCommitment(task, round, who, hash, samples, salt) {
  const domain = u8aConcat(stringToU8a('deai/flupd1'), new Uint8Array([0]));
  return blake2AsU8a(u8aConcat(domain, le(task, 8), le(round, 4), decodeAddress(who), hexToU8a(hash), le(samples, 4), salt), 256);
}

/** An update file (worker/src/federated.rs): `DEAIFLU1`, the count, the values (f32 LE). */
function updateFile(values) {
  const out = new Uint8Array(12 + 4 * values.length);
  out.set(stringToU8a('DEAIFLU1'));
  const view = new DataView(out.buffer);
  view.setUint32(8, values.length, true);
  values.forEach((v, i) => view.setFloat32(12 + 4 * i, v, true));
  return out;
}

function readUpdate(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  return Array.from({ length: count }, (_, i) => view.getFloat32(12 + 4 * i, true));
}

export function federatedTests(ctx) {
describe('federated training', () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const owner = keyring.addFromUri('//FlOwner');
  const freeRider = keyring.addFromUri('//FlFreeRider');
  const poisoner = keyring.addFromUri('//FlPoisoner');
  const honest = [1, 2, 3].map((i) => keyring.addFromUri(`//FlParticipant${i}`));
  const evaluators = [1, 2, 3].map((i) => keyring.addFromUri(`//FlEvaluator${i}`));
  let api;
  let dir;
  let store;
  let storeUrl;
  let nodeUrl;
  const workers = [];
  let model;
  let dataset;
  let task;

  const cli = (args, key) => deai(args, {
    DEAI_URL: nodeUrl, DEAI_STORE: storeUrl, DEAI_STORE_TOKEN_FILE: join(dir, 'token'), ...(key ? { DEAI_KEY: key } : {}),
  });

  async function put(bytes) {
    const response = await fetch(`${storeUrl}/content`, { method: 'PUT', body: bytes, headers: { authorization: 'Bearer fl-e2e-0123456789' } });
    assert.equal(response.status, 200);
    return response.json();
  }

  function workerConfig(name, key, fl) {
    const path = join(dir, `${name}.toml`);
    writeFileSync(path, [
      `rpc_url = "${nodeUrl}"`,
      `key = "${key}"`,
      `work_dir = "${join(dir, name)}"`,
      `store_url = "${storeUrl}"`,
      `store_token_file = "${join(dir, 'token')}"`,
      'bond = "110"',
      '[price]',
      'min_price = "1"',
      '[federated]',
      ...fl,
      '',
    ].join('\n'));
    return path;
  }

  before(async () => {
    for (const binary of [CLI, WORKER]) {
      if (!existsSync(binary)) throw new Error(`${binary} does not exist: build it with \`make tools\``);
    }
    api = ctx.api;
    nodeUrl = `ws://127.0.0.1:${ctx.node.rpcPort}`;
    dir = mkdtempSync(join(tmpdir(), 'deai-fl-e2e-'));
    const port = await freePort();
    storeUrl = `http://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'token'), 'fl-e2e-0123456789\n');
    writeFileSync(join(dir, 'tokens'), 'fl-e2e-0123456789\n');
    store = start(CLI, ['store', 'serve', '--dir', join(dir, 'store'), '--listen', `127.0.0.1:${port}`,
      '--upload-tokens-file', join(dir, 'tokens')], 'fl content store');
    await waitForOutput(store, /serving/);
    const everyone = [owner, freeRider, poisoner, ...honest, ...evaluators];
    await sendAndWait(api.tx.utility.batchAll(everyone.map((w) => api.tx.balances.transferKeepAlive(w.address, 1_000n * UNIT))), ctx.alice);
  });

  after(async () => {
    for (const w of workers) await stop(w);
    await stop(store);
    for (const w of workers) {
      const path = join(tmpdir(), `deai-e2e-${w.name.replace(/ /g, '-')}.log`);
      writeFileSync(path, w.output);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trains a model over 3 rounds: honest participants paid, the free-rider not, the poisoner slashed; published with them as contributors', async () => {
    const started = Date.now();
    // The untrained base, with a usage fee, and the held-out rows as the evaluation dataset.
    ({ model } = await cli(['model', 'register', '--name', 'blobs-fl', '--licence', 'Apache-2.0', '--commercial', '--derivatives', '--fee', '2'], '//FlOwner'));
    await cli(['model', 'publish', String(model), '--file', join(flDir, 'base.onnx'), '--label', 'base'], '//FlOwner');
    ({ dataset } = await cli(['dataset', 'register', '--name', 'blobs-held-out', '--licence', 'Apache-2.0', '--commercial', '--derivatives'], '//FlOwner'));
    await cli(['dataset', 'publish', String(dataset), '--file', join(flDir, 'eval.json'), '--label', 'held-out'], '//FlOwner');
    ({ task } = await cli(['fl', 'create', '--base', `${model}:0`, '--rounds', '3', '--round-pot', '100',
      '--participants', '5', '--evaluators', '3', '--eval-dataset', `${dataset}:0`, '--eval-rows', '100',
      '--min-stake', '10', '--phase-blocks', '5', '--tolerance', '0', '--poison-threshold', '500000'], '//FlOwner'));

    // The scripted members register as training providers and join. The poisoner stakes enough
    // to stay above the minimum after its slashes (half its stake each round), so that every
    // round draws all five.
    await Promise.all([[freeRider, 10n], [poisoner, 100n]].map(([who, stake]) => sendAndWait(api.tx.utility.batchAll([
      api.tx.computeMarket.registerProvider({ ...CAPABILITIES, jobKinds: TRAINING }, 'http://127.0.0.1', 100n * UNIT),
      api.tx.federated.join(task, 'Participant', stake * UNIT),
    ]), who)));
    console.log(`federated e2e: task ${task} created after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // The workers join by themselves.
    honest.forEach((who, i) => workers.push(start(WORKER, ['run', '--config', workerConfig(`participant-${i + 1}`, `//FlParticipant${i + 1}`,
      [`task = ${task}`, 'role = "participant"', 'stake = "10"', `data = "${join(flDir, `shard-${i}.json`)}"`])], `fl participant ${i + 1}`)));
    evaluators.forEach((who, i) => workers.push(start(WORKER, ['run', '--config', workerConfig(`evaluator-${i + 1}`, `//FlEvaluator${i + 1}`,
      [`task = ${task}`, 'role = "evaluator"', 'stake = "10"'])], `fl evaluator ${i + 1}`)));

    // The free-rider and the poisoner act in each round from here, block by block.
    const salts = new Map();
    const acted = new Set();
    let failure;
    const script = async (header) => {
      const at = await api.at(header.hash);
      const info = (await at.query.federated.tasks(task)).unwrap();
      if (!info.status.isRunning) return;
      const phase = info.status.asRunning.phase.toString();
      const round = (await at.query.federated.rounds(task)).unwrap();
      const index = round.index.toNumber();
      // Both act at once: each must land within the phase.
      await Promise.all([freeRider, poisoner].map(async (who) => {
        const slot = round.updates.find((s) => s.who.toString() === who.address);
        const key = `${who.address}/${index}/${phase}`;
        if (!slot || acted.has(key)) return;
        if (phase === 'CommitUpdates' && slot.commitment.isNone) {
          acted.add(key);
          let values;
          if (who === freeRider) {
            values = new Array(N_PARAMS).fill(0);
          } else {
            // Minus ten times what honest training on its shard gives.
            const global = info.global.isSome ? info.global.unwrap() : (await at.query.modelRegistry.modelVersions(model, 0)).unwrap().artifact;
            const uri = Buffer.from(global.uri).toString();
            const file = join(dir, `global-${index}.onnx`);
            writeFileSync(file, Buffer.from(await (await fetch(uri)).arrayBuffer()));
            const out = join(dir, `poison-${index}.bin`);
            const trained = spawnSync(WORKER, ['fl', 'train', '--model', file, '--data', join(flDir, 'shard-4.json'), '--out', out], { encoding: 'utf8' });
            assert.equal(trained.status, 0, trained.stderr);
            values = readUpdate(new Uint8Array(readFileSync(out))).map((v) => -10 * v);
          }
          const stored = await put(updateFile(values));
          const salt = blake2AsU8a(stringToU8a(`${key}/salt`), 256);
          const samples = 90;
          salts.set(`${who.address}/${index}`, { stored, salt, samples });
          await sendAndWait(api.tx.federated.commitUpdate(task, updateCommitment(task, index, who.address, stored.hash, samples, salt)), who);
        }
        if (phase === 'RevealUpdates' && slot.commitment.isSome && slot.update.isNone) {
          acted.add(key);
          const { stored, salt, samples } = salts.get(`${who.address}/${index}`);
          await sendAndWait(api.tx.federated.revealUpdate(task, { hash: stored.hash, size: stored.size, uri: stored.uri }, samples, salt), who);
        }
      }));
    };
    let busy = false;
    const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
      if (busy || failure) return;
      busy = true;
      try { await script(header); } catch (e) { failure = e; } finally { busy = false; }
    });

    // Until the task closes.
    const deadline = Date.now() + 240_000;
    for (;;) {
      if (failure) { unsubscribe(); throw failure; }
      const info = (await api.query.federated.tasks(task)).unwrap();
      if (info.status.isClosed) break;
      if (Date.now() > deadline) {
        unsubscribe();
        throw new Error(`task ${task} did not close: ${JSON.stringify(info.toHuman())}\n${workers.map((w) => `${w.name}:\n${w.output.slice(-1500)}`).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    unsubscribe();
    console.log(`federated e2e: task ${task} closed after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    // What every round paid and slashed, from its RoundFinalized event.
    const finalized = [];
    const closedAt = await (async () => {
      let hash = await api.rpc.chain.getBlockHash();
      for (let i = 0; i < 200; i += 1) {
        const at = await api.at(hash);
        for (const { event } of await at.query.system.events()) {
          if (event.section === 'federated' && event.method === 'RoundFinalized' && event.data.task.toNumber() === task) finalized.push(event.data);
        }
        if (finalized.length === 3) return hash;
        hash = (await api.rpc.chain.getHeader(hash)).parentHash;
      }
      throw new Error(`found ${finalized.length} finalized rounds`);
    })();
    assert.ok(closedAt);
    const earned = new Map();
    const slashed = new Map();
    for (const round of finalized) {
      assert.ok(round.aggregate.isSome, 'every round agreed on an aggregate');
      for (const o of round.participants) {
        const who = o.who.toString();
        earned.set(who, (earned.get(who) ?? 0n) + o.paid.toBigInt());
        slashed.set(who, (slashed.get(who) ?? 0n) + o.slashed.toBigInt());
      }
      for (const o of round.evaluators) assert.ok(o.agreed.isTrue, 'the evaluators agreed bit for bit');
    }
    const honestEarned = honest.map((h) => earned.get(h.address) ?? 0n);
    for (const e of honestEarned) assert.ok(e > 0n, `every honest participant earns: ${honestEarned}`);
    const mean = honestEarned.reduce((a, b) => a + b, 0n) / 3n;
    assert.ok((earned.get(freeRider.address) ?? 0n) * 100n <= mean, 'the free-rider earns at most 1% of the honest mean');
    assert.equal(earned.get(poisoner.address) ?? 0n, 0n, 'the poisoner earns nothing');
    assert.ok((slashed.get(poisoner.address) ?? 0n) > 0n, 'the poisoner is slashed');

    // The trained model: its accuracy on the held-out rows.
    const info = (await api.query.federated.tasks(task)).unwrap();
    const final = info.global.unwrap();
    const finalPath = join(dir, 'final.onnx');
    writeFileSync(finalPath, Buffer.from(await (await fetch(Buffer.from(final.uri).toString())).arrayBuffer()));
    const evaluated = spawnSync(WORKER, ['fl', 'evaluate', '--model', finalPath, '--data', join(flDir, 'eval.json')], { encoding: 'utf8' });
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const { accuracy } = JSON.parse(evaluated.stdout);
    assert.ok(accuracy >= 0.9, `the trained model's held-out accuracy is ${accuracy}`);

    // Published: version 1 of the owner's model, the base as parent, the honest participants
    // (and only they) sharing its royalties.
    const published = info.published.unwrap();
    assert.deepEqual([published.model.toNumber(), published.version.toNumber()], [model, 1]);
    const version = (await api.query.modelRegistry.modelVersions(model, 1)).unwrap();
    assert.deepEqual(version.parents.map((p) => [p.model.toNumber(), p.version.toNumber()]), [[model, 0]]);
    // (`hash_`: polkadot.js names the field so, beside every codec's own `hash`.)
    assert.equal(u8aToHex(version.artifact.contentHash), u8aToHex(final.hash_));
    const split = (await api.query.modelRegistry.royaltySplits({ Model: { model, version: 1 } })).unwrap();
    const named = split.filter(([payee]) => payee.isAccount).map(([payee]) => payee.asAccount.toString()).sort();
    assert.deepEqual(named, honest.map((h) => h.address).sort());
    const status = await cli(['fl', 'status', String(task)]);
    assert.equal(status.status, 'closed');
    assert.equal(status.published, `${model}:1`);

    // An inference job on the trained model (run by a participant's worker) pays them royalties.
    const input = join(repo, 'models/blobs-classifier/samples/batch-1.json');
    // Asked by somebody else: the owner's own use would pay itself.
    const receipt = await cli(['job', 'post', '--model', `${model}:1`, '--input', input, '--price', '2', '--wait', '--timeout', '120'], '//Alice');
    assert.equal(receipt.outcome, 'completed', JSON.stringify(receipt));
    const owed = await api.call.modelRegistryApi.royalties({ Model: { model, version: 1 } });
    for (const h of honest) {
      const entry = owed.find(([payee]) => payee.isAccount && payee.asAccount.toString() === h.address);
      assert.ok(entry && entry[1].toBigInt() > 0n, `${h.address} is owed royalties`);
    }
    console.log(`federated training e2e: ${((Date.now() - started) / 1000).toFixed(0)} s, accuracy ${accuracy}, honest earned ${honestEarned}`);
  });
});
}
