// How the explorer writes the chain's values: balances in the chain's own unit and decimals,
// short addresses with the dev accounts' names, text fields as text.
import type { ApiPromise } from '@polkadot/api';
import type { Codec } from './chain';

const DEV_NAMES: Record<string, string> = {};

/** Names the dev accounts (Alice…Ferdie) wherever an address is shown. */
export function nameDevAccount(address: string, name: string) {
  DEV_NAMES[address] = name;
}

/** "Alice" for a dev account, else the address shortened to its ends. */
export function who(address: Codec): string {
  const text = address?.toString() ?? '';
  return DEV_NAMES[text] ?? (text.length > 16 ? `${text.slice(0, 6)}…${text.slice(-6)}` : text);
}

/** A balance in the chain's unit: "12.5 UNIT" (up to 4 decimals, exact below them). */
export function balance(api: ApiPromise, value: Codec | bigint): string {
  const amount = typeof value === 'bigint' ? value : BigInt(value.toString());
  const decimals = api.registry.chainDecimals[0] ?? 12;
  const unit = api.registry.chainTokens[0] ?? 'UNIT';
  const scale = 10n ** BigInt(decimals);
  const whole = amount / scale;
  const fraction = (amount % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  const shown = fraction.length > 4 ? `${fraction.slice(0, 4)}…` : fraction;
  return `${whole.toLocaleString('en')}${shown ? `.${shown}` : ''} ${unit}`;
}

/** Parses "12.5" in the chain's unit into its smallest unit. */
export function parseBalance(api: ApiPromise, text: string): bigint {
  const decimals = api.registry.chainDecimals[0] ?? 12;
  const match = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(text);
  if (!match) throw new Error(`not an amount: "${text}"`);
  const fraction = (match[2] ?? '').padEnd(decimals, '0');
  if (fraction.length > decimals) throw new Error(`more than ${decimals} decimals: "${text}"`);
  return BigInt(match[1]) * 10n ** BigInt(decimals) + BigInt(fraction || '0');
}

/** A bounded byte string (names, URIs, labels) as text. */
export const text = (bytes: Codec): string => (bytes?.toUtf8 ? bytes.toUtf8() : String(bytes ?? ''));

/** A Perbill as a percentage. */
export const percent = (perbill: Codec): string => `${(Number(perbill.toString()) / 1e7).toLocaleString('en', { maximumFractionDigits: 4 })}%`;

/** A 32-byte hash shortened to its ends. */
export const hash = (value: Codec): string => {
  const hex = value.toString();
  return hex.length > 18 ? `${hex.slice(0, 10)}…${hex.slice(-6)}` : hex;
};

/** An enum's variant name ("Open", "Assigned", "FixedPrice"). */
export const variant = (value: Codec): string => value?.type ?? String(value);

/** "m0 v1" for a model version reference. */
export const versionRef = (ref: Codec): string => `model ${ref.model.toString()} v${ref.version.toString()}`;

/** An indexed event's fields as one line ("provider: 5F…, price: 5,000"), less `omit` (e.g. the job a timeline is of). */
export const eventFields = (fields: Record<string, unknown>, omit?: string): string => Object.entries(fields)
  .filter(([k]) => k !== omit)
  .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ');
