// A small, realistic corner of a chain for the explorer's browser test: a dataset, a base model
// trained on it with two contributors, a second version and a fine-tuned derivative (so the
// lineage has parents, data and children), a provider of its own, and one settled job.
import { sendAndWait } from './node.mjs';
import { CAPABILITIES, UNIT } from './chain.mjs';

const PERBILL = 1_000_000_000;
const LICENCE = { spdx: 'Apache-2.0', commercialUse: true, derivatives: true, attribution: true };

const eventOf = (api, events, event) => events.find(({ event: e }) => event.is(e)).event.data;

/** A job spec a CPU provider can run: inference of `model`, fixed price, requester approval. */
export function inferenceJob(model, { budget = 20n * UNIT, price = 5n * UNIT, input = '1a' } = {}) {
  return {
    kind: 'Inference',
    model,
    datasets: [],
    inputHash: `0x${input.repeat(32)}`,
    inputUri: 'http://127.0.0.1/input.json',
    requirements: { minVramMib: 0, minRamMib: 1024, accelerator: null, region: null, teeRequired: false, minReputation: 0 },
    commercial: false,
    budget,
    matchingBlocks: 100,
    executionBlocks: 100,
    matching: { FixedPrice: { price } },
    verification: 'RequesterApproval',
  };
}

/** Runs a fixed-price job to settlement: `provider` claims and submits, `requester` accepts. */
export async function settleJob(api, job, { provider, requester, result = '0f' }) {
  await sendAndWait(api.tx.computeMarket.claimJob(job), provider);
  await sendAndWait(api.tx.computeMarket.submitResult(job, `0x${result.repeat(32)}`, 'http://127.0.0.1/output.json', '0x'), provider);
  return sendAndWait(api.tx.computeMarket.acceptResult(job), requester);
}

/** Seeds the chain; returns the ids it created. */
export async function seedExplorerChain(api, { alice, provider, dave, eve, ferdie }) {
  const tx = api.tx.modelRegistry;
  let r = await sendAndWait(tx.registerDataset('blobs-2d', 'Three Gaussian blobs in 4 dimensions, 750 rows', LICENCE, 'Open',
    [[eve.address, PERBILL]]), eve);
  const dataset = eventOf(api, r.events, api.events.modelRegistry.DatasetRegistered).dataset.toNumber();
  await sendAndWait(tx.publishDatasetVersion(dataset, `0x${'d1'.repeat(32)}`, 48_000, 'http://127.0.0.1/blobs.csv', 'v1'), eve);

  r = await sendAndWait(tx.registerModel('blobs-classifier', 'A 4-16-3 MLP that labels Gaussian blobs (ONNX)',
    ['classification', 'onnx'], LICENCE, 2n * UNIT, [[eve.address, 0.6 * PERBILL], [ferdie.address, 0.4 * PERBILL]]), alice);
  const base = eventOf(api, r.events, api.events.modelRegistry.ModelRegistered).model.toNumber();
  await sendAndWait(tx.publishModelVersion(base, `0x${'b1'.repeat(32)}`, 1_204, 'Onnx', 'http://127.0.0.1/blobs-v1.onnx',
    'v1', [], [{ dataset, version: 0 }], null, 0), alice);
  await sendAndWait(tx.publishModelVersion(base, `0x${'b2'.repeat(32)}`, 1_204, 'Onnx', 'http://127.0.0.1/blobs-v2.onnx',
    'v2', [{ model: base, version: 0 }], [{ dataset, version: 0 }], null, 0), alice);

  r = await sendAndWait(tx.registerModel('blobs-classifier-tuned', 'blobs-classifier fine-tuned on more rows',
    ['classification'], LICENCE, UNIT, [[ferdie.address, PERBILL]]), ferdie);
  const tuned = eventOf(api, r.events, api.events.modelRegistry.ModelRegistered).model.toNumber();
  await sendAndWait(tx.publishModelVersion(tuned, `0x${'c1'.repeat(32)}`, 1_300, 'Onnx', 'http://127.0.0.1/tuned.onnx',
    'v1', [{ model: base, version: 1 }], [], null, 0.1 * PERBILL), ferdie);

  await sendAndWait(api.tx.balances.transferKeepAlive(provider.address, 1_000n * UNIT), alice);
  await sendAndWait(api.tx.computeMarket.registerProvider(CAPABILITIES, 'http://127.0.0.1:8081', 100n * UNIT), provider);

  r = await sendAndWait(api.tx.computeMarket.postJob(inferenceJob({ model: base, version: 1 })), dave);
  const settledJob = eventOf(api, r.events, api.events.computeMarket.JobPosted).job.toNumber();
  await settleJob(api, settledJob, { provider, requester: dave });
  return { dataset, base, tuned, settledJob };
}
