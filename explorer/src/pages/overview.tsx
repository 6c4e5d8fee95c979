// The chain at a glance: its name and runtime, what the registry and the market hold, and the
// DeAI events of the latest blocks.
import { useLive, type Codec } from '../chain';
import { eventFields } from '../format';
import { Facts, Loading, Table, useApp } from '../ui';

export function OverviewPage() {
  const { chain } = useApp();
  const api = chain.api;
  const { data } = useLive(chain, async () => {
    const [name, models, datasets, jobs, providers]: Codec[] = await Promise.all([
      api.rpc.system.chain(), api.query.modelRegistry.nextModelId(), api.query.modelRegistry.nextDatasetId(),
      api.query.computeMarket.nextJobId(), api.query.computeMarket.providers.keys(),
    ]);
    return { name: name.toString(), models, datasets, jobs, providers: providers.length };
  });
  if (!data) return <Loading what="the chain" />;
  const version = api.runtimeVersion;
  return (
    <section>
      <h1>{data.name}</h1>
      <Facts items={[
        ['Best block', <span data-testid="best-block">#{chain.best}</span>],
        ['Runtime', `${version.specName} ${version.specVersion}`],
        ['Node', chain.settings.rpc],
        ['Models registered', data.models.toString()],
        ['Datasets registered', data.datasets.toString()],
        ['Jobs posted', data.jobs.toString()],
        ['Providers', String(data.providers)],
        ['Events indexed', `blocks #${chain.indexedFrom}–#${chain.indexedTo}`],
      ]} />
      <h2>Latest DeAI events</h2>
      <Table testid="recent-events" head={['Block', 'Pallet', 'Event', 'Details']}
        rows={chain.recent.slice(0, 30).map((e) => [`#${e.block}`, e.pallet, <span title={e.docs}>{e.name}</span>,
          <code class="fields">{eventFields(e.fields)}</code>])} />
    </section>
  );
}
