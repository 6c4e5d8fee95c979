// DeAI Explorer in a real browser: the production build (explorer/dist, `make explorer`) served
// by explorer/serve.mjs against the suite's node, opened in headless Chromium (Debian's
// `chromium`, driven by playwright-core). A model with lineage and a settled job are seeded
// through the API; the test checks that the model list, the lineage graph's nodes, a job going
// from open to settled as blocks arrive, and a job posted from the UI appear as the chain says.
// Every page is screenshotted into tests/e2e/output/explorer/, and any console error fails it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { chromium } from 'playwright-core';
import { freePort, sendAndWait } from './lib/node.mjs';
import { UNIT, royaltiesOwed } from './lib/chain.mjs';
import { inferenceJob, seedExplorerChain } from './lib/seed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const explorerDir = join(here, '../../explorer');
const OUTPUT = process.env.DEAI_EXPLORER_OUTPUT || join(here, 'output/explorer');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** An amount as the explorer writes it (explorer/src/format.ts `balance`): at most 4 decimals. */
function shown(amount) {
  const whole = amount / UNIT;
  const fraction = (amount % UNIT).toString().padStart(12, '0').replace(/0+$/, '');
  return `${whole.toLocaleString('en')}${fraction ? `.${fraction.length > 4 ? `${fraction.slice(0, 4)}…` : fraction}` : ''} DEAI`;
}

