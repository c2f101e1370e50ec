import { DatabaseUnavailableError, describeDatabaseUrl } from './database-url';

describe('database url', () => {
  it('describes a URL without its credentials', () => {
    expect(describeDatabaseUrl('postgresql://boxoffice:s3cret@127.0.0.1:20010/boxoffice_login')).toBe('127.0.0.1:20010/boxoffice_login');
    expect(describeDatabaseUrl('nonsense')).toBe('(unparseable DATABASE_URL)');
  });

  it('names the server in the startup error and keeps the password out', () => {
    const error = new DatabaseUnavailableError('postgresql://u:s3cret@db:5432/x', new Error('connect ECONNREFUSED\nstack'));
    expect(error.message).toBe('PostgreSQL not reachable at db:5432/x (connect ECONNREFUSED). Local stack: npm run stack -- up');
    expect(error.message).not.toContain('s3cret');
  });
});
