// DeAI Explorer: connects to the node, then routes the page's #/address to a page.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { devAccounts, extensionAccounts, type Account } from './accounts';
import { Chain, loadSettings, useBlocks } from './chain';
import { who } from './format';
import { ActionsPage } from './pages/actions';
import { JobPage, JobsPage } from './pages/jobs';
import { DatasetPage, ModelPage, ModelsPage } from './pages/models';
import { OverviewPage } from './pages/overview';
import { ProviderPage, ProvidersPage } from './pages/providers';
import { RewardsPage } from './pages/rewards';
import { AppContext, ErrorBox, type App } from './ui';
import './style.css';

function useRoute(): string[] {
  const read = () => (location.hash.replace(/^#\/?/, '') || 'overview').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function Page({ route }: { route: string[] }) {
  const [page, a, b] = route;
  switch (page) {
    case 'overview': return <OverviewPage />;
    case 'models': return <ModelsPage />;
    case 'model': return <ModelPage id={Number(a)} version={b === undefined ? undefined : Number(b)} />;
    case 'dataset': return <DatasetPage id={Number(a)} />;
    case 'jobs': return <JobsPage />;
    case 'job': return <JobPage id={Number(a)} />;
    case 'providers': return <ProvidersPage />;
    case 'provider': return <ProviderPage address={a} />;
    case 'rewards': return <RewardsPage />;
    case 'actions': return <ActionsPage />;
    default: return <p>No page "{page}".</p>;
  }
}

const NAV: [string, string][] = [['overview', 'Overview'], ['models', 'Models'], ['jobs', 'Jobs'], ['providers', 'Providers'], ['rewards', 'Rewards'], ['actions', 'Actions']];

function Shell({ chain }: { chain: Chain }) {
  const route = useRoute();
  const best = useBlocks(chain);
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [address, setAddress] = useState<string>(localStorage.getItem('deai-account') ?? '');
  const [error, setError] = useState<string>();
  useEffect(() => { devAccounts(chain.api).then(setAccounts, (e) => setError(String(e))); }, [chain]);
  const account = accounts.find((a) => a.address === address);
  const app: App = {
    chain, accounts, account,
    setAccount: (a) => { setAddress(a); localStorage.setItem('deai-account', a); },
    connectExtension: async () => {
      try {
        const found = await extensionAccounts();
        setAccounts((known) => [...known.filter((k) => k.source === 'dev'), ...found]);
      } catch (e) {
        setError((e as Error).message);
      }
    },
  };
  return (
    <AppContext.Provider value={app}>
      <header>
        <a class="brand" href="#/overview">DeAI Explorer</a>
        <nav>{NAV.map(([to, label]) => <a href={`#/${to}`} class={route[0] === to || route[0] === to.replace(/s$/, '') ? 'active' : ''}>{label}</a>)}</nav>
        <span class="block" title={chain.settings.rpc}>#{best}</span>
        <select value={address} onChange={(e) => app.setAccount((e.target as HTMLSelectElement).value)} data-testid="account">
          <option value="">no account</option>
          {accounts.map((a) => <option value={a.address}>{a.source === 'dev' ? a.name : `${a.name} (${who(a.address)})`}</option>)}
        </select>
        <button type="button" onClick={app.connectExtension}>Connect extension</button>
      </header>
      <ErrorBox error={error} />
      <main><Page key={route.join('/')} route={route} /></main>
    </AppContext.Provider>
  );
}

function Root() {
  const [chain, setChain] = useState<Chain>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    loadSettings().then(Chain.connect).then(setChain, (e) => setError(`Cannot reach the node: ${e?.message ?? e}`));
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!chain) return <p class="muted">Connecting to the node…</p>;
  return <Shell chain={chain} />;
}

render(<Root />, document.getElementById('app')!);
