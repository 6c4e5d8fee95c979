// Providers: capabilities, bond, attestation, status and reputation; a provider's recent jobs.
import { useLive, type Codec } from '../chain';
import { balance, hash, text, variant, who } from '../format';
import { ErrorBox, Facts, Link, Loading, Table, useApp } from '../ui';

const KINDS = ['Inference', 'FineTune', 'Training', 'Evaluation'];
const kinds = (bits: Codec) => KINDS.filter((_, i) => (bits.toNumber() >> i) & 1).join(', ');
const attestation = (tee: Codec) => (tee.isSome
  ? `${variant(tee.unwrap().kind)} ${tee.unwrap().trusted.isTrue ? '(trusted)' : '(awaiting review)'}` : 'none');
/** How many jobs and open bids a provider may hold at once: its declared most, and no more than
 * its bond backs at `BondPerSlot` a slot (at least one). */
const slots = (api: Codec, p: Codec) => {
  const perSlot = BigInt(api.consts.computeMarket.bondPerSlot.toString());
  const backed = perSlot === 0n ? Infinity : Math.max(1, Number(BigInt(p.bond.toString()) / perSlot));
  return Math.min(p.capabilities.maxConcurrentJobs.toNumber(), backed);
};
const score = (r: Codec) => Math.max(0, r.completed.toNumber() - r.failed.toNumber() - 3 * r.disputesLost.toNumber());

export function ProvidersPage() {
  const { chain } = useApp();
  const api = chain.api;
  const { data, error } = useLive(chain, async () => (await api.query.computeMarket.providers.entries()) as [Codec, Codec][]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="providers" />;
  return (
    <section>
      <h1>Providers ({data.length})</h1>
      <Table testid="provider-list" head={['Provider', 'Device', 'Accelerator', 'RAM', 'Cores', 'Region', 'Job kinds', 'Bond', 'Attestation', 'Status', 'Reputation (score)']}
        empty="No provider has registered."
        rows={data.map(([key, value]) => {
          const address = key.args[0].toString();
          const p = value.unwrap();
          const c = p.capabilities;
          const r = p.reputation;
          return [<Link to={`/provider/${address}`}>{who(address)}</Link>, variant(c.device), text(c.accelerator) || '—',
            `${c.ramMib.toNumber().toLocaleString('en')} MiB`, c.cpuCores.toNumber(), c.region.toNumber(), kinds(c.jobKinds),
            balance(api, p.bond), attestation(p.tee), variant(p.status),
            `${r.completed} done, ${r.failed} failed, ${r.disputesLost} disputes lost (${score(r)})`];
        })} />
    </section>
  );
}

export function ProviderPage({ address }: { address: string }) {
  const { chain } = useApp();
  const api = chain.api;
  const { data, error } = useLive(chain, async () => {
    const [info, endpoint]: Codec[] = await Promise.all([
      api.query.computeMarket.providers(address), api.query.computeMarket.providerEndpoints(address),
    ]);
    return { info: info.isSome ? info.unwrap() : undefined, endpoint: endpoint.isSome ? text(endpoint.unwrap()) : '—' };
  }, [address]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="the provider" />;
  if (!data.info) return <p>{who(address)} is not a provider.</p>;
  const p = data.info;
  const c = p.capabilities;
  const r = p.reputation;
  const jobs = [...(chain.providerJobs.get(address) ?? [])].sort((a, b) => b - a);
  return (
    <section>
      <h1>Provider {who(address)}</h1>
      <Facts items={[
        ['Address', <code>{address}</code>],
        ['Endpoint', data.endpoint],
        ['Device', `${variant(c.device)}, ${text(c.accelerator) || 'no accelerator'}, ${c.vramMib} MiB VRAM, ${c.ramMib} MiB RAM, ${c.cpuCores} cores`],
        ['Region', c.region.toString()],
        ['Job kinds', kinds(c.jobKinds)],
        ['Jobs and bids at once', `${p.activeJobs} jobs and ${p.openBids} open bids, of ${slots(api, p)} slots (the declared ${c.maxConcurrentJobs}, and no more than the bond backs)`],
        ['Bond', balance(api, p.bond)],
        ['Attestation', p.tee.isSome ? <>{attestation(p.tee)} <code>{hash(p.tee.unwrap().reportHash)}</code></> : 'none'],
        ['Status', variant(p.status)],
        ['Reputation', `${r.completed} completed, ${r.failed} failed, ${r.disputesLost} disputes lost; score ${score(r)}; paid ${balance(api, r.totalPaid)} in all`],
      ]} />
      <h2>Recent jobs</h2>
      <p class="muted">From the events of blocks #{chain.indexedFrom}–#{chain.indexedTo}.</p>
      <ul data-testid="provider-jobs">{jobs.map((j) => <li><Link to={`/job/${j}`}>Job #{j}</Link>: {(chain.jobEvents.get(j) ?? []).map((e) => e.name).join(' → ')}</li>)}</ul>
    </section>
  );
}
