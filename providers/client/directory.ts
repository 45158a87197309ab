/** The directory of providers the aggregator contracts with, discovered from the simulator, one client each sharing a health recorder. */
import { Pool } from 'undici';
import { describeIssues, DirectoryResponseSchema, MAX_DIRECTORY_PROVIDERS } from '../api-schema.js';
import type { DirectoryEntry } from '../api.js';
import type { ProviderClient } from './client.js';
import { ApiHealthRecorder } from './health.js';
import { HttpProviderClient, type ClientPolicyOverrides } from './http.js';

/** Most providers a directory may list: a bound on what a remote answer can make us build. */
export const MAX_PROVIDERS = MAX_DIRECTORY_PROVIDERS;
const MAX_DIRECTORY_BYTES = 1024 * 1024;

/**
 * The providers the aggregator has contracts with, discovered from `GET <simulator>/directory`,
 * one client each, all recording into one health recorder.
 */
export class ProviderDirectory {
  private constructor(
    readonly entries: DirectoryEntry[],
    private readonly clients: Map<string, ProviderClient>,
    readonly recorder: ApiHealthRecorder,
  ) {}

  static async discover(directoryUrl: string, options: { recorder?: ApiHealthRecorder; policy?: ClientPolicyOverrides; timeoutMs?: number } = {}): Promise<ProviderDirectory> {
    const url = new URL('directory', directoryUrl.endsWith('/') ? directoryUrl : `${directoryUrl}/`);
    // a pool of its own only to bound the answer's size
    const pool = new Pool(url.origin, { connections: 1, maxResponseSize: MAX_DIRECTORY_BYTES });
    let text: string;
    let statusCode: number;
    try {
      const response = await pool.request({ path: url.pathname, method: 'GET', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
      statusCode = response.statusCode;
      text = await response.body.text();
    } finally {
      await pool.close();
    }
    if (statusCode !== 200) throw new Error(`provider directory ${url} answered ${statusCode}: ${text.slice(0, 200)}`);
    const entries = parseDirectory(text, url.toString());
    const recorder = options.recorder ?? new ApiHealthRecorder();
    const clients = new Map<string, ProviderClient>(entries.map((e) => [e.id, new HttpProviderClient(e.id, e.baseUrl, recorder, options.policy)]));
    return new ProviderDirectory(entries, clients, recorder);
  }

  get(providerId: string): ProviderClient | undefined {
    return this.clients.get(providerId);
  }

  all(): ProviderClient[] {
    return [...this.clients.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((c) => c.close()));
  }
}

function parseDirectory(text: string, where: string): DirectoryEntry[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${where}: the answer is not JSON`);
  }
  const parsed = DirectoryResponseSchema.safeParse(body);
  if (!parsed.success) throw new Error(`${where}: malformed directory: ${describeIssues(parsed.error)}`);
  return parsed.data.providers;
}
