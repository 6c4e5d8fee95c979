// The explorer's building blocks: the app context (chain, signing accounts, the chosen account),
// links, tables, and a button that signs and sends a transaction and shows how it went.
import { createContext } from 'preact';
import type { ComponentChildren } from 'preact';
import { useContext, useState } from 'preact/hooks';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { send, type Account, type Sent } from './accounts';
import type { Chain } from './chain';

export interface App {
  chain: Chain;
  accounts: Account[];
  account?: Account;
  setAccount: (address: string) => void;
  connectExtension: () => Promise<void>;
}

export const AppContext = createContext<App | undefined>(undefined);

export function useApp(): App {
  const app = useContext(AppContext);
  if (!app) throw new Error('outside the app');
  return app;
}

export const Link = ({ to, children, testid }: { to: string; children: ComponentChildren; testid?: string }) => (
  <a href={`#${to}`} data-testid={testid}>{children}</a>
);

export const Loading = ({ what }: { what: string }) => <p class="muted">Loading {what}…</p>;

export const ErrorBox = ({ error }: { error?: string }) => (error ? <p class="error" role="alert" data-testid="error">{error}</p> : null);

/** A table with a header row; `rows` are cells, or [testid, cells]. */
export function Table({ head, rows, empty = 'None yet.', testid }: {
  head: string[]; rows: ComponentChildren[][]; empty?: string; testid?: string;
}) {
  if (rows.length === 0) return <p class="muted" data-testid={testid}>{empty}</p>;
  return (
    <table data-testid={testid}>
      <thead><tr>{head.map((h) => <th>{h}</th>)}</tr></thead>
      <tbody>{rows.map((cells) => <tr>{cells.map((c) => <td>{c}</td>)}</tr>)}</tbody>
    </table>
  );
}

/** Key–value pairs. */
export const Facts = ({ items }: { items: [string, ComponentChildren][] }) => (
  <dl class="facts">{items.map(([k, v]) => <><dt>{k}</dt><dd>{v}</dd></>)}</dl>
);

/**
 * Signs `build()` with the chosen account and sends it; shows the status, then what `done`
 * says about the block's events, or the error by name with its documentation.
 */
export function TxButton({ label, build, done, testid, disabled }: {
  label: string;
  build: () => SubmittableExtrinsic<'promise'>;
  done?: (sent: Sent) => string;
  testid?: string;
  disabled?: boolean;
}) {
  const { chain, account } = useApp();
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const click = async () => {
    setError(undefined);
    setStatus(undefined);
    if (!account) { setError('Choose an account to sign with (top right).'); return; }
    setBusy(true);
    try {
      const sent = await send(chain.api, build(), account, setStatus);
      setStatus(done ? done(sent) : `In block ${sent.blockHash.slice(0, 10)}…`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="tx">
      <button type="button" onClick={click} disabled={busy || disabled} data-testid={testid}>{label}</button>
      {status && <span class="muted" data-testid={testid && `${testid}-status`}> {status}</span>}
      <ErrorBox error={error} />
    </span>
  );
}
