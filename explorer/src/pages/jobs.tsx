// Jobs: open, running and finished, live as blocks arrive; a job's timeline from its events and,
// once finished, its receipt with every amount paid.
import { useState } from 'preact/hooks';
import { useLive, type Codec } from '../chain';
import { balance, eventFields, hash, text, variant, versionRef, who } from '../format';
import { ErrorBox, Facts, Link, Loading, Table, TxButton, useApp } from '../ui';

/** A live job's state, or a finished one's outcome: "Open", "Assigned", "Settled", "Failed: NoProviders". */
export const outcomeText = (outcome: Codec) => (outcome.isCompleted ? 'Settled' : `Failed: ${variant(outcome.asFailed.reason)}`);

export function JobsPage() {
  const { chain } = useApp();
  const api = chain.api;
  const [filter, setFilter] = useState('all');
  const { data, error } = useLive(chain, async () => {
    const [live, finished] = await Promise.all([api.query.computeMarket.jobs.entries(), api.query.computeMarket.receipts.entries()]);
    return {
      live: (live as [Codec, Codec][]).map(([k, v]) => ({ id: k.args[0].toNumber(), job: v.unwrap() })).sort((a, b) => b.id - a.id),
      finished: (finished as [Codec, Codec][]).map(([k, v]) => ({ id: k.args[0].toNumber(), receipt: v.unwrap() })).sort((a, b) => b.id - a.id),
    };
  });
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="jobs" />;
  const live = data.live.filter(({ job }) => filter === 'all' || filter === 'live' || (filter === 'open' ? job.status.isOpen : !job.status.isOpen));
  const showFinished = filter === 'all' || filter === 'finished';
  return (
    <section>
      <h1>Jobs</h1>
      <p class="muted">Updated at every block (#{chain.best}).</p>
      <label>Show <select value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value)} data-testid="job-filter">
        <option value="all">all</option><option value="open">open</option><option value="live">open and running</option>
        <option value="running">running</option><option value="finished">finished</option>
      </select></label>
      {filter !== 'finished' && <>
        <h2>Open and running ({live.length})</h2>
        <Table testid="live-jobs" head={['Job', 'Status', 'Kind', 'Model', 'Requester', 'Budget', 'Matching', 'Providers', 'Next deadline']}
          empty="No open or running job."
          rows={live.map(({ id, job }) => [
            <Link to={`/job/${id}`} testid={`job-${id}`}>#{id}</Link>, <span data-testid={`job-${id}-status`}>{variant(job.status)}</span>,
            variant(job.spec.kind), job.spec.model.isSome ? versionRef(job.spec.model.unwrap()) : '—', who(job.requester),
            balance(api, job.spec.budget), variant(job.spec.matching), job.assignments.map((a: Codec) => who(a.provider)).join(', ') || '—',
            job.deadline.isSome ? `${variant(job.deadline.unwrap()[1])} at #${job.deadline.unwrap()[0]}` : '—'])} />
      </>}
      {showFinished && <>
        <h2>Finished ({data.finished.length})</h2>
        <Table testid="finished-jobs" head={['Job', 'Outcome', 'Kind', 'Model', 'Requester', 'Paid to providers', 'Usage fees', 'Refunded', 'Finished']}
          empty="No finished job (receipts are kept until removed)."
          rows={data.finished.map(({ id, receipt }) => [
            <Link to={`/job/${id}`} testid={`job-${id}`}>#{id}</Link>, <span data-testid={`job-${id}-status`}>{outcomeText(receipt.outcome)}</span>,
            variant(receipt.kind), receipt.model.isSome ? versionRef(receipt.model.unwrap()) : '—', who(receipt.requester),
            balance(api, receipt.providers.reduce((sum: bigint, [, paid]: Codec) => sum + paid.toBigInt(), 0n)),
            balance(api, receipt.usageFees), balance(api, receipt.refunded), `#${receipt.finishedAt}`])} />
      </>}
    </section>
  );
}

