// A transfer and a DeAI call through a collator, both finalized by the relay chain; checks the
// exact balance change and the new provider record. Returns 1 on success.
const { UNIT, connect, dev, finalized } = require('./common.js');

async function run(nodeName, networkInfo) {
  const api = await connect(networkInfo, nodeName);
  try {
    const [alice, charlie, dave] = [dev('Alice'), dev('Charlie'), dev('Dave')];
    const before = (await api.query.system.account(dave.address)).data.free.toBigInt();
    await finalized(api, api.tx.balances.transferKeepAlive(dave.address, 7n * UNIT), alice);
    const after = (await api.query.system.account(dave.address)).data.free.toBigInt();
    if (after - before !== 7n * UNIT) throw new Error(`Dave received ${after - before}, not ${7n * UNIT}`);

    const capabilities = {
      device: 'Server', accelerator: 'cpu', vramMib: 0, ramMib: 16_384, cpuCores: 8, region: 276,
      jobKinds: 0b1111, maxConcurrentJobs: 4,
    };
    await finalized(api, api.tx.computeMarket.registerProvider(capabilities, 'http://127.0.0.1:8080', 100n * UNIT), charlie);
    const provider = await api.query.computeMarket.providers(charlie.address);
    if (provider.isNone) throw new Error('Charlie is not a provider after registering');
    return 1;
  } finally {
    await api.disconnect();
  }
}

module.exports = { run };
