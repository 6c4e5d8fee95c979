// Notes the time, Alice's best block and Bob's finalized block just before Bob is killed
// (finalized, not best: a best block may still be replaced by a fork). Returns Alice's best.
const { connect, best, finalizedHead, saveState } = require('./common.js');

async function run(nodeName, networkInfo) {
  const alice = await connect(networkInfo, nodeName);
  const bob = await connect(networkInfo, 'bob');
  try {
    const height = await best(alice);
    const { number: bobFinalized, hash: bobFinalizedHash } = await finalizedHead(bob);
    saveState({ killedAt: Date.now(), height, bobFinalized, bobFinalizedHash });
    return height;
  } finally {
    await alice.disconnect();
    await bob.disconnect();
  }
}

module.exports = { run };