export function JobPage({ id }: { id: number }) {
  const { chain, account } = useApp();
  const api = chain.api;
  const { data, error } = useLive(chain, async () => {
    const [live, receipt, input]: Codec[] = await Promise.all([
      api.call.computeMarketApi.job(id), api.query.computeMarket.receipts(id), api.query.computeMarket.jobInputUris(id),
    ]);
    // The locations are kept beside the job's record (which no market call needs them in),
    // until the receipt is removed.
    const results = new Map<string, string>();
    for (const [key, uri] of (await api.query.computeMarket.resultUris.entries(id)) as [Codec, Codec][]) {
      results.set(key.args[1].toString(), text(uri.unwrap()));
    }
    return {
      live: live.isSome ? live.unwrap() : undefined, receipt: receipt.isSome ? receipt.unwrap() : undefined,
      input: input.isSome ? text(input.unwrap()) : undefined, results,
    };
  }, [id]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what={`job ${id}`} />;
  const timeline = chain.jobEvents.get(id) ?? [];
  const { live, receipt, input, results } = data;
  let body;
  if (live) {
    const [job, bids] = live as [Codec, [Codec, Codec][]];
    const spec = job.spec;
    body = (
      <>
        <Facts items={[
          ['Status', <b data-testid="job-status">{variant(job.status)}</b>],
          ['Requester', who(job.requester)],
          ['Kind', variant(spec.kind)],
          ['Model', spec.model.isSome ? <Link to={`/model/${spec.model.unwrap().model}/${spec.model.unwrap().version}`}>{versionRef(spec.model.unwrap())}</Link> : '—'],
          ['Datasets', spec.datasets.map((d: Codec) => `${d.dataset}/v${d.version}`).join(', ') || '—'],
          ['Input', <><code>{hash(spec.inputHash)}</code> {input ?? ''}</>],
          ['Budget (escrowed)', balance(api, spec.budget)],
          ['Price cap per provider', balance(api, job.priceCap)],
          ['Matching', `${variant(spec.matching)} · ${spec.matchingBlocks} blocks to match, ${spec.executionBlocks} to deliver`],
          ['Verification', spec.verification.isProof && spec.model.isSome
            ? <>proof, checked against <Link to={`/model/${spec.model.unwrap().model}/${spec.model.unwrap().version}`}>the model version's ZK profile</Link></>
            : variant(spec.verification)],
          ['Fees fixed at posting', `protocol ${job.protocolFee.toHuman()}, model ${balance(api, job.modelFee.fee)}`],
          ['Next deadline', job.deadline.isSome ? `${variant(job.deadline.unwrap()[1])} at #${job.deadline.unwrap()[0]}` : '—'],
          ['Posted at', `#${job.postedAt}`],
        ]} />
        <h2>Providers</h2>
        <Table head={['Provider', 'Price', 'Committed', 'Result']} empty="None assigned yet."
          rows={job.assignments.map((a: Codec) => [<Link to={`/provider/${a.provider}`}>{who(a.provider)}</Link>, balance(api, a.price),
            a.commitment.isSome ? 'yes' : '—', a.result.isSome ? <><code>{hash(a.result.unwrap())}</code> {results.get(a.provider.toString()) ?? ''}</> : '—'])} />
        <h2>Bids</h2>
        <Table head={['Provider', 'Price']} empty="No bids." rows={bids.map(([p, price]) => [who(p), balance(api, price)])} />
        {job.status.isSubmitted && account?.address === job.requester.toString() && (
          <p><TxButton label="Accept the result" testid="accept-result" build={() => api.tx.computeMarket.acceptResult(id)}
            done={() => 'Accepted: the job settles.'} /></p>
        )}
      </>
    );
  } else if (receipt) {
    const paid = receipt.providers.reduce((sum: bigint, [, amount]: Codec) => sum + amount.toBigInt(), 0n);
    body = (
      <>
        <Facts items={[
          ['Outcome', <b data-testid="job-status">{outcomeText(receipt.outcome)}</b>],
          ['Result', receipt.outcome.isCompleted ? <code>{receipt.outcome.asCompleted.resultHash.toString()}</code> : '—'],
          ['Requester', who(receipt.requester)],
          ['Kind', variant(receipt.kind)],
          ['Model', receipt.model.isSome ? <Link to={`/model/${receipt.model.unwrap().model}/${receipt.model.unwrap().version}`}>{versionRef(receipt.model.unwrap())}</Link> : '—'],
          ['Input', <><code>{receipt.inputHash.toString()}</code> {input ?? ''}</>],
          // The paid providers' (an outvoted provider's location stays until the receipt goes, too).
          ['Results at', receipt.providers.map(([p]: Codec) => p.toString()).filter((p: string) => results.has(p))
            .map((p: string) => `${who(p)}: ${results.get(p)}`).join(', ') || '—'],
          ['Verification', variant(receipt.verification)],
          ['Finished at', `#${receipt.finishedAt}`],
        ]} />
        <h2>Receipt: every amount paid</h2>
        <Table testid="receipt" head={['To', 'For', 'Amount']} rows={[
          ...receipt.providers.map(([p, amount]: Codec) => [<Link to={`/provider/${p}`}>{who(p)}</Link>, 'the provider\'s price', balance(api, amount)]),
          ['treasury and contributor rewards', 'protocol fee', balance(api, receipt.protocolFee)],
          ['the model\'s and datasets\' royalty pots (and the protocol\'s cut)', 'usage fees', balance(api, receipt.usageFees)],
          [who(receipt.requester), 'refund of the unspent budget', balance(api, receipt.refunded)],
          ['', <b>total</b>, <b>{balance(api, paid + receipt.protocolFee.toBigInt() + receipt.usageFees.toBigInt() + receipt.refunded.toBigInt())}</b>],
        ]} />
        <p class="muted">The receipt's storage deposit ({balance(api, receipt.deposit)}) stays held until the receipt is removed.</p>
      </>
    );
  } else {
    body = <p data-testid="job-status">No job {id} on chain (never posted, or its receipt was removed).</p>;
  }
  return (
    <section>
      <h1>Job #{id}</h1>
      {body}
      <h2>Timeline</h2>
      <Table testid="timeline" head={['Block', 'Event', 'Details']}
        empty={`No events of this job in the blocks indexed (#${chain.indexedFrom}–#${chain.indexedTo}).`}
        rows={timeline.map((e) => [`#${e.block}`, <span title={e.docs}>{e.name}</span>, <code class="fields">{eventFields(e.fields, 'job')}</code>])} />
    </section>
  );
}
