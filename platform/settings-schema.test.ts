/** The configuration schema: defaults, bounds, messages that name the variable, and the help that lists every variable the product reads. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ORDER_WAIT_MS } from '../subgraphs/inventory/index.js';
import { DEFAULT_RETRY } from '../subgraphs/inventory/domain/order-line.js';
import { SUBGRAPH_NAMES } from '../subgraphs/names.js';
import { ConfigError } from './config.js';
import { databaseUrlName, PROCESSES, readSettings, SETTINGS, settingsHelp, shownDefault, subgraphUrlName, type ProcessName, type SettingName } from './settings-schema.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const NAMES = Object.keys(SETTINGS) as SettingName[];

describe('defaults', () => {
  it('are the ones the code has always had', () => {
    expect(readSettings({}, ['PORT', 'HOST', 'LOG_LEVEL', 'DB_POOL_MAX', 'DB_CONNECT_TIMEOUT_MS', 'DB_STATEMENT_TIMEOUT_MS', 'SYNC_INTERVAL_SECONDS', 'SIMULATOR_PORT', 'SIMULATOR_HOST', 'METRICS_HOST'])).toEqual({
      PORT: 4000,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      DB_POOL_MAX: 10,
      DB_CONNECT_TIMEOUT_MS: 5_000,
      DB_STATEMENT_TIMEOUT_MS: 15_000,
      SYNC_INTERVAL_SECONDS: 60,
      SIMULATOR_PORT: 4010,
      SIMULATOR_HOST: '127.0.0.1',
      METRICS_HOST: '127.0.0.1',
    });
    // the inventory's own constants, which its code uses when nothing is configured
    expect(SETTINGS.ORDER_WAIT_MS.default).toBe(DEFAULT_ORDER_WAIT_MS);
    expect(SETTINGS.ORDER_RETRY_MAX_SECONDS.default).toBe(DEFAULT_RETRY.maxMs / 1000);
  });

  it('leave a variable without one undefined, and take the caller\'s own where the process has one', () => {
    expect(readSettings({}, ['DATABASE_URL', 'NATS_URL', 'METRICS_PORT', 'LOG_FORMAT'])).toEqual({ DATABASE_URL: undefined, NATS_URL: undefined, METRICS_PORT: undefined, LOG_FORMAT: undefined });
    expect(readSettings({}, ['CORS_ORIGINS', 'ROUTING_ALLOW_HOSTS'])).toEqual({ CORS_ORIGINS: [], ROUTING_ALLOW_HOSTS: [] });
    expect(readSettings({}, ['PORT', 'HOST'], { PORT: 4002, HOST: '127.0.0.1' })).toEqual({ PORT: 4002, HOST: '127.0.0.1' });
    expect(readSettings({ PORT: '5000' }, ['PORT'], { PORT: 4002 }).PORT).toBe(5000);
  });

  it('apply to blank values too, and values are trimmed', () => {
    expect(readSettings({ PORT: '  ', LOG_LEVEL: '' }, ['PORT', 'LOG_LEVEL'])).toEqual({ PORT: 4000, LOG_LEVEL: 'info' });
    expect(readSettings({ PORT: ' 8080 ', CORS_ORIGINS: ' https://a.example.com , ,https://b.example.com' }, ['PORT', 'CORS_ORIGINS'])).toEqual({
      PORT: 8080,
      CORS_ORIGINS: ['https://a.example.com', 'https://b.example.com'],
    });
  });
});

describe('a bad value', () => {
  const bad = (env: Record<string, string>, name: SettingName) => {
    try {
      readSettings(env, [name]);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error(`${name}=${JSON.stringify(env[name])} was accepted`);
  };

  it('names the variable, what was wrong and what is allowed', () => {
    expect(bad({ PORT: 'http' }, 'PORT')).toBe('PORT must be a whole number, got "http"');
    expect(bad({ PORT: '70000' }, 'PORT')).toBe('PORT must be between 0 and 65535, got 70000');
    expect(bad({ MAX_DEPTH: '-1' }, 'MAX_DEPTH')).toBe('MAX_DEPTH must be a whole number, got "-1"');
    expect(bad({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL')).toBe('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(bad({ LOG_FORMAT: 'xml' }, 'LOG_FORMAT')).toBe('LOG_FORMAT must be json or pretty, got "xml"');
    expect(bad({ NUMBERGRAPH_MODE: 'prod' }, 'NUMBERGRAPH_MODE')).toBe('NUMBERGRAPH_MODE must be production or development, got "prod"');
    expect(bad({ SUBGRAPH: 'billing' }, 'SUBGRAPH')).toBe('SUBGRAPH must be one of allocations, inventory, compliance, routing, got "billing"');
    expect(bad({ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL')).toBe('DATABASE_URL must use postgres: or postgresql:, got "mysql:"');
    expect(bad({ NATS_URL: 'http://127.0.0.1:4222' }, 'NATS_URL')).toBe('NATS_URL must use nats: or tls:, got "http:"');
    expect(bad({ CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS')).toBe('CORS_ORIGINS must list bare origins (scheme://host[:port]), got "https://app.example.com/path"');
    expect(bad({ CORS_ORIGINS: 'app' }, 'CORS_ORIGINS')).toBe('CORS_ORIGINS must list origins such as https://app.example.com, got "app"');
  });

  it('that is not a URL is said without its password', () => {
    const message = bad({ REDIS_URL: 'redis://user:hunter2@[broken' }, 'REDIS_URL');
    expect(message).toMatch(/^REDIS_URL is not a URL: .*\(allowed: a redis or rediss URL\)$/);
    expect(message).not.toContain('hunter2');
  });

  it('outside the bounds is refused at each bound, and the bounds themselves are accepted', () => {
    for (const [name, min, max] of [
      ['DB_POOL_MAX', 1, 200],
      ['SIMULATOR_SEED', 0, 2 ** 31],
      ['MAX_BODY_BYTES', 1_024, 64 * 1024 * 1024],
      ['ORDER_WAIT_MS', 0, 60_000],
    ] as const) {
      expect(readSettings({ [name]: String(min) }, [name])[name]).toBe(min);
      expect(readSettings({ [name]: String(max) }, [name])[name]).toBe(max);
      if (min > 0) expect(bad({ [name]: String(min - 1) }, name)).toBe(`${name} must be between ${min} and ${max}, got ${min - 1}`);
      expect(bad({ [name]: String(max + 1) }, name)).toBe(`${name} must be between ${min} and ${max}, got ${max + 1}`);
    }
  });
});

describe('the schema and the code', () => {
  it('knows each subgraph by name, for its database and its address', () => {
    for (const name of SUBGRAPH_NAMES) {
      expect(databaseUrlName(name)).toBe(`${name.toUpperCase()}_DATABASE_URL`);
      expect(subgraphUrlName(name)).toBe(`${name.toUpperCase()}_URL`);
      expect(readSettings({ SUBGRAPH: name }, ['SUBGRAPH']).SUBGRAPH).toBe(name);
    }
    expect(databaseUrlName('edge')).toBe('EDGE_DATABASE_URL');
    expect(databaseUrlName('billing')).toBeNull();
  });

  /** The product's source files (tests, benchmarks and generated code aside). */
  const productFiles = (dir: string): string[] =>
    readdirSync(join(ROOT, dir)).flatMap((entry) => {
      const path = join(dir, entry);
      if (entry === 'node_modules' || entry === 'generated') return [];
      if (statSync(join(ROOT, path)).isDirectory()) return productFiles(path);
      return /\.(ts|mjs)$/.test(entry) && !entry.endsWith('.test.ts') ? [path] : [];
    });

  it('is the only reader of the environment in product code', () => {
    const raw = /process\.env\.[A-Z_]|process\.env\[|\benv\.[A-Z_]{2,}|\benv\[['"`]/;
    const readers = ['platform', 'contracts', 'gateway', 'src', 'subgraphs', 'providers', 'scripts']
      .flatMap(productFiles)
      .filter((file) => !file.endsWith('settings-schema.ts'))
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line) && raw.test(line))
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(readers).toEqual([]);
  });

  it("has every variable the README's configuration table names, with the same default", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## Configuration');
    const rows = readme.slice(start, readme.indexOf('\n## ', start + 1)).split('\n').filter((line) => line.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      const [names, shown] = row.split(' | ');
      for (const name of [...names!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)) {
        expect(NAMES).toContain(name);
        // a single default written as a number is the schema's
        const setting: { default: unknown } = SETTINGS[name as SettingName];
        if (/^\d+$/.test(shown!.split(' ')[0]!) && !names!.includes(',')) expect(String(setting.default)).toBe(shown!.split(' ')[0]);
      }
    }
  });
});

describe('the help', () => {
  const help = settingsHelp();

  it('lists every variable, under each process that reads it, with its default', () => {
    for (const name of NAMES) expect(help).toContain(`  ${name} `);
    for (const process of Object.keys(PROCESSES) as ProcessName[]) {
      const section = help.slice(help.indexOf(`Read by ${PROCESSES[process]}`)).split('\n\n')[0]!;
      for (const name of NAMES) {
        const line = section.split('\n').find((l) => l.startsWith(`  ${name} `));
        if (SETTINGS[name].readBy.includes(process)) expect(line).toContain(`default: ${shownDefault(SETTINGS[name], process)};`);
        else expect(line).toBeUndefined();
      }
    }
  });

  it('shows a process its own default where it differs', () => {
    const subgraph = settingsHelp(['subgraph']);
    expect(subgraph).toMatch(/ PORT +default: the subgraph's own: allocations 4001/);
    expect(subgraph).toMatch(/ HOST +default: 127\.0\.0\.1/);
    expect(settingsHelp(['gateway'])).toMatch(/ PORT +default: 4000; a whole number from 0 to 65535\n +the port to listen on/);
    expect(settingsHelp(['scripts'])).toMatch(/ LOG_LEVEL +default: warn;/);
  });
});
