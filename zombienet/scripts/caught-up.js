// After its restart, Bob kept its database (right away it has the best block it had when it was
// killed, with the same hash), catches up with Alice's chain block for block, sees the state
// written before the crash, and finalizes new blocks. Returns Bob's best block number.
const { dev, best, connect, loadState, sleep } = require('./common.js');

async function run(nodeName, networkInfo) {
  try {
    return await check(nodeName, networkInfo);
  } catch (error) {
    // Zombienet prints rejections that are not Errors as "[object Object]": name the cause.
    throw error instanceof Error ? error : new Error(JSON.stringify(error));
  }
}

async function check(nodeName, networkInfo) {
  const { height, bobHeight, bobHash } = loadState();
  const bob = await connect(networkInfo, nodeName);
  const alice = await connect(networkInfo, 'alice');
  try {
    console.log(`bob restarted at #${await best(bob)} (it had #${bobHeight} when killed); alice at #${await best(alice)}`);
    const kept = (await bob.rpc.chain.getBlockHash(bobHeight)).toHex();
    if (kept !== bobHash) throw new Error(`after the restart bob's #${bobHeight} is ${kept}, before it was ${bobHash}`);
    const target = await best(alice);
    while (await best(bob) < target) await sleep(2_000);
    for (let n = height; n <= target; n += 1) {
      const [a, b] = [await alice.rpc.chain.getBlockHash(n), await bob.rpc.chain.getBlockHash(n)];
      if (!a.eq(b)) throw new Error(`block #${n} differs: alice ${a.toHex()}, bob ${b.toHex()}`);
    }
    const provider = await bob.query.computeMarket.providers(dev('Charlie').address);
    if (provider.isNone) throw new Error('bob lost the provider registered before the crash');
    const finalizedAt = async () => (await bob.rpc.chain.getHeader(await bob.rpc.chain.getFinalizedHead())).number.toNumber();
    const start = await finalizedAt();
    while (await finalizedAt() <= start) await sleep(2_000);
    return await best(bob);
  } finally {
    await bob.disconnect();
    await alice.disconnect();
  }
}

module.exports = { run };
