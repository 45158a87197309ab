import type { BehaviourPatch, LatencySpec, ProviderBehaviour } from '../api.js';
import type { Random } from '../generator/random.js';
import { badRequest } from './errors.js';
import { asObject, onlyFields, type Body } from './validate.js';

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
  const body = asObject(patch, 'behaviour');
  onlyFields(body, ['latencyMs', 'errorRate', 'batchLimit', 'pageCap', 'down', 'lostReplyRate', 'acceptedButSlow', 'forgetOrders']);
  const next: ProviderBehaviour = { ...current };
  if (body.latencyMs !== undefined) next.latencyMs = latencySpec(asObject(body.latencyMs, 'latencyMs'));
  if (body.errorRate !== undefined) {
    if (typeof body.errorRate !== 'number' || !(body.errorRate >= 0 && body.errorRate <= 1)) throw badRequest('errorRate must be a number from 0 to 1');
    next.errorRate = body.errorRate;
  }
  if (body.batchLimit !== undefined) next.batchLimit = whole(body.batchLimit, 'batchLimit', 1, 1000);
  if (body.pageCap !== undefined) next.pageCap = whole(body.pageCap, 'pageCap', 1, 5000);
  if (body.down !== undefined) {
    if (typeof body.down !== 'boolean') throw badRequest('down must be true or false');
    next.down = body.down;
  }
  if (body.lostReplyRate !== undefined) {
    if (typeof body.lostReplyRate !== 'number' || !(body.lostReplyRate >= 0 && body.lostReplyRate <= 1)) throw badRequest('lostReplyRate must be a number from 0 to 1');
    next.lostReplyRate = body.lostReplyRate;
  }
  if (body.acceptedButSlow !== undefined) next.acceptedButSlow = whole(body.acceptedButSlow, 'acceptedButSlow', 0, 86_400_000);
  if (body.forgetOrders !== undefined) {
    if (typeof body.forgetOrders !== 'boolean') throw badRequest('forgetOrders must be true or false');
    next.forgetOrders = body.forgetOrders;
  }
  return next;
}

export type { BehaviourPatch };

function latencySpec(body: Body): LatencySpec {
  if ('min' in body || 'max' in body) {
    onlyFields(body, ['min', 'max']);
    const min = whole(body.min, 'latencyMs.min', 0, MAX_LATENCY_MS);
    const max = whole(body.max, 'latencyMs.max', 0, MAX_LATENCY_MS);
    if (min > max) throw badRequest('latencyMs.min must not exceed latencyMs.max');
    return { min, max };
  }
  onlyFields(body, ['p50', 'p99']);
  const p50 = whole(body.p50, 'latencyMs.p50', 0, MAX_LATENCY_MS);
  const p99 = whole(body.p99, 'latencyMs.p99', 0, MAX_LATENCY_MS);
  if (p50 > p99) throw badRequest('latencyMs.p50 must not exceed latencyMs.p99');
  return { p50, p99 };
}

function whole(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}
