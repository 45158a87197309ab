/** Simulated provider behaviour: latency sampling (uniform or log-normal) and validated behaviour changes. */
import type { BehaviourPatch, LatencySpec, ProviderBehaviour } from '../api.js';
import type { Random } from '../generator/random.js';
import { BehaviourPatchSchema } from '../api-schema.js';
import { parseBody } from './validate.js';

const MAX_LATENCY_MS = 120_000;

/** A latency drawn from the spec: uniform in [min, max], or log-normal with the given median and p99. */
export function sampleLatency(spec: LatencySpec, rng: Random): number {
  if ('min' in spec) return spec.min + rng.next() * (spec.max - spec.min);
  if (spec.p50 <= 0) return 0;
  // p99 of a log-normal is median * exp(2.326 sigma)
  const sigma = Math.log(Math.max(spec.p99, spec.p50) / spec.p50) / 2.326;
  const u1 = Math.max(rng.next(), 1e-12);
  const u2 = rng.next();
  const gaussian = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.min(spec.p50 * Math.exp(sigma * gaussian), MAX_LATENCY_MS);
}

/** Validates a behaviour change (from the admin endpoint or a test) and applies it. */
export function applyBehaviour(current: ProviderBehaviour, patch: unknown): ProviderBehaviour {
  const changes = parseBody(BehaviourPatchSchema, patch, 'behaviour');
  // only the fields given: an absent one keeps its current value
  return { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) };
}

export type { BehaviourPatch };
