/** The routing subgraph's resolvers: configure and clear routes, webhook endpoints and deliveries, with URL and SIP address checks. */
import { randomBytes, randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { isE164Shape } from '../../../platform/e164.js';
import { badUserInput, quotedInput } from '../../../contracts/errors.js';
import { readText } from '../../../platform/input.js';
import { cursorFor, readPage } from '../../../platform/pagination.js';
import type { Context } from '../context.js';
import { pushRoute, removeAtProvider, routeEvent } from '../domain/routes.js';
import { hostOf, portOf, validateHttpsUrl, validateTrunks, type FieldError, type TrunkInput } from '../domain/validation.js';
import * as routes from '../store/routes.js';
import * as webhooks from '../store/webhooks.js';
import type { Resolvers, RoutingUserError } from '../generated/resolvers.js';
import { parseSipUri } from '../domain/validation.js';
import type { EndpointRow } from '../tables.js';

const MAX_ID = 64;

/** The one answer to an e164 that is not in E.164 form, for configureRoute and clearRoute. */
const notE164 = (e164: string) => ({ number: null, userErrors: [{ code: 'INVALID', message: `e164 must be a number in E.164 form like +447400123456, got "${quotedInput(e164)}"`, field: ['e164'] }] });

function requireTenant(ctx: Context): string {
  if (ctx.tenant === null) throw new GraphQLError('configuring routes and webhooks needs an API key of a tenant (not an analyst)', { extensions: { code: 'FORBIDDEN' } });
  return ctx.tenant;
}

const notYours = (e164: string): RoutingUserError => ({ code: 'NOT_YOURS', message: `${quotedInput(e164)} is not a number your tenant holds`, field: ['e164'] });

/** Checks a URL's or a SIP URI's host against the address rules (after DNS): an error naming the field, or null. */
async function addressError(ctx: Context, host: string, port: number | null, field: string[]): Promise<FieldError | null> {
  const check = await ctx.services.addresses.check(host, port);
  // a name that does not resolve now is not refused here: each delivery checks it again
  if (check.ok || check.unresolved) return null;
  return { code: 'INVALID', message: `${field.at(-1)}: ${check.reason}`, field };
}

/** A webhook or messaging URL: https, no credentials, an allowed address; the URL or the error. */
async function checkUrl(ctx: Context, text: string, field: string[]): Promise<{ url: string | null; error: FieldError | null }> {
  const { url, error } = validateHttpsUrl(text, field, (host, port) => ctx.services.addresses.allowsHost(host, port));
  if (error || !url) return { url: null, error };
  const refused = await addressError(ctx, hostOf(url), portOf(url), field);
  return refused ? { url: null, error: refused } : { url: url.toString(), error: null };
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

function readTopics(topics: readonly webhooks.Topic[] | null | undefined): string {
  return [...new Set(topics && topics.length > 0 ? topics : webhooks.TOPICS)].join(',');
}

const connectionOf = <T>(list: string, rows: T[], size: number, keyOf: (row: T) => string) => {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: cursorFor(list, keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
};
const EMPTY = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };

export const resolvers: Resolvers = {
  Query: {
    webhookEndpoints: async (_parent, args, ctx) => {
      const page = readPage('Query.webhookEndpoints', args, 20);
      if (ctx.tenant === null) return EMPTY;
      if (page.afterKey !== null && !/^\d{1,19}$/.test(page.afterKey)) throw badUserInput('after is not a cursor of Query.webhookEndpoints', 'after');
      const rows = await webhooks.listEndpoints(ctx.db, ctx.tenant, page.afterKey, page.limit);
      return connectionOf(page.list, rows, page.size, (row) => String(row.seq));
    },
    webhookDeliveries: async (_parent, args, ctx) => {
      const page = readPage('Query.webhookDeliveries', args, 20);
      if (args.endpointId != null) readText(args.endpointId, 'endpointId', { max: MAX_ID });
      if (ctx.tenant === null) return EMPTY;
      if (page.afterKey !== null && !/^\d{1,19}$/.test(page.afterKey)) throw badUserInput('after is not a cursor of Query.webhookDeliveries', 'after');
      const rows = await webhooks.listAttempts(ctx.db, ctx.tenant, args.endpointId ?? null, page.afterKey, page.limit);
      return connectionOf(page.list, rows, page.size, (row) => String(row.id));
    },
  },

  Mutation: {
    configureRoute: async (_parent, args, ctx) => {
      const tenant = requireTenant(ctx);
      const errors: RoutingUserError[] = [];
      if (!isE164Shape(args.e164)) return notE164(args.e164);
      if (!args.voice && !args.messaging) return { number: null, userErrors: [{ code: 'INVALID', message: 'give voice, messaging or both (clearRoute removes a route)', field: null }] };
      let trunks = null;
      if (args.voice) {
        const checked = validateTrunks(args.voice.trunks as TrunkInput[], ['voice', 'trunks']);
        errors.push(...checked.errors);
        for (const [i, trunk] of checked.trunks.entries()) {
          const uri = parseSipUri(trunk.uri)!;
          if (ctx.services.addresses.allowsHost(uri.host, uri.port)) continue;
          const refused = await addressError(ctx, uri.host, uri.port, ['voice', 'trunks', String(i), 'uri']);
          if (refused) errors.push(refused);
        }
        trunks = checked.trunks;
      }
      let messaging: string | null = null;
      if (args.messaging) {
        const checked = await checkUrl(ctx, args.messaging.endpoint, ['messaging', 'endpoint']);
        if (checked.error) errors.push(checked.error);
        messaging = checked.url;
      }
      if (errors.length > 0) return { number: null, userErrors: errors };
      const [holding] = await routes.holdings(ctx.db, [args.e164]);
      if (!holding || holding.tenant !== tenant || !holding.provider_id || !holding.reference) return { number: null, userErrors: [notYours(args.e164)] };
      // the tenant holds it, so it may learn what the number can do: messages need SMS
      if (messaging && holding.capabilities !== null && !holding.capabilities.split(',').includes('sms')) {
        return { number: null, userErrors: [{ code: 'NO_SMS', message: `${args.e164} cannot receive messages (its capabilities: ${holding.capabilities.split(',').join(', ') || 'none'}): configure voice only`, field: ['messaging', 'endpoint'] }] };
      }
      const saved = await ctx.db.transaction().execute(async (tx) => {
        const route = await routes.saveRoute(tx, { e164: args.e164, tenant, provider_id: holding.provider_id!, reference: holding.reference!, trunks, messaging_uri: messaging });
        await routeEvent(tx, route, 'route.configured', { voice: trunks ? { uri: trunks[0]!.uri, trunks } : null, messaging: messaging ? { uri: messaging } : null });
        return route;
      });
      ctx.services.wake();
      const pushed = await pushRoute(ctx.db, ctx.services, saved, ctx.services.logger);
      ctx.loaders.routes.prime(args.e164, pushed);
      const userErrors: RoutingUserError[] = pushed.state === 'FAILED' ? [{ code: 'PROVIDER_FAILED', message: pushed.reason ?? 'the provider did not confirm the route', field: null }] : [];
      return { number: { e164: args.e164 }, userErrors };
    },

    clearRoute: async (_parent, args, ctx) => {
      const tenant = requireTenant(ctx);
      if (!isE164Shape(args.e164)) return notE164(args.e164);
      const [holding] = await routes.holdings(ctx.db, [args.e164]);
      if (!holding || holding.tenant !== tenant) return { number: null, userErrors: [notYours(args.e164)] };
      const removed = await ctx.db.transaction().execute(async (tx) => {
        const route = await routes.deleteRoute(tx, args.e164);
        if (route) await routeEvent(tx, route, 'route.cleared', { reason: 'cleared by the tenant' });
        return route;
      });
      ctx.services.wake();
      ctx.loaders.routes.prime(args.e164, null);
      if (removed && !(await removeAtProvider(ctx.services, removed, ctx.services.logger))) {
        return { number: { e164: args.e164 }, userErrors: [{ code: 'PROVIDER_FAILED', message: 'removed here; the holding provider could not be reached to remove it there', field: null }] };
      }
      return { number: { e164: args.e164 }, userErrors: [] };
    },

    registerWebhookEndpoint: async (_parent, args, ctx) => {
      const tenant = requireTenant(ctx);
      if (args.input.topics && args.input.topics.length > webhooks.TOPICS.length) {
        return { endpoint: null, secret: null, userErrors: [{ code: 'INVALID', message: `topics lists at most ${webhooks.TOPICS.length} kinds`, field: ['input', 'topics'] }] };
      }
      const { url, error } = await checkUrl(ctx, args.input.url, ['input', 'url']);
      if (error || !url) return { endpoint: null, secret: null, userErrors: [error!] };
      if ((await webhooks.countEndpoints(ctx.db, tenant)) >= webhooks.MAX_ENDPOINTS_PER_TENANT) {
        return { endpoint: null, secret: null, userErrors: [{ code: 'LIMIT_REACHED', message: `a tenant has at most ${webhooks.MAX_ENDPOINTS_PER_TENANT} webhook endpoints`, field: null }] };
      }
      const secret = newSecret();
      const endpoint = await webhooks.insertEndpoint(ctx.db, { id: `whe_${randomUUID()}`, tenant, url, topics: readTopics(args.input.topics), secret });
      return { endpoint, secret, userErrors: [] };
    },

    rotateWebhookSecret: async (_parent, args, ctx) => {
      const tenant = requireTenant(ctx);
      const secret = newSecret();
      const endpoint = args.id.length > MAX_ID ? null : await webhooks.rotateSecret(ctx.db, tenant, args.id, secret, ctx.services.webhooks.rotationGraceMs);
      if (!endpoint) return { endpoint: null, secret: null, userErrors: [{ code: 'NOT_FOUND', message: 'no such webhook endpoint', field: ['id'] }] };
      return { endpoint, secret, userErrors: [] };
    },

    deleteWebhookEndpoint: async (_parent, args, ctx) => {
      const tenant = requireTenant(ctx);
      const endpoint = args.id.length > MAX_ID ? null : await webhooks.deleteEndpoint(ctx.db, tenant, args.id);
      if (!endpoint) return { endpoint: null, secret: null, userErrors: [{ code: 'NOT_FOUND', message: 'no such webhook endpoint', field: ['id'] }] };
      return { endpoint, secret: null, userErrors: [] };
    },
  },

  Number: {
    __resolveReference: (ref) => ref,
    route: (number, _args, ctx) => ctx.loaders.routes.load(number.e164),
    // the originating carrier of a number the aggregator holds, until porting records another
    servingCarrier: (number) => (number.holder && number.originatingCarrier ? { id: number.originatingCarrier.id } : null),
  },

  Route: {
    voice: (route) => (route.trunks && route.trunks.length > 0 ? { trunks: route.trunks } : null),
    messaging: (route) => (route.messaging_uri ? { uri: route.messaging_uri } : null),
    updatedAt: (route) => new Date(route.updated_at).toISOString(),
  },

  VoiceDestination: {
    uri: (voice) => voice.trunks[0]!.uri,
    trunks: (voice, args) => {
      const page = readPage('VoiceDestination.trunks', args, 8, 8);
      const start = page.afterKey === null ? 0 : Number(page.afterKey) + 1;
      if (!Number.isInteger(start) || start < 0) throw badUserInput('after is not a cursor of VoiceDestination.trunks', 'after');
      const rows = voice.trunks.map((trunk, i) => ({ trunk, i })).slice(start, start + page.limit);
      const connection = connectionOf(page.list, rows, page.size, (row) => String(row.i));
      return { pageInfo: connection.pageInfo, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: e.node.trunk })) };
    },
  },

  WebhookEndpoint: {
    topics: (endpoint: EndpointRow) => endpoint.topics.split(',') as webhooks.Topic[],
    createdAt: (endpoint) => new Date(endpoint.created_at).toISOString(),
  },

  WebhookDelivery: {
    id: (attempt) => String(attempt.id),
    statusCode: (attempt) => attempt.status_code,
    latencyMs: (attempt) => attempt.latency_ms,
    eventId: (attempt) => attempt.event_id,
    eventType: (attempt) => attempt.event_type,
    endpointId: (attempt) => attempt.endpoint_id,
    attemptedAt: (attempt) => new Date(attempt.attempted_at).toISOString(),
    nextAttemptAt: (attempt) => (attempt.next_attempt_at ? new Date(attempt.next_attempt_at).toISOString() : null),
  },
};
