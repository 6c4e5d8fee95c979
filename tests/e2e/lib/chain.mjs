// Shared helpers of the e2e tests: amounts, a provider's capabilities, and exact balance changes.

/** One DEAI (12 decimals). */
export const UNIT = 10n ** 12n;

/** A CPU server that runs every job kind, as the tests' providers register. */
export const CAPABILITIES = {
  device: 'Server', accelerator: 'cpu', vramMib: 0, ramMib: 16_384, cpuCores: 8, region: 276,
  jobKinds: 0b1111, maxConcurrentJobs: 4,
};

/** `who`'s free balance at `at` (an api, or an api decorated at a block). */
export const free = async (at, who) => (await at.query.system.account(who)).data.free.toBigInt();

/** The transaction fees `who` paid in `events`. */
export const feePaid = (api, events, who) => events
  .filter(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event))
  .filter(({ event }) => event.data.who.toString() === who)
  .reduce((sum, { event }) => sum + event.data.actualFee.toBigInt(), 0n);

/** The free-balance change of each of `accounts` ({ name: address }) in block `blockHash`. */
export async function freeDeltas(api, blockHash, accounts) {
  const header = await api.rpc.chain.getHeader(blockHash);
  const [before, after] = [await api.at(header.parentHash), await api.at(blockHash)];
  const delta = {};
  for (const [name, who] of Object.entries(accounts)) delta[name] = (await free(after, who)) - (await free(before, who));
  return { delta, before, after };
}

/** What a model version's royalty pot received in all, at `at` (an api, or one at a block). */
export async function royaltiesAccrued(at, model, version) {
  const pot = await at.query.modelRegistry.royaltyPots({ Model: { model, version } });
  return pot.isSome ? pot.unwrap().accrued.toBigInt() : 0n;
}

/** What each payee of a model version's pot is owed now: { 'owner' | address | 'parent:M:V': bigint }. */
export async function royaltiesOwed(api, model, version) {
  const owed = {};
  for (const [payee, amount] of await api.call.modelRegistryApi.royalties({ Model: { model, version } })) {
    const key = payee.isOwner ? 'owner'
      : payee.isAccount ? payee.asAccount.toString()
        : `parent:${payee.asParent.model}:${payee.asParent.version}`;
    owed[key] = amount.toBigInt();
  }
  return owed;
}
