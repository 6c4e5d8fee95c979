// The end-to-end suite: one real `deai-node --dev` for all areas, started and stopped here.
import { after, before } from 'node:test';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode } from './lib/node.mjs';
import { snapshotState } from './lib/snapshot.mjs';
import { cliTests } from './cli.mjs';
import { smokeTests } from './smoke.mjs';
import { registryTests } from './registry.mjs';
import { marketTests } from './market.mjs';
import { verificationTests } from './verification.mjs';
import { rewardsTests } from './rewards.mjs';
import { governanceTests } from './governance.mjs';
import { contractsTests } from './contracts.mjs';
import { workerTests } from './worker.mjs';
import { federatedTests } from './federated.mjs';
import { faultTests } from './faults.mjs';
import { upgradeTests } from './upgrade.mjs';
import { explorerTests } from './explorer.mjs';

const ctx = {};

before(async () => {
  await cryptoWaitReady();
  ctx.node = await startDevNode();
  ctx.api = ctx.node.api;
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  for (const name of ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']) {
    ctx[name.toLowerCase()] = keyring.addFromUri(`//${name}`);
  }
});

after(async () => {
  if (!ctx.node) return;
  // The chain every area left behind, for the runtime's checks against live state
  // (make test-live-state: try-runtime's upgrade checks, every pallet's try_state, the books).
  try {
    if (process.env.DEAI_STATE_SNAPSHOT) {
      const { block, items } = await snapshotState(`ws://127.0.0.1:${ctx.node.rpcPort}`, process.env.DEAI_STATE_SNAPSHOT);
      console.log(`state snapshot: ${items} storage items at block #${block} in ${process.env.DEAI_STATE_SNAPSHOT}`);
    }
  } finally {
    const { peakRssMiB } = await ctx.node.stop();
    console.log(`deai-node peak memory (VmHWM): ${peakRssMiB} MiB`);
  }
});

cliTests();
smokeTests(ctx);
registryTests(ctx);
marketTests(ctx);
verificationTests(ctx);
rewardsTests(ctx);
// Its votes lock balances for the rest of the run.
governanceTests(ctx);
contractsTests(ctx);
// The explorer in a browser; it cancels the job it posts from the UI before the workers start.
explorerTests(ctx);
// Its workers would take other suites' open jobs: it comes last.
workerTests(ctx);
// Its workers take inference jobs too: after the worker suite's.
federatedTests(ctx);
// A node of its own, killed and restarted.
faultTests();
// A node of its own, started on the previous release and upgraded by referendum.
upgradeTests();
