// After its restart, Bob kept its database (right away it has the block it had finalized when it
// was killed, with the same hash), catches up with Alice's chain, finalizes the blocks Alice made
// meanwhile with the same hashes as Alice, and sees the state written before the crash. Only
// finalized blocks are compared: best blocks may still be replaced by forks. Returns Bob's
// finalized block number.
const { dev, best, connect, finalizedHead, loadState, sleep } = require('./common.js');

async function run(nodeName, networkInfo) {
  try {
    return await check(nodeName, networkInfo);
  } catch (error) {
    // Zombienet prints rejections that are not Errors as "[object Object]": name the cause.
    throw error instanceof Error ? error : new Error(JSON.stringify(error));
  }
}

async function check(nodeName, networkInfo) {
  const { bobFinalized, bobFinalizedHash } = loadState();
  const bob = await connect(networkInfo, nodeName);
  const alice = await connect(networkInfo, 'alice');
  try {
    console.log(`bob restarted at #${await best(bob)} (it had finalized #${bobFinalized} when killed); alice at #${await best(alice)}`);
    const kept = (await bob.rpc.chain.getBlockHash(bobFinalized)).toHex();
    if (kept !== bobFinalizedHash) {
      throw new Error(`after the restart bob's #${bobFinalized} is ${kept}, before it was ${bobFinalizedHash}`);
    }
    // Every block Alice has now, once both have finalized it, is the same block on both.
    const target = await best(alice);
    while ((await finalizedHead(bob)).number < target || (await finalizedHead(alice)).number < target) await sleep(2_000);
    for (let n = bobFinalized; n <= target; n += 1) {
      const [a, b] = [await alice.rpc.chain.getBlockHash(n), await bob.rpc.chain.getBlockHash(n)];
      if (!a.eq(b)) throw new Error(`finalized block #${n} differs: alice ${a.toHex()}, bob ${b.toHex()}`);
    }
    const provider = await bob.query.computeMarket.providers(dev('Charlie').address);
    if (provider.isNone) throw new Error('bob lost the provider registered before the crash');
    const { number } = await finalizedHead(bob);
    console.log(`bob finalized #${number}, the same blocks as alice from #${bobFinalized} to #${target}`);
    return number;
  } finally {
    await bob.disconnect();
    await alice.disconnect();
  }
}

module.exports = { run };
