// After Bob's restart: counts the blocks Alice produced while Bob was down (their timestamps fall
// in the 30 s Bob was dead). Returns that count; zero fails the test.
const { connect, best, loadState } = require('./common.js');

async function run(nodeName, networkInfo) {
  const { killedAt, height } = loadState();
  const api = await connect(networkInfo, nodeName);
  try {
    const downFrom = killedAt + 2_000;
    const downUntil = killedAt + 30_000;
    let produced = 0;
    for (let n = height + 1, top = await best(api); n <= top; n += 1) {
      const at = await api.at(await api.rpc.chain.getBlockHash(n));
      const time = (await at.query.timestamp.now()).toNumber();
      if (time >= downFrom && time <= downUntil) produced += 1;
    }
    console.log(`blocks produced while bob was down: ${produced}`);
    return produced;
  } finally {
    await api.disconnect();
  }
}

module.exports = { run };
