// Notes the time and both collators' best blocks just before Bob is killed. Returns Alice's.
const { connect, best, saveState } = require('./common.js');

async function run(nodeName, networkInfo) {
  const alice = await connect(networkInfo, nodeName);
  const bob = await connect(networkInfo, 'bob');
  try {
    const height = await best(alice);
    const bobHeight = await best(bob);
    const bobHash = (await bob.rpc.chain.getBlockHash(bobHeight)).toHex();
    saveState({ killedAt: Date.now(), height, bobHeight, bobHash });
    return height;
  } finally {
    await alice.disconnect();
    await bob.disconnect();
  }
}

module.exports = { run };
