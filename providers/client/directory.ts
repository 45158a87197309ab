import { Pool } from 'undici';
import type { DirectoryEntry, DirectoryResponse } from '../api.js';
import type { ProviderClient } from './client.js';
import { ApiHealthRecorder } from './health.js';
import { HttpProviderClient, type ClientPolicyOverrides } from './http.js';

/** Most providers a directory may list: a bound on what a remote answer can make us build. */
export const MAX_PROVIDERS = 1000;
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
    const entries = parseDirectory(JSON.parse(text) as unknown, url.toString());
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

function parseDirectory(body: unknown, where: string): DirectoryEntry[] {
  const providers = (body as Partial<DirectoryResponse> | null)?.providers;
  if (!Array.isArray(providers) || providers.length > MAX_PROVIDERS) throw new Error(`${where}: expected { providers: [...] } with at most ${MAX_PROVIDERS} entries`);
  return providers.map((p: Partial<DirectoryEntry>) => {
    if (typeof p.id !== 'string' || typeof p.name !== 'string' || typeof p.baseUrl !== 'string' || !/^https?:\/\//.test(p.baseUrl)) {
      throw new Error(`${where}: malformed provider entry ${JSON.stringify(p).slice(0, 200)}`);
    }
    return { id: p.id, name: p.name, baseUrl: p.baseUrl };
  });
}
