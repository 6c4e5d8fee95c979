// Models and datasets: search and list; a model's versions, licence, fee, contributors and their
// shares, evaluations, royalties owed, and its lineage as a graph.
import { useState } from 'preact/hooks';
import { useLive, type Codec } from '../chain';
import { balance, hash, percent, text, variant, who } from '../format';
import { Lineage } from '../lineage';
import { ErrorBox, Facts, Link, Loading, Table, useApp } from '../ui';

/** A FixedI64 (an evaluation's score): its inner value over 10⁹. */
const fixed = (value: Codec) => (Number(BigInt(value.toString())) / 1e9).toLocaleString('en', { maximumFractionDigits: 6 });

const licenceText = (licence: Codec) => [
  text(licence.spdx),
  licence.commercialUse.isTrue ? 'commercial use' : 'non-commercial',
  licence.derivatives.isTrue ? 'derivatives allowed' : 'no derivatives',
  licence.attribution.isTrue ? 'attribution' : '',
].filter(Boolean).join(' · ');

export function ModelsPage() {
  const { chain } = useApp();
  const api = chain.api;
  const [query, setQuery] = useState('');
  const { data, error } = useLive(chain, async () => {
    // Names, descriptions and tags are kept apart from the records jobs read.
    const [models, datasets, modelAbout, datasetAbout] = await Promise.all([
      api.query.modelRegistry.models.entries(), api.query.modelRegistry.datasets.entries(),
      api.query.modelRegistry.modelDescriptions.entries(), api.query.modelRegistry.datasetDescriptions.entries(),
    ]);
    const byId = (a: [Codec, Codec], b: [Codec, Codec]) => a[0].args[0].toNumber() - b[0].args[0].toNumber();
    const about = (entries: [Codec, Codec][]) => new Map(entries.map(([key, value]) => [key.args[0].toString(), value.unwrap()]));
    return {
      models: (models as [Codec, Codec][]).sort(byId), datasets: (datasets as [Codec, Codec][]).sort(byId),
      modelAbout: about(modelAbout as [Codec, Codec][]), datasetAbout: about(datasetAbout as [Codec, Codec][]),
    };
  });
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="the registry" />;
  const q = query.trim().toLowerCase();
  const matches = (about?: Codec) => !q || (about !== undefined && [text(about.name), text(about.description), ...(about.tags ?? []).map(text)]
    .some((s) => s.toLowerCase().includes(q)));
  const aboutModel = (key: Codec) => data.modelAbout.get(key.args[0].toString());
  const aboutDataset = (key: Codec) => data.datasetAbout.get(key.args[0].toString());
  const models = data.models.filter(([key]) => matches(aboutModel(key)));
  const datasets = data.datasets.filter(([key]) => matches(aboutDataset(key)));
  return (
    <section>
      <h1>Models and datasets</h1>
      <input type="search" placeholder="Search names, descriptions, tags" value={query}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)} data-testid="search" />
      <h2>Models ({models.length})</h2>
      <Table testid="model-list" head={['Id', 'Name', 'Tags', 'Owner', 'Licence', 'Usage fee', 'Versions', 'Status']}
        empty="No model matches."
        rows={models.map(([key, value]) => {
          const m = value.unwrap();
          const about = aboutModel(key);
          const id = key.args[0].toNumber();
          return [id, <Link to={`/model/${id}`} testid={`model-${id}`}>{about ? text(about.name) : `model ${id}`}</Link>,
            about ? about.tags.map(text).join(', ') : '',
            who(m.owner), licenceText(m.licence), balance(api, m.usageFee), m.liveVersions.toNumber(), variant(m.status)];
        })} />
      <h2>Datasets ({datasets.length})</h2>
      <Table testid="dataset-list" head={['Id', 'Name', 'Owner', 'Licence', 'Access', 'Versions', 'Status']}
        empty="No dataset matches."
        rows={datasets.map(([key, value]) => {
          const d = value.unwrap();
          const about = aboutDataset(key);
          const id = key.args[0].toNumber();
          const access = d.access.isOpen ? 'open' : `${variant(d.access)}, ${balance(api, d.access.value.fee)} per use`;
          return [id, <Link to={`/dataset/${id}`}>{about ? text(about.name) : `dataset ${id}`}</Link>, who(d.owner), licenceText(d.licence), access,
            d.liveVersions?.toNumber?.() ?? '', variant(d.status)];
        })} />
    </section>
  );
}