/** `text` as a regular expression matching it literally. */
const literally = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function explorerTests(ctx) {
describe('explorer', () => {
  let api;
  let server;
  let browser;
  let page;
  let base;
  let ids;
  const consoleErrors = [];
  const provider = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//ExplorerProvider');

  /** Opens `route` (#/route), waits for `ready` (a selector) and saves a screenshot as `name`. */
  const visit = async (route, ready, name) => {
    await page.goto(`${base}/#/${route}`);
    await page.waitForSelector(ready, { timeout: 30_000 });
    await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
  };
  const textOf = (selector) => page.locator(selector).innerText();

  before(async () => {
    ({ api } = ctx);
    assert.ok(existsSync(join(explorerDir, 'dist/index.html')), 'the explorer is built (make explorer)');
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} exists (scripts/setup.sh installs Debian's chromium)`);
    mkdirSync(OUTPUT, { recursive: true });
    ids = await seedExplorerChain(api, { ...ctx, provider });

    const port = await freePort();
    server = spawn(process.execPath, [join(explorerDir, 'serve.mjs'), '--port', String(port), '--rpc', `ws://127.0.0.1:${ctx.node.rpcPort}`],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => {
      server.stdout.once('data', resolve);
      server.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
    });
    base = `http://127.0.0.1:${port}`;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    server?.kill();
    console.log(`explorer screenshots: ${OUTPUT}`);
    assert.deepEqual(consoleErrors, [], 'no console errors');
  });

  it('lists the models and datasets the chain holds, and searches them', async () => {
    await visit('models', `[data-testid=model-${ids.tuned}]`, 'models');
    const models = await textOf('[data-testid=model-list]');
    for (const name of ['blobs-classifier', 'blobs-classifier-tuned']) assert.match(models, new RegExp(name));
    assert.match(await textOf('[data-testid=dataset-list]'), /blobs-2d/);
    await page.fill('[data-testid=search]', 'tuned');
    await page.waitForSelector(`[data-testid=model-${ids.base}]`, { state: 'detached' });
    assert.match(await textOf('[data-testid=model-list]'), /blobs-classifier-tuned/);
    await visit(`dataset/${ids.dataset}`, '[data-testid=dataset-versions]', 'dataset');
    assert.match(await textOf('[data-testid=dataset-versions]'), /#0\s+v1\s+0xd1d1d1d1…d1d1d1\s+48,000 B/);
  });

  it('draws a version\'s lineage: parents, training data and derived versions', async () => {
    await visit(`model/${ids.base}/1`, '[data-testid=lineage-graph][data-nodes]', 'model-lineage');
    assert.match(await textOf('[data-testid=model-name]'), /^blobs-classifier$/);
    // No key is bound to this version (the worker suite binds one later): the page says what that means.
    assert.match(await textOf('[data-testid=zk-profile]'), /No ZK profile: jobs on this version cannot ask for proof verification/);
    // The graph (cytoscape) and its list hold the same nodes: v1 (parent), v2 (shown), the
    // tuned model derived from v2, and the dataset both base versions were trained on.
    const nodes = await page.locator('[data-testid=lineage-nodes] li').evaluateAll((items) => items.map((li) => li.dataset.node).sort());
    assert.deepEqual(nodes, [`d:${ids.dataset}:0`, `m:${ids.base}:0`, `m:${ids.base}:1`, `m:${ids.tuned}:0`].sort());
    const graph = page.locator('[data-testid=lineage-graph]');
    assert.equal(await graph.getAttribute('data-nodes'), '4');
    // Edges: v1 → v2, v2 → tuned, dataset → v1, dataset → v2.
    assert.equal(await graph.getAttribute('data-edges'), '4');
    assert.ok(await graph.locator('canvas').count() > 0, 'drawn on a canvas');
    // The usage fee the seeded job paid is owed to the contributors (60% / 40% of what the
    // protocol's cut leaves), as the registry says.
    const owed = await royaltiesOwed(api, ids.base, 1);
    assert.ok(owed[ctx.eve.address] > 0n);
    assert.match(await textOf('[data-testid=royalties]'),
      new RegExp(`Eve\\s+${literally(shown(owed[ctx.eve.address]))}[\\s\\S]*Ferdie\\s+${literally(shown(owed[ctx.ferdie.address]))}`));
  });

  it('shows a job going from open to settled as blocks arrive, accepted from the page, and its receipt', async () => {
    const posted = await sendAndWait(api.tx.computeMarket.postJob(inferenceJob({ model: ids.base, version: 1 }, { input: '2b' })), ctx.dave);
    const job = posted.events.find(({ event }) => api.events.computeMarket.JobPosted.is(event)).event.data.job.toNumber();
    await visit('jobs', `[data-testid=job-${job}-status]`, 'jobs-open');
    assert.equal(await textOf(`[data-testid=job-${job}-status]`), 'Open');
    await visit(`job/${job}`, '[data-testid=job-status]', 'job-open');
    assert.equal(await textOf('[data-testid=job-status]'), 'Open');

    // The provider takes it and delivers through the API while the page stays open: the page
    // follows the chain by itself, block by block.
    const statusIs = (status) => page.waitForFunction((s) => document.querySelector('[data-testid=job-status]')?.innerText === s, status, { timeout: 30_000 });
    await sendAndWait(api.tx.computeMarket.claimJob(job), provider);
    await statusIs('Assigned');
    await sendAndWait(api.tx.computeMarket.submitResult(job, `0x${'0f'.repeat(32)}`, 'http://127.0.0.1/output.json', '0x'), provider);
    await statusIs('Submitted');
    // Its requester accepts the result from the page: the job settles.
    await page.selectOption('[data-testid=account]', { label: 'Dave' });
    await page.click('[data-testid=accept-result]');
    await statusIs('Settled');
    await page.waitForFunction(() => document.querySelector('[data-testid=timeline]')?.innerText.includes('JobSettled'), null, { timeout: 30_000 });
    await page.screenshot({ path: join(OUTPUT, 'job-settled.png'), fullPage: true });
    const timeline = await textOf('[data-testid=timeline]');
    const order = ['JobPosted', 'JobClaimed', 'ResultSubmitted', 'JobSettled'].map((name) => timeline.indexOf(name));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), `timeline in order: ${timeline}`);
    // Where the input and the provider's result are: kept beside the job until its receipt goes.
    const facts = await textOf('main dl.facts');
    assert.match(facts, /Input\s+0x2b2b[0-9a-f]+ http:\/\/127\.0\.0\.1\/input\.json/);
    assert.match(facts, /Results at\s+5\w+…\w+: http:\/\/127\.0\.0\.1\/output\.json/);
    // Every amount as the chain's receipt says (the protocol fee is the rate governance set).
    const paid = (await api.query.computeMarket.receipts(job)).unwrap();
    assert.equal(paid.providers[0][1].toBigInt(), 5n * UNIT);
    const receipt = await textOf('[data-testid=receipt]');
    assert.match(receipt, new RegExp(`the provider's price\\s+${literally(shown(5n * UNIT))}`));
    assert.match(receipt, new RegExp(`protocol fee\\s+${literally(shown(paid.protocolFee.toBigInt()))}`));
    assert.match(receipt, new RegExp(`usage fees\\s+${literally(shown(paid.usageFees.toBigInt()))}`));
    assert.match(receipt, new RegExp(`refund of the unspent budget\\s+${literally(shown(paid.refunded.toBigInt()))}`));
    assert.match(receipt, /total\s+20 DEAI/);
  });

  it('posts a job from the UI with the runtime\'s quote, and names a chain error', async () => {
    await visit('actions', '[data-testid=post-job]', 'actions');
    await page.selectOption('[data-testid=account]', { label: 'Dave' });
    // The tuned model (a usage fee of 1 DEAI): its quote differs from every other model's here.
    await page.fill('[data-testid=job-model]', String(ids.tuned));
    await page.fill('[data-testid=job-version]', '0');
    await page.fill('[data-testid=job-price]', '5');
    // The quote comes from ComputeMarketApi::quote before anything is signed.
    const quote = (await api.call.computeMarketApi.quote({ model: ids.tuned, version: 0 }, [], 5n * UNIT, 1)).unwrap();
    const total = `= ${shown(quote.total.toBigInt())}`;
    await page.waitForFunction((t) => document.querySelector('[data-testid=job-quote]')?.innerText.endsWith(t), total);

    // A budget below the cost: the chain refuses it, and the page says why, by name.
    await page.fill('[data-testid=job-budget]', '1');
    await page.click('[data-testid=post-job-submit]');
    const error = page.locator('[data-testid=post-job] [data-testid=error]');
    await error.waitFor({ timeout: 30_000 });
    assert.match(await error.innerText(), /^computeMarket\.BudgetTooLow/);

    const before = (await api.query.computeMarket.nextJobId()).toNumber();
    try {
      await page.fill('[data-testid=job-budget]', '20');
      await page.click('[data-testid=post-job-submit]');
      await page.waitForSelector('[data-testid=posted-job]', { timeout: 30_000 });
      await page.screenshot({ path: join(OUTPUT, 'actions-posted.png'), fullPage: true });
      assert.match(await textOf('[data-testid=post-job-submit-status]'), new RegExp(`Posted job #${before}\\.`));
      const job = (await api.query.computeMarket.jobs(before)).unwrap();
      assert.equal(job.requester.toString(), ctx.dave.address);
      assert.equal(job.spec.budget.toBigInt(), 20n * UNIT);
      assert.deepEqual(job.spec.model.toJSON(), { model: ids.tuned, version: 0 });

      // Registering a model from the same page: the chain holds what the form said.
      await page.fill('[data-testid=model-name-input]', 'ui-model');
      await page.click('[data-testid=register-model-submit]');
      await page.waitForFunction(() => /Registered model \d+\./.test(document.querySelector('[data-testid=register-model-submit-status]')?.innerText ?? ''));
      const registered = Number(/Registered model (\d+)\./.exec(await textOf('[data-testid=register-model-submit-status]'))[1]);
      const model = (await api.query.modelRegistry.models(registered)).unwrap();
      assert.equal((await api.query.modelRegistry.modelDescriptions(registered)).unwrap().name.toUtf8(), 'ui-model');
      assert.equal(model.owner.toString(), ctx.dave.address);
      assert.equal(model.usageFee.toBigInt(), UNIT);

      await page.click('[data-testid=posted-job]');
      await page.waitForFunction(() => document.querySelector('[data-testid=job-status]')?.innerText === 'Open');
    } finally {
      // Left open, later areas' workers would take it: its requester cancels it, whatever failed.
      if ((await api.query.computeMarket.jobs(before)).isSome) {
        await sendAndWait(api.tx.computeMarket.cancelJob(before), ctx.dave);
      }
    }
  });

  it('shows providers, and rewards with what an account can claim', async () => {
    await visit('providers', '[data-testid=provider-list]', 'providers');
    const short = `${provider.address.slice(0, 6)}…${provider.address.slice(-6)}`;
    const row = (await textOf('[data-testid=provider-list]')).split('\n').find((line) => line.startsWith(short));
    assert.match(row ?? '', /Server\s+cpu\s+16,384 MiB\s+8\s+276\s+Inference, FineTune, Training, Evaluation\s+100 DEAI\s+none\s+Active\s+2 done, 0 failed/);
    await visit(`provider/${provider.address}`, '[data-testid=provider-jobs] li', 'provider');
    assert.match(await textOf('[data-testid=provider-jobs]'), new RegExp(`Job #${ids.settledJob}: JobPosted → JobClaimed → JobAssigned → ResultSubmitted → JobSettled`));
    await page.selectOption('[data-testid=account]', { label: 'Eve' });
    await visit('rewards', '[data-testid=claimable-royalties]', 'rewards');
    const [epoch] = await api.call.contributorRewardsApi.currentEpoch();
    assert.match(await textOf('main dl.facts'), new RegExp(`Current epoch\\s+${epoch} \\(blocks`));
    const versionRow = `model-${ids.base}-v1`;
    // Eve's share of the two jobs' usage fees in the base model's v1 pot, as the registry says.
    const due = (await royaltiesOwed(api, ids.base, 1))[ctx.eve.address];
    assert.ok(due > 0n);
    assert.equal(await textOf(`[data-testid=owed-${versionRow}]`), shown(due));
    // Eve claims them from the page: the pot owes her nothing more, and the page says so.
    await page.click(`[data-testid=claim-royalty-${versionRow}]`);
    await page.waitForFunction((id) => document.querySelector(`[data-testid=owed-${id}]`)?.innerText === '0 DEAI', versionRow, { timeout: 30_000 });
    const owed = await api.call.modelRegistryApi.royalties({ Model: { model: ids.base, version: 1 } });
    const eve = owed.find(([payee]) => payee.isAccount && payee.asAccount.toString() === ctx.eve.address);
    assert.equal(eve[1].toBigInt(), 0n);
    await page.screenshot({ path: join(OUTPUT, 'rewards-claimed.png'), fullPage: true });

    await visit('overview', '[data-testid=best-block]', 'overview');
    const best = Number((await textOf('[data-testid=best-block]')).slice(1));
    assert.ok(best >= (await api.rpc.chain.getHeader()).number.toNumber() - 2, 'the overview follows the best block');
    assert.match(await textOf('[data-testid=recent-events]'), /RoyaltiesClaimed/);
  });
});
}
