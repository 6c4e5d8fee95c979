// Contributor rewards from polkadot.js: after a job settled (market tests), the epoch is ended
// early (governance shortens EpochLength through sudo on the dev chain), then the provider is
// paid its reward and the model version's reward goes into its royalty pot, where its
// contributors are owed their shares, exactly as computed here from the epoch's frozen pot,
// weights and totals.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sendAndWait, waitForBlock } from './lib/node.mjs';
import { free, royaltiesAccrued, royaltiesOwed } from './lib/chain.mjs';

const PERBILL = 1_000_000_000n;
const CATEGORIES = ['compute', 'model', 'dataset', 'evaluation'];

export function rewardsTests(ctx) {
describe('contributor rewards', () => {
  let api;
  let alice;
  let charlie;
  let eve;
  let ferdie;

  before(() => ({ api, alice, charlie, eve, ferdie } = ctx));

  /**
   * The reward the pallet's rule gives: per category min(pot·w·mine/total, cap·pot·w,
   * maxRewardPerPoint·mine) — a point is a unit of fee paid to the protocol and pays less.
   */
  function expectedReward(epochInfo, points, maxShare, minPoints, perPoint) {
    const pot = epochInfo.pot.toBigInt();
    let sum = 0n;
    for (const c of CATEGORIES) {
      const mine = points.points[c].toBigInt();
      const total = epochInfo.totals[c].toBigInt();
      if (mine === 0n || mine < minPoints || total === 0n) continue;
      const categoryPot = pot * epochInfo.weights[c].toBigInt() / PERBILL;
      const share = categoryPot * mine / total;
      const cap = categoryPot * maxShare / PERBILL;
      const mostForPoints = mine * perPoint / PERBILL;
      let reward = share < cap ? share : cap;
      if (mostForPoints < reward) reward = mostForPoints;
      sum += reward;
    }
    return sum;
  }

  it('pays the provider, and the model version into its royalty pot, exactly their share of the epoch', async () => {
    const modelId = ctx.marketModelId;
    const provider = { Account: charlie.address };
    const version = { Version: { Model: { model: modelId, version: 0 } } };
    const [epoch] = await api.call.contributorRewardsApi.currentEpoch();
    const epochIndex = epoch.toNumber();
    const charliePoints = await api.query.contributorRewards.points(epochIndex, provider);
    assert.ok(charliePoints.points.compute.toBigInt() > 0n, 'the provider earned compute points');
    const versionPoints = await api.query.contributorRewards.points(epochIndex, version);
    assert.ok(versionPoints.points.model.toBigInt() > 0n, 'the model version earned model points');
    // Its contributors earn through the version, not one by one.
    const evePoints = await api.query.contributorRewards.points(epochIndex, { Account: eve.address });
    assert.equal(evePoints.points.model.toBigInt(), 0n);

    // End the epoch now: governance (sudo on the dev chain) sets a 2-block epoch length.
    await sendAndWait(api.tx.sudo.sudo(
      api.tx.parameters.setParameter({ Rewards: { EpochLength: [null, 2] } }),
    ), alice);
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitForBlock(api, head + 2, 60_000);
    const [now] = await api.call.contributorRewardsApi.currentEpoch();
    assert.ok(now.toNumber() > epochIndex, 'the epoch rolled over');

    const info = (await api.query.contributorRewards.epochs(epochIndex)).unwrap();
    assert.ok(info.status.isClaimable, 'the epoch is claimable');
    assert.ok(info.pot.toBigInt() > 0n, 'the epoch has a pot');
    const maxShare = BigInt(api.consts.contributorRewards.maxShare.toString());
    const minPoints = api.consts.contributorRewards.minPoints.toBigInt();
    const perPoint = BigInt(api.consts.contributorRewards.maxRewardPerPoint.toString());

    const expected = {};
    for (const [name, earner] of [['provider', provider], ['version', version]]) {
      const points = await api.query.contributorRewards.points(epochIndex, earner);
      expected[name] = expectedReward(info, points, maxShare, minPoints, perPoint);
      const pointsTotal = CATEGORIES.reduce((sum, c) => sum + points.points[c].toBigInt(), 0n);
      assert.ok(expected[name] < pointsTotal, 'a point pays less than the fee it stands for');
      assert.ok(expected[name] > 0n, `the ${name} has a reward`);
      const claimable = await api.call.contributorRewardsApi.claimable(earner);
      const fromApi = claimable.find(([e]) => e.toNumber() === epochIndex);
      assert.equal(fromApi[1].toBigInt(), expected[name], 'the runtime API agrees');
    }

    // Alice triggers the provider's claim; the provider is paid.
    const before = await free(api, charlie.address);
    const { blockHash, events } = await sendAndWait(api.tx.contributorRewards.claim(epochIndex, provider), alice);
    const claimed = events.find(({ event }) => api.events.contributorRewards.Claimed.is(event)).event.data;
    assert.equal(claimed.amount.toBigInt(), expected.provider);
    assert.equal(await free(await api.at(blockHash), charlie.address) - before, expected.provider);

    // Alice triggers the version's claim: the reward goes into its royalty pot, and each
    // contributor is owed exactly its share of the pot (60% / 40%, rounded down).
    const accruedBefore = await royaltiesAccrued(api, modelId, 0);
    const owedBefore = await royaltiesOwed(api, modelId, 0);
    const { events: versionEvents } = await sendAndWait(api.tx.contributorRewards.claim(epochIndex, version), alice);
    const versionClaim = versionEvents.find(({ event }) => api.events.contributorRewards.Claimed.is(event)).event.data;
    assert.equal(versionClaim.amount.toBigInt(), expected.version);
    const accrued = await royaltiesAccrued(api, modelId, 0);
    assert.equal(accrued - accruedBefore, expected.version);
    const owed = await royaltiesOwed(api, modelId, 0);
    const claimedBefore = {
      [eve.address]: accruedBefore * 6n / 10n - owedBefore[eve.address],
      [ferdie.address]: accruedBefore * 4n / 10n - owedBefore[ferdie.address],
    };
    assert.equal(owed[eve.address], accrued * 6n / 10n - claimedBefore[eve.address]);
    assert.equal(owed[ferdie.address], accrued * 4n / 10n - claimedBefore[ferdie.address]);
    for (const who of [eve, ferdie]) {
      const was = await free(api, who.address);
      await sendAndWait(api.tx.modelRegistry.claimRoyalties(
        { Model: { model: modelId, version: 0 } }, { Account: who.address },
      ), charlie);
      assert.equal(await free(api, who.address) - was, owed[who.address], 'the contributor is paid its share');
    }
    for (const earner of [provider, version]) {
      await assert.rejects(
        sendAndWait(api.tx.contributorRewards.claim(epochIndex, earner), alice),
        /contributorRewards\.AlreadyClaimed/,
      );
    }
  });
});
}
