// Rewards and royalties: the current epoch, the category weights, every epoch's pot and claims,
// and what the chosen account can claim (contributor rewards per epoch, royalties per version).
import { useLive, type Codec } from '../chain';
import { balance, percent, variant, who } from '../format';
import { ErrorBox, Facts, Loading, Table, TxButton, useApp } from '../ui';

const CATEGORIES = ['compute', 'model', 'dataset', 'evaluation'];

/** "model 3/v1" or "dataset 0/v2" for a `VersionRef`. */
const versionName = (ref: Codec) => {
  const v = ref.isModel ? ref.asModel : ref.asDataset;
  return ref.isModel ? `model ${v.model}/v${v.version}` : `dataset ${v.dataset}/v${v.version}`;
};

export function RewardsPage() {
  const { chain, account } = useApp();
  const api = chain.api;
  const address = account?.address;
  const { data, error } = useLive(chain, async () => {
    const [current, weights, pot, epochs]: Codec[] = await Promise.all([
      api.call.contributorRewardsApi.currentEpoch(), api.call.contributorRewardsApi.categoryWeights(),
      api.call.contributorRewardsApi.pot(), api.query.contributorRewards.epochs.entries(),
    ]);
    let mine;
    if (address) {
      const [points, claimable, royalties]: Codec[] = await Promise.all([
        api.call.contributorRewardsApi.points({ Account: address }), api.call.contributorRewardsApi.claimable({ Account: address }),
        api.call.modelRegistryApi.royaltiesOf(address),
      ]);
      // Models and datasets earn points as a whole: a version's epoch reward is claimed into its
      // royalty pot (by anyone), where its split shares it. The versions this account is paid by:
      const versions: { ref: Codec; name: string; claimable: Codec }[] = [];
      for (const [ref] of royalties as Codec) {
        versions.push({ ref, name: versionName(ref), claimable: await api.call.contributorRewardsApi.claimable({ Version: ref }) });
      }
      mine = { points, claimable, royalties, versions };
    }
    return { current, weights, pot, epochs: (epochs as [Codec, Codec][]).sort((a, b) => b[0].args[0].toNumber() - a[0].args[0].toNumber()), mine };
  }, [address]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="rewards" />;
  const [index, start, end] = data.current;
  return (
    <section>
      <h1>Rewards and royalties</h1>
      <Facts items={[
        ['Current epoch', `${index} (blocks #${start}–#${end})`],
        ['Category weights', CATEGORIES.map((c) => `${c} ${percent(data.weights[c])}`).join(', ')],
        ['Rewards pot', `${balance(api, data.pot.balance)} (${balance(api, data.pot.committed)} committed to closed epochs; ${balance(api, data.pot.rewardPerEpoch)} per epoch)`],
      ]} />
      <h2>Epochs</h2>
      <Table testid="epochs" head={['Epoch', 'Start', 'Points (compute / model / dataset / evaluation)', 'Pot', 'Payable', 'Claimed', 'Status']}
        rows={data.epochs.map(([key, value]) => {
          const e = value.unwrap();
          return [key.args[0].toString(), `#${e.start}`, CATEGORIES.map((c) => e.totals[c].toString()).join(' / '),
            balance(api, e.pot), balance(api, e.payable), balance(api, e.claimed), variant(e.status)];
        })} />
      <h2>{account ? `What ${who(account.address)} can claim` : 'What you can claim'}</h2>
      {!data.mine ? <p class="muted">Choose an account (top right) to see its rewards and royalties.</p> : <>
        <p>Points this epoch: {CATEGORIES.map((c) => `${c} ${data.mine!.points[c]}`).join(', ')}.</p>
        <h3>Contributor rewards</h3>
        <Table testid="claimable-rewards" head={['Epoch', 'Amount', '']} empty="No closed epoch owes this account a reward."
          rows={data.mine.claimable.map(([epoch, amount]: Codec) => [epoch.toString(), balance(api, amount),
            <TxButton label="Claim" testid={`claim-epoch-${epoch}`} disabled={amount.isZero()} build={() => api.tx.contributorRewards.claim(epoch, { Account: address })}
              done={() => 'Claimed.'} />])} />
        <h3>Rewards of the versions it is paid by</h3>
        <p class="muted">A model or dataset version earns points as a whole; its reward for an epoch is claimed into its royalty pot (by anyone), and then shared by its split like its royalties.</p>
        <Table testid="claimable-version-rewards" head={['Version', 'Epoch', 'Amount', '']} empty="No closed epoch owes these versions a reward."
          rows={data.mine.versions.flatMap(({ ref, name, claimable }) => claimable.map(([epoch, amount]: Codec) => [name, epoch.toString(), balance(api, amount),
            <TxButton label="Claim into its pot" testid={`claim-version-${name.replace(/\W+/g, '-')}-${epoch}`} disabled={amount.isZero()}
              build={() => api.tx.contributorRewards.claim(epoch, { Version: ref })} done={() => 'Claimed into the pot.'} />]))} />
        <h3>Royalties</h3>
        <Table testid="claimable-royalties" head={['Version', 'Owed', '']} empty="No royalty pot owes this account anything."
          rows={data.mine.royalties.map(([ref, amount]: Codec) => {
            const name = versionName(ref);
            return [name, <span data-testid={`owed-${name.replace(/\W+/g, '-')}`}>{balance(api, amount)}</span>,
              <TxButton label="Claim" testid={`claim-royalty-${name.replace(/\W+/g, '-')}`} disabled={amount.isZero()}
              build={() => api.tx.modelRegistry.claimRoyalties(ref, { Account: address })} done={() => 'Claimed.'} />];
          })} />
      </>}
    </section>
  );
}
