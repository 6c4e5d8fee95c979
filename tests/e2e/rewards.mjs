// Contributor rewards from polkadot.js: after a job settled (market tests), the epoch is ended
// early (governance shortens EpochLength through sudo on the dev chain), then the provider and
// the model's contributors are paid their rewards, exactly as computed here from the epoch's
// frozen pot, weights and totals.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sendAndWait, waitForBlock } from './lib/node.mjs';

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

  it('pays the provider and the model contributors exactly their share of the epoch', async () => {
    const [epoch] = await api.call.contributorRewardsApi.currentEpoch();
    const epochIndex = epoch.toNumber();
    const charliePoints = await api.query.contributorRewards.points(epochIndex, charlie.address);
    assert.ok(charliePoints.points.compute.toBigInt() > 0n, 'the provider earned compute points');
    const evePoints = await api.query.contributorRewards.points(epochIndex, eve.address);
    assert.ok(evePoints.points.model.toBigInt() > 0n, 'the model contributor earned model points');

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

    for (const who of [charlie, eve, ferdie]) {
      const points = await api.query.contributorRewards.points(epochIndex, who.address);
      const expected = expectedReward(info, points, maxShare, minPoints, perPoint);
      const pointsTotal = CATEGORIES.reduce((sum, c) => sum + points.points[c].toBigInt(), 0n);
      assert.ok(expected < pointsTotal, 'a point pays less than the fee it stands for');
      assert.ok(expected > 0n, `${who.address} has a reward`);
      const claimable = await api.call.contributorRewardsApi.claimable(who.address);
      const fromApi = claimable.find(([e]) => e.toNumber() === epochIndex);
      assert.equal(fromApi[1].toBigInt(), expected, 'the runtime API agrees');

      const before = (await api.query.system.account(who.address)).data.free.toBigInt();
      // Alice triggers the claim; the contributor is paid.
      const { blockHash, events } = await sendAndWait(api.tx.contributorRewards.claim(epochIndex, who.address), alice);
      const claimed = events.find(({ event }) => api.events.contributorRewards.Claimed.is(event)).event.data;
      assert.equal(claimed.amount.toBigInt(), expected);
      const after = (await (await api.at(blockHash)).query.system.account(who.address)).data.free.toBigInt();
      assert.equal(after - before, expected);
    }
    await assert.rejects(
      sendAndWait(api.tx.contributorRewards.claim(epochIndex, charlie.address), alice),
      /contributorRewards\.AlreadyClaimed/,
    );
  });
});
}
