import * as path from 'node:path';

import { parseTarget, withDatabase } from './connection';
import { ConfigError, databaseUrlFor, redactUrl, SERVICES, type Env, type ServiceName } from './env';

const parts: Env = {
  DATABASE_HOST: 'db.internal',
  DATABASE_PORT: '6543',
  DATABASE_USER: 'box office',
  DATABASE_PASSWORD: 'p@ss:w/rd#1',
};

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('databaseUrlFor', () => {
  it('prefers DATABASE_URL_<SERVICE>', () => {
    const env = { ...parts, DATABASE_URL_CHECKOUT: 'postgresql://u:p@h:1/custom' };
    expect(databaseUrlFor('checkout', env)).toBe('postgresql://u:p@h:1/custom');
    expect(databaseUrlFor('login', env)).toMatch(/\/boxoffice_login$/);
  });

  it('builds boxoffice_<service> from the parts, encoding the credentials', () => {
    const url = databaseUrlFor('notify', parts);
    expect(url).toBe('postgresql://box%20office:p%40ss%3Aw%2Frd%231@db.internal:6543/boxoffice_notify');
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.username)).toBe('box office');
    expect(decodeURIComponent(parsed.password)).toBe('p@ss:w/rd#1');
  });

  it('defaults the port and allows an explicitly empty password', () => {
    const env = { DATABASE_HOST: 'localhost', DATABASE_USER: 'postgres', DATABASE_PASSWORD: '' };
    expect(databaseUrlFor('login', env)).toBe('postgresql://postgres@localhost:5432/boxoffice_login');
  });

  it('brackets IPv6 hosts', () => {
    expect(databaseUrlFor('login', { ...parts, DATABASE_HOST: '::1' })).toContain('@[::1]:6543/');
  });

  it.each([
    [{}, /DATABASE_URL_CHECKOUT, or DATABASE_HOST, DATABASE_PORT, DATABASE_USER and DATABASE_PASSWORD/],
    [{ ...parts, DATABASE_HOST: '' }, /^DATABASE_HOST is not set/],
    [{ ...parts, DATABASE_USER: undefined }, /^DATABASE_USER is not set/],
    [{ ...parts, DATABASE_PASSWORD: undefined }, /^DATABASE_PASSWORD is not set/],
    [{ ...parts, DATABASE_PORT: 'abc' }, /^DATABASE_PORT must be a port number/],
    [{ ...parts, DATABASE_PORT: '70000' }, /^DATABASE_PORT must be a port number/],
    [{ ...parts, DATABASE_HOST: 'user@host' }, /^DATABASE_HOST must be a bare host/],
    [{ DATABASE_URL_CHECKOUT: 'mysql://u:p@h/db' }, /^DATABASE_URL_CHECKOUT must start with postgresql:\/\//],
    [{ DATABASE_URL_CHECKOUT: 'not a url' }, /^DATABASE_URL_CHECKOUT is not a valid URL/],
    [{ DATABASE_URL_CHECKOUT: 'postgresql://u:secret@h:5432' }, /^DATABASE_URL_CHECKOUT must name a database/],
  ])('fails with one line naming the variable (%#)', (env, message) => {
    const error = errorOf(() => databaseUrlFor('checkout', env as Env));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('secret');
  });

  it('rejects unknown services', () => {
    expect(() => databaseUrlFor('billing' as ServiceName, parts)).toThrow(/unknown service "billing"/);
  });
});

describe('URL helpers', () => {
  it('redacts passwords', () => {
    expect(redactUrl('postgresql://u:secret@h:1/db')).toBe('postgresql://u:***@h:1/db');
  });

  it('reads Prisma\'s schema parameter and keeps it away from pg', () => {
    const target = parseTarget('postgresql://u:p@h:1/db?schema=app&sslmode=disable');
    expect(target).toMatchObject({ database: 'db', schema: 'app', server: 'h:1' });
    expect(target.connectionString).toBe('postgresql://u:p@h:1/db?sslmode=disable');
    expect(parseTarget('postgresql://u:p@h/db').schema).toBe('public');
    expect(withDatabase('postgresql://u:p@h:1/db?schema=app', 'postgres')).toBe('postgresql://u:p@h:1/postgres');
  });
});

describe('services/*/prisma.config.ts', () => {
  const root = path.resolve(__dirname, '../../..');

  function loadConfig(service: ServiceName, env: Env): { datasource?: { url?: string }; schema?: string } {
    const saved = process.env;
    process.env = { PATH: saved.PATH, ...env } as NodeJS.ProcessEnv;
    try {
      let config: { datasource?: { url?: string }; schema?: string } = {};
      jest.isolateModules(() => {
        config = require(path.join(root, 'services', service, 'prisma.config.ts')).default;
      });
      return config;
    } finally {
      process.env = saved;
    }
  }

  it.each(SERVICES)('%s follows the same convention as databaseUrlFor', (service) => {
    const explicit = { [`DATABASE_URL_${service.toUpperCase()}`]: `postgresql://a:b@c:1/x_${service}` };
    for (const env of [parts, explicit, { ...parts, DATABASE_PASSWORD: '' }, { ...parts, DATABASE_PORT: undefined }]) {
      expect(loadConfig(service, env).datasource?.url).toBe(databaseUrlFor(service, env));
    }
    const config = loadConfig(service, {});
    expect(config.datasource?.url).toBeUndefined();
    expect(config.schema).toBe('prisma/schema.prisma');
  });
});
