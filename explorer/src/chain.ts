// The explorer's one connection to the chain: @polkadot/api decorated from the node's own
// metadata (storage, calls, events, errors and runtime APIs: no hand-written types), the best
// block as it arrives, and an index of the DeAI pallets' events over the recent blocks, which is
// where job timelines and providers' recent jobs come from (the chain keeps no such history in
// storage: events are its cold data).
import { ApiPromise, WsProvider } from '@polkadot/api';
import { useEffect, useState } from 'preact/hooks';

// Codecs are typed by the metadata at run time; TypeScript sees them as `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Codec = any;

export interface Settings {
  /** The node's WebSocket RPC address. */
  rpc: string;
  /**
   * How many blocks back the event index reaches when the explorer starts. A node keeps the
   * state (events included) of its last 256 blocks unless it runs as an archive
   * (`--state-pruning archive`): the default stays within them.
   */
  history: number;
}

/** ?rpc= and ?history= in the page's address, else what the server says (/config.json), else a local dev node. */
export async function loadSettings(): Promise<Settings> {
  const params = new URLSearchParams(location.search);
  let served: Partial<Settings> = {};
  try {
    const response = await fetch('./config.json', { cache: 'no-store' });
    if (response.ok) served = await response.json();
  } catch {
    // Served by `vite dev` or from files: no config, the defaults apply.
  }
  return {
    rpc: params.get('rpc') ?? served.rpc ?? 'ws://127.0.0.1:9944',
    history: Number(params.get('history') ?? served.history ?? 200),
  };
}

/** One DeAI event, as the index keeps it. */
export interface ChainEvent {
  block: number;
  pallet: string;
  name: string;
  /** The event's fields, human-readable (addresses, balances and enums as the metadata names them). */
  fields: Record<string, unknown>;
  /** The event's documentation from the metadata. */
  docs: string;
}

const DEAI_PALLETS = new Set(['computeMarket', 'modelRegistry', 'contributorRewards']);
const RECENT_EVENTS = 200;

export class Chain {
  readonly api: ApiPromise;
  readonly settings: Settings;
  best = 0;
  /** The first block the event index covers. */
  indexedFrom = 0;
  /** The last block the event index covers. */
  indexedTo = 0;
  readonly jobEvents = new Map<number, ChainEvent[]>();
  readonly providerJobs = new Map<string, Set<number>>();
  readonly recent: ChainEvent[] = [];
  private listeners = new Set<() => void>();
  private indexing = false;

  private constructor(api: ApiPromise, settings: Settings) {
    this.api = api;
    this.settings = settings;
  }

  static async connect(settings: Settings): Promise<Chain> {
    const api = await ApiPromise.create({ provider: new WsProvider(settings.rpc), noInitWarn: true });
    const chain = new Chain(api, settings);
    const head = await api.rpc.chain.getHeader();
    chain.best = head.number.toNumber();
    chain.indexedFrom = Math.max(1, chain.best - settings.history);
    chain.indexedTo = chain.indexedFrom - 1;
    await api.rpc.chain.subscribeNewHeads((header) => {
      chain.best = Math.max(chain.best, header.number.toNumber());
      void chain.index();
    });
    void chain.index();
    return chain;
  }

  /** Calls `listener` after every new block and index update; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify() {
    for (const listener of this.listeners) listener();
  }

  /**
   * Indexes every block up to the best one, in order, once each. A block whose state the node
   * no longer keeps (pruned) is skipped with the rest of the gap: the index goes on from the
   * oldest block the node still serves, and says from where it covers. Any other error stops
   * this pass where it is; the next block starts another.
   */
  private async index() {
    if (this.indexing) return;
    this.indexing = true;
    try {
      while (this.indexedTo < this.best) {
        const number = this.indexedTo + 1;
        let records: Codec;
        try {
          const hash = await this.api.rpc.chain.getBlockHash(number);
          // Decoded with the metadata of the runtime that block ran (across upgrades).
          records = await (await this.api.at(hash)).query.system.events();
        } catch (error) {
          const message = (error as Error).message;
          // Only a block whose state is gone for good (pruned) is skipped. Any other failure
          // (a dropped connection, a timeout) is retried from the same block at the next new
          // block, so that a passing error never leaves a hole in a job's timeline.
          if (!/discarded|pruned|unknown block/i.test(message)) {
            console.warn(`block #${number} is not indexed yet (${message}): retrying at the next block`);
            break;
          }
          const resume = Math.max(number + 1, this.best - this.settings.history);
          console.warn(`blocks #${number}–#${resume - 1} are not indexed (${message})`);
          this.indexedTo = resume - 1;
          this.indexedFrom = resume;
          continue;
        }
        for (const { event } of records) {
          if (DEAI_PALLETS.has(event.section)) this.record(number, event);
        }
        this.indexedTo = number;
        // Catching up notifies in batches; live blocks notify one by one.
        if (number === this.best || number % 50 === 0) this.notify();
      }
    } finally {
      this.indexing = false;
    }
    this.notify();
  }

  private record(block: number, event: Codec) {
    const names: string[] = event.meta.fields.map((f: Codec) => f.name.unwrapOr('').toString());
    const fields: Record<string, unknown> = {};
    event.data.forEach((value: Codec, i: number) => {
      fields[camel(names[i] ?? String(i))] = value.toHuman();
    });
    const entry: ChainEvent = {
      block, pallet: event.section, name: event.method, fields,
      docs: event.meta.docs.map((d: Codec) => d.toString()).join(' '),
    };
    this.recent.unshift(entry);
    if (this.recent.length > RECENT_EVENTS) this.recent.pop();
    if (event.section !== 'computeMarket') return;
    const jobAt = names.indexOf('job');
    if (jobAt < 0) return;
    const job = Number(event.data[jobAt].toString());
    const list = this.jobEvents.get(job) ?? [];
    list.push(entry);
    this.jobEvents.set(job, list);
    // The providers a job names: a bidder, a claimer, the assigned, a submitter.
    const providers: string[] = [];
    const one = names.indexOf('provider');
    if (one >= 0) providers.push(event.data[one].toString());
    const many = names.indexOf('providers');
    if (many >= 0) for (const who of event.data[many]) providers.push(who.toString());
    for (const who of providers) {
      const jobs = this.providerJobs.get(who) ?? new Set<number>();
      jobs.add(job);
      this.providerJobs.set(who, jobs);
    }
  }
}

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Re-renders on every new block and index update; returns the best block number. */
export function useBlocks(chain: Chain): number {
  const [, setTick] = useState(0);
  useEffect(() => chain.subscribe(() => setTick((t) => t + 1)), [chain]);
  return chain.best;
}

/**
 * Runs `load` now and again after every new block, keeping the last answer (`undefined` until
 * the first); errors are shown to the user instead of data.
 */
export function useLive<T>(chain: Chain, load: () => Promise<T>, deps: unknown[] = []): { data?: T; error?: string } {
  const best = useBlocks(chain);
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data }),
      (error) => current && setState({ error: String(error?.message ?? error) }),
    );
    return () => { current = false; };
  }, [best, ...deps]);
  return state;
}
