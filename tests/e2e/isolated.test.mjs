// The end-to-end areas that start nodes of their own, in a process beside suite.test.mjs (the
// two files run concurrently: these mostly wait for their nodes' blocks).
import { before } from 'node:test';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { faultTests } from './faults.mjs';
import { upgradeTests } from './upgrade.mjs';

before(async () => {
  await cryptoWaitReady();
});

// A node of its own, killed and restarted.
faultTests();
// A node of its own, started on the previous release and upgraded by referendum.
upgradeTests();