export function ModelPage({ id, version }: { id: number; version?: number }) {
  const { chain } = useApp();
  const api = chain.api;
  const { data, error } = useLive(chain, async () => {
    const [answer, described]: [Codec, Codec] = await Promise.all([
      api.call.modelRegistryApi.model(id), api.query.modelRegistry.modelDescriptions(id),
    ]);
    if (answer.isNone) return null;
    const [model, versions] = answer.unwrap();
    const about = described.unwrapOr(null);
    const list = versions as [Codec, Codec][];
    const shown = version ?? (list.length ? list[list.length - 1][0].toNumber() : undefined);
    if (shown === undefined) return { model, about, versions: list, shown };
    const ref = { model: id, version: shown };
    const [evaluations, royalties, profile] = await Promise.all([
      api.call.modelRegistryApi.evaluations(ref), api.call.modelRegistryApi.royalties({ Model: ref }),
      api.query.zkVerifier.profiles(ref) as Promise<Codec>,
    ]);
    // The ZK profile proofs of this version's results are checked against, and its key.
    const zk = profile.isSome ? profile.unwrap() : null;
    const key = zk ? ((await api.query.zkVerifier.keys(zk.key)) as Codec).unwrapOr(null) : null;
    // Each evaluation's benchmark, for its metric's name.
    const metrics = new Map<string, string>();
    for (const [, e] of evaluations as Codec) {
      const benchmark: Codec = await api.query.modelRegistry.benchmarks(e.benchmark);
      if (benchmark.isSome) metrics.set(e.benchmark.toString(), text(benchmark.unwrap().metric));
    }
    return { model, about, versions: list, shown, evaluations: evaluations as Codec, royalties: royalties as Codec, metrics, zk, key };
  }, [id, version]);
  if (error) return <ErrorBox error={error} />;
  if (data === undefined) return <Loading what={`model ${id}`} />;
  if (data === null) return <p>No model {id}.</p>;
  const { model, about, versions, shown } = data;
  return (
    <section>
      <h1 data-testid="model-name">{about ? text(about.name) : `Model ${id}`}</h1>
      <p>{about ? text(about.description) : ''}</p>
      <Facts items={[
        ['Owner', who(model.owner)],
        ['Maintainers', model.maintainers.map(who).join(', ') || '—'],
        ['Tags', (about ? about.tags.map(text).join(', ') : '') || '—'],
        ['Licence', licenceText(model.licence)],
        ['Usage fee', balance(api, model.usageFee)],
        ['Contributors', model.contributors.map(([a, s]: Codec) => `${who(a)} ${percent(s)}`).join(', ')],
        ['Status', variant(model.status)],
        ['Registered at', `#${model.registeredAt.toString()}`],
        ['Deposit', balance(api, model.deposit)],
      ]} />
      <h2>Versions</h2>
      <Table testid="version-list" head={['Index', 'Label', 'Content hash', 'Format', 'Size', 'Parents', 'Trained on', 'Upstream share', 'Uses', 'Status', 'Published']}
        rows={versions.map(([index, v]) => {
          const i = index.toNumber();
          return [<Link to={`/model/${id}/${i}`}>{i === shown ? <b>#{i}</b> : `#${i}`}</Link>, text(v.label), <code title={v.artifact.contentHash.toString()}>{hash(v.artifact.contentHash)}</code>,
            variant(v.format), `${v.artifact.sizeBytes.toNumber().toLocaleString('en')} B`,
            v.parents.map((p: Codec) => <Link to={`/model/${p.model}/${p.version}`}>{`${p.model}/v${p.version} `}</Link>),
            v.trainedOn.map((d: Codec) => <Link to={`/dataset/${d.dataset}`}>{`dataset ${d.dataset}/v${d.version} `}</Link>),
            percent(v.upstreamShare), v.uses.toNumber(), variant(v.status), `#${v.publishedAt.toString()}`];
        })} />
      {shown !== undefined && data.royalties && (
        <>
          <h2>Lineage of v{shown}</h2>
          <Lineage model={id} version={shown} />
          <h2>Royalties owed from v{shown}'s pot</h2>
          <Table testid="royalties" head={['Payee', 'Owed']} empty="Nothing owed."
            rows={data.royalties.map(([payee, amount]: Codec) => [
              payee.isAccount ? who(payee.asAccount) : payee.isOwner ? 'owner' : `parent ${payee.asParent.model}/v${payee.asParent.version}`,
              balance(api, amount)])} />
          <h2>Verifiable results of v{shown}</h2>
          {data.zk ? (
            <Facts items={[
              ['ZK profile', <span data-testid="zk-profile"><code title={data.zk.key.toHex()}>{hash(data.zk.key)}</code>
                {data.key ? ` (Groth16, BLS12-381, ${data.key.publicValues} public values, owned by ${who(data.key.owner)})` : ' (key removed)'}</span>],
              ['Values', `${data.zk.layout.inputs} inputs, ${data.zk.layout.outputs} outputs, fixed point with ${data.zk.layout.scaleBits} fractional bits`],
              ['Bound by', who(data.zk.owner)],
            ]} />
          ) : <p data-testid="zk-profile">No ZK profile: jobs on this version cannot ask for proof verification.</p>}
          <h2>Evaluations of v{shown}</h2>
          <Table testid="evaluations" head={['Id', 'Benchmark', 'Score', 'Evaluator', 'Status']} empty="No evaluations."
            rows={data.evaluations.map(([eid, e]: Codec) => [eid.toString(), `${e.benchmark} (${data.metrics?.get(e.benchmark.toString()) ?? '?'})`,
              fixed(e.score), who(e.evaluator), variant(e.status)])} />
        </>
      )}
    </section>
  );
}

export function DatasetPage({ id }: { id: number }) {
  const { chain } = useApp();
  const api = chain.api;
  const { data, error } = useLive(chain, async () => {
    const [info, described]: [Codec, Codec] = await Promise.all([
      api.query.modelRegistry.datasets(id), api.query.modelRegistry.datasetDescriptions(id),
    ]);
    if (info.isNone) return null;
    const versions = (await api.query.modelRegistry.datasetVersions.entries(id)) as [Codec, Codec][];
    versions.sort((a, b) => a[0].args[1].toNumber() - b[0].args[1].toNumber());
    return { dataset: info.unwrap(), about: described.unwrapOr(null), versions };
  }, [id]);
  if (error) return <ErrorBox error={error} />;
  if (data === undefined) return <Loading what={`dataset ${id}`} />;
  if (data === null) return <p>No dataset {id}.</p>;
  const d = data.dataset;
  return (
    <section>
      <h1>{data.about ? text(data.about.name) : `Dataset ${id}`}</h1>
      <p>{data.about ? text(data.about.description) : ''}</p>
      <Facts items={[
        ['Owner', who(d.owner)],
        ['Licence', licenceText(d.licence)],
        ['Access', d.access.isOpen ? 'open' : `${variant(d.access)}, ${balance(api, d.access.value.fee)} per use`],
        ['Contributors', d.contributors.map(([a, s]: Codec) => `${who(a)} ${percent(s)}`).join(', ')],
        ['Status', variant(d.status)],
      ]} />
      <h2>Versions</h2>
      <Table testid="dataset-versions" head={['Index', 'Label', 'Content hash', 'Size', 'URI', 'Status']}
        rows={data.versions.map(([key, v]) => {
          const x = v.unwrap();
          return [`#${key.args[1].toNumber()}`, text(x.label), <code>{hash(x.artifact.contentHash)}</code>,
            `${x.artifact.sizeBytes.toNumber().toLocaleString('en')} B`, text(x.artifact.uri), variant(x.status)];
        })} />
    </section>
  );
}
