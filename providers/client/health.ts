/**
 * Provider API health measured from the aggregator's own calls (never reported by the
 * provider): every call attempt is recorded with its outcome and latency, in per-minute buckets
 * kept for an hour. Windows sum whole minutes (the last 5, the last 60). Latency quantiles are
 * exact over the kept samples (up to SAMPLES_PER_MINUTE per provider-minute, then a uniform
 * reservoir sample), so memory stays bounded whatever the call rate.
 */
export type ProviderOperation = 'profile' | 'inventory' | 'documents' | 'compliance' | 'search' | 'status' | 'reserve' | 'order' | 'getOrder' | 'release' | 'routing';

/** ok: 2xx. rejected: 4xx. failed: 5xx or a network error. timeout. short_circuited: the breaker was open, no call made. */
export type CallOutcome = 'ok' | 'rejected' | 'failed' | 'timeout' | 'short_circuited';

export interface CallRecord {
  providerId: string;
  operation: ProviderOperation;
  outcome: CallOutcome;
  /** Null for calls never sent (short-circuited). */
  latencyMs: number | null;
  at: number;
}

export type HealthWindow = '5m' | '1h';
const WINDOW_MINUTES: Record<HealthWindow, number> = { '5m': 5, '1h': 60 };
export const SAMPLES_PER_MINUTE = 1024;

export interface ApiHealth {
  window: HealthWindow;
  /** Calls sent to the provider in the window (short-circuited ones excluded). */
  calls: number;
  /** Calls that got no usable answer: 5xx, network errors and timeouts. */
  failures: number;
  timeouts: number;
  /** Calls the breaker refused without calling. */
  shortCircuited: number;
  /** Share of calls that did not succeed (failures and 4xx refusals); null with no calls. */
  errorRate: number | null;
  /** Share of attempts (sent or short-circuited) on which the provider answered; null with none. */
  availability: number | null;
  /** Over calls that got an answer or timed out; null with none. */
  latencyMs: { p50: number; p95: number; p99: number } | null;
}

interface Bucket {
  minute: number;
  calls: number;
  failures: number;
  timeouts: number;
  rejected: number;
  shortCircuited: number;
  samples: number[];
  seen: number;
}

export class ApiHealthRecorder {
  private readonly buckets = new Map<string, Bucket[]>();
  private readonly counts = new Map<string, Map<ProviderOperation, number>>();
  private readonly listeners = new Set<(record: CallRecord) => void>();
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Records one call attempt (the client does this for every attempt, retries included). */
  record(call: Omit<CallRecord, 'at'>): void {
    const record: CallRecord = { ...call, at: this.now() };
    const bucket = this.bucket(call.providerId, Math.floor(record.at / 60_000));
    if (call.outcome === 'short_circuited') {
      bucket.shortCircuited++;
    } else {
      bucket.calls++;
      const perOperation = this.counts.get(call.providerId) ?? new Map<ProviderOperation, number>();
      perOperation.set(call.operation, (perOperation.get(call.operation) ?? 0) + 1);
      this.counts.set(call.providerId, perOperation);
      if (call.outcome === 'failed' || call.outcome === 'timeout') bucket.failures++;
      if (call.outcome === 'timeout') bucket.timeouts++;
      if (call.outcome === 'rejected') bucket.rejected++;
      if (call.latencyMs !== null) {
        bucket.seen++;
        if (bucket.samples.length < SAMPLES_PER_MINUTE) bucket.samples.push(call.latencyMs);
        else {
          const slot = Math.floor(Math.random() * bucket.seen);
          if (slot < SAMPLES_PER_MINUTE) bucket.samples[slot] = call.latencyMs;
        }
      }
    }
    for (const listener of this.listeners) listener(record);
  }

  /** Calls every recorded attempt (e.g. to feed Prometheus counters); returns the unsubscribe. */
  onCall(listener: (record: CallRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** HTTP calls sent since the start or the last reset: to one provider, for one operation, or all. */
  callCount(providerId?: string, operation?: ProviderOperation): number {
    let total = 0;
    for (const [provider, ops] of this.counts) {
      if (providerId !== undefined && provider !== providerId) continue;
      for (const [op, n] of ops) if (operation === undefined || op === operation) total += n;
    }
    return total;
  }

  /** `{ providerId: { operation: calls } }` since the start or the last reset. */
  callCounts(): Record<string, Partial<Record<ProviderOperation, number>>> {
    return Object.fromEntries([...this.counts].map(([p, ops]) => [p, Object.fromEntries(ops)]));
  }

  /** Zeroes the call counters (not the health windows): tests and benchmarks count per step. */
  resetCounts(): void {
    this.counts.clear();
  }

  health(providerId: string, window: HealthWindow): ApiHealth {
    const since = Math.floor(this.now() / 60_000) - WINDOW_MINUTES[window];
    const kept = (this.buckets.get(providerId) ?? []).filter((b) => b.minute > since);
    const sum = (f: (b: Bucket) => number) => kept.reduce((n, b) => n + f(b), 0);
    const calls = sum((b) => b.calls);
    const failures = sum((b) => b.failures);
    const rejected = sum((b) => b.rejected);
    const shortCircuited = sum((b) => b.shortCircuited);
    const samples = kept.flatMap((b) => b.samples).sort((a, b) => a - b);
    return {
      window,
      calls,
      failures,
      timeouts: sum((b) => b.timeouts),
      shortCircuited,
      errorRate: calls === 0 ? null : (failures + rejected) / calls,
      availability: calls + shortCircuited === 0 ? null : (calls - failures) / (calls + shortCircuited),
      latencyMs: samples.length === 0 ? null : { p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), p99: quantile(samples, 0.99) },
    };
  }

  private bucket(providerId: string, minute: number): Bucket {
    let ring = this.buckets.get(providerId);
    if (!ring) this.buckets.set(providerId, (ring = []));
    const last = ring[ring.length - 1];
    if (last && last.minute === minute) return last;
    const bucket: Bucket = { minute, calls: 0, failures: 0, timeouts: 0, rejected: 0, shortCircuited: 0, samples: [], seen: 0 };
    ring.push(bucket);
    while (ring.length > 0 && ring[0]!.minute <= minute - WINDOW_MINUTES['1h']) ring.shift();
    return bucket;
  }
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
