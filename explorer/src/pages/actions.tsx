// Actions: register a model, post a job (the runtime's fee quote shown before signing), accept a
// result. Claiming rewards and royalties is on the rewards page. Each form signs with the account
// chosen at the top right and shows a chain error by name with its documentation.
import { useEffect, useState } from 'preact/hooks';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { Codec } from '../chain';
import { balance, parseBalance } from '../format';
import { ErrorBox, Facts, Link, TxButton, useApp } from '../ui';

const PERBILL = 1_000_000_000;

/** The id a call's event carries ("ModelRegistered" → its `model`), for "done" messages. */
const idFrom = (events: Codec[], method: string, field: string) => {
  const record = events.find(({ event }: Codec) => event.method === method);
  return record ? record.event.data[field].toString() : '?';
};

function RegisterModel() {
  const { chain, account } = useApp();
  const api = chain.api;
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [spdx, setSpdx] = useState('Apache-2.0');
  const [fee, setFee] = useState('1');
  return (
    <form class="card" onSubmit={(e) => e.preventDefault()} data-testid="register-model">
      <h2>Register a model</h2>
      <label>Name <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} data-testid="model-name-input" /></label>
      <label>Description <input value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} /></label>
      <label>Tags (comma-separated) <input value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} /></label>
      <label>Licence (SPDX) <input value={spdx} onInput={(e) => setSpdx((e.target as HTMLInputElement).value)} /></label>
      <label>Usage fee per job <input value={fee} onInput={(e) => setFee((e.target as HTMLInputElement).value)} /></label>
      <p class="muted">The signer is the only contributor (100%); the registry holds a storage deposit for the record.</p>
      <TxButton label="Register" testid="register-model-submit" disabled={!account}
        build={() => api.tx.modelRegistry.registerModel(name, description, tags.split(',').map((t) => t.trim()).filter(Boolean),
          { spdx, commercialUse: true, derivatives: true, attribution: true }, parseBalance(api, fee), [[account!.address, PERBILL]])}
        done={({ events }) => `Registered model ${idFrom(events, 'ModelRegistered', 'model')}.`} />
    </form>
  );
}

function PostJob() {
  const { chain, account } = useApp();
  const api = chain.api;
  const [model, setModel] = useState('0');
  const [version, setVersion] = useState('0');
  const [price, setPrice] = useState('5');
  const [budget, setBudget] = useState('20');
  const [input, setInput] = useState('http://127.0.0.1/input.json');
  const [quote, setQuote] = useState<{ text?: string; total?: bigint; error?: string }>({});
  const [posted, setPosted] = useState<string>();

  // The quote: what the runtime says this job costs at today's fees, before anything is signed.
  useEffect(() => {
    let current = true;
    (async () => {
      const answer: Codec = await api.call.computeMarketApi.quote({ model: Number(model), version: Number(version) }, [], parseBalance(api, price), 1);
      if (answer.isNone) return { error: `Model ${model} v${version} is unknown or cannot be used.` };
      const q = answer.unwrap();
      return {
        total: q.total.toBigInt(),
        text: `provider ${balance(api, q.providers)} + protocol fee ${balance(api, q.protocolFee)} + usage fees ${balance(api, q.usageFees)} = ${balance(api, q.total)}`,
      };
    })().then((q) => current && setQuote(q), (e) => current && setQuote({ error: String(e?.message ?? e) }));
    return () => { current = false; };
  }, [model, version, price]);

  let budgetValue: bigint | undefined;
  try { budgetValue = parseBalance(api, budget); } catch { budgetValue = undefined; }
  const short = quote.total !== undefined && budgetValue !== undefined && budgetValue < quote.total;
  // The input's hash is of its URI here: a real client hashes the input's bytes.
  const inputHash = () => blake2AsHex(input, 256);
  return (
    <form class="card" onSubmit={(e) => e.preventDefault()} data-testid="post-job">
      <h2>Post an inference job</h2>
      <label>Model <input value={model} onInput={(e) => setModel((e.target as HTMLInputElement).value)} data-testid="job-model" /></label>
      <label>Version <input value={version} onInput={(e) => setVersion((e.target as HTMLInputElement).value)} data-testid="job-version" /></label>
      <label>Fixed price per provider <input value={price} onInput={(e) => setPrice((e.target as HTMLInputElement).value)} data-testid="job-price" /></label>
      <label>Budget (escrowed; the unspent rest is refunded) <input value={budget} onInput={(e) => setBudget((e.target as HTMLInputElement).value)} data-testid="job-budget" /></label>
      <label>Input URI <input value={input} onInput={(e) => setInput((e.target as HTMLInputElement).value)} /></label>
      <Facts items={[['Quote', quote.error ? <span class="error">{quote.error}</span> : <span data-testid="job-quote">{quote.text ?? '…'}</span>]]} />
      {short && <p class="error">The budget is below the quote: the chain would refuse the job.</p>}
      <TxButton label="Post the job" testid="post-job-submit" disabled={!account || !!quote.error}
        build={() => api.tx.computeMarket.postJob({
          kind: 'Inference', model: { model: Number(model), version: Number(version) }, datasets: [],
          inputHash: inputHash(), inputUri: input,
          requirements: { minVramMib: 0, minRamMib: 0, accelerator: null, region: null, teeRequired: false, minReputation: 0 },
          commercial: false, budget: parseBalance(api, budget), matchingBlocks: 100, executionBlocks: 100,
          matching: { FixedPrice: { price: parseBalance(api, price) } }, verification: 'RequesterApproval',
        })}
        done={({ events }) => { const id = idFrom(events, 'JobPosted', 'job'); setPosted(id); return `Posted job #${id}.`; }} />
      {posted && <p><Link to={`/job/${posted}`} testid="posted-job">Follow job #{posted}</Link></p>}
    </form>
  );
}

function AcceptResult() {
  const { chain } = useApp();
  const [job, setJob] = useState('');
  return (
    <form class="card" onSubmit={(e) => e.preventDefault()}>
      <h2>Accept a result</h2>
      <label>Job <input value={job} onInput={(e) => setJob((e.target as HTMLInputElement).value)} /></label>
      <TxButton label="Accept" build={() => chain.api.tx.computeMarket.acceptResult(Number(job))} done={() => `Job #${job} settled.`} />
    </form>
  );
}

export function ActionsPage() {
  const { account } = useApp();
  return (
    <section>
      <h1>Actions</h1>
      {!account && <ErrorBox error="Choose an account to sign with (top right): the dev accounts on a development chain, or connect a browser extension." />}
      <div class="cards"><RegisterModel /><PostJob /><AcceptResult /></div>
      <p class="muted">Claiming rewards and royalties: <Link to="/rewards">Rewards</Link>.</p>
    </section>
  );
}
