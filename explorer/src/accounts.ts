// Who signs: on a development chain the dev accounts (Alice…Ferdie, their keys are public), and
// anywhere the accounts of a browser extension (@polkadot/extension-dapp: polkadot.js, Talisman,
// SubWallet). Transactions report their progress, and a failed one its error by name with the
// error's documentation from the metadata.
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import type { Codec } from './chain';
import { nameDevAccount } from './format';

export interface Account {
  address: string;
  name: string;
  source: 'dev' | 'extension';
  pair?: KeyringPair;
}

const DEV = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

/** The dev accounts, named everywhere addresses are shown; none on a live chain. */
export async function devAccounts(api: ApiPromise): Promise<Account[]> {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
  const accounts = DEV.map((name) => {
    const pair = keyring.addFromUri(`//${name}`);
    nameDevAccount(pair.address, name);
    return { address: pair.address, name, source: 'dev' as const, pair };
  });
  const type = await api.rpc.system.chainType();
  return type.isDevelopment || type.isLocal ? accounts : [];
}

/** The accounts a browser extension shares with the explorer (asks the user once). */
export async function extensionAccounts(): Promise<Account[]> {
  const { web3Accounts, web3Enable } = await import('@polkadot/extension-dapp');
  const extensions = await web3Enable('DeAI Explorer');
  if (extensions.length === 0) throw new Error('no browser extension (polkadot.js, Talisman, SubWallet) allowed access');
  return (await web3Accounts()).map((a) => ({ address: a.address, name: a.meta.name ?? a.address, source: 'extension' as const }));
}

/** A failed dispatch as "pallet.Error: its documentation". */
export function describeError(api: ApiPromise, dispatchError: Codec): string {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}${docs.length ? `: ${docs.join(' ')}` : ''}`;
  }
  return dispatchError.toString();
}

export interface Sent {
  blockHash: string;
  events: Codec[];
}

/**
 * Signs `tx` as `account`, submits it, and resolves once it is in a block; rejects with the
 * error's name and documentation when its dispatch fails or the pool refuses it.
 */
export async function send(api: ApiPromise, tx: SubmittableExtrinsic<'promise'>, account: Account, onStatus?: (s: string) => void): Promise<Sent> {
  let signer: unknown;
  if (account.source === 'extension') {
    const { web3FromAddress } = await import('@polkadot/extension-dapp');
    signer = (await web3FromAddress(account.address)).signer;
  }
  return new Promise((resolve, reject) => {
    let unsubscribe: (() => void) | undefined;
    const callback = (result: Codec) => {
      const { status, events, dispatchError } = result;
      onStatus?.(status.type);
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsubscribe?.();
        reject(new Error(`transaction ${status.type}`));
      }
      if (status.isInBlock || status.isFinalized) {
        unsubscribe?.();
        if (dispatchError) reject(new Error(describeError(api, dispatchError)));
        else resolve({ blockHash: (status.isInBlock ? status.asInBlock : status.asFinalized).toHex(), events });
      }
    };
    const sending = account.pair
      ? tx.signAndSend(account.pair, callback)
      : tx.signAndSend(account.address, { signer: signer as never }, callback);
    sending.then((u) => { unsubscribe = u; }, (error: Error) => reject(new Error(error.message)));
  });
}
