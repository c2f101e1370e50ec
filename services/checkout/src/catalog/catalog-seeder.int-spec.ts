import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { requireStackEnv } from '@boxoffice/testing';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { HOT_TIER_ID, demoCatalog } from './demo-catalog';

const stack = requireStackEnv();
const run = promisify(execFile);
const root = path.resolve(__dirname, '../../../..');

describe('demo catalog seed (scripts/seed.ts)', () => {
  let db: TestDatabase;
  const seed = () => run(path.join(root, 'node_modules/.bin/tsx'), ['services/checkout/scripts/seed.ts'], { cwd: root, env: { ...process.env, DATABASE_URL: db.url } });

  beforeAll(async () => {
    db = await createTestDatabase(stack, 'checkout_seed');
  });
  afterAll(() => db?.drop());

  it('creates the concerts and the 50-seat hot event, and changes nothing sold when run again', async () => {
    const first = await seed();
    expect(first.stdout).toMatch(new RegExp(`seeded ${demoCatalog.length} events: ${demoCatalog.length} created`));
    expect(first.stdout).toContain(`hot tier for contention demos: ${HOT_TIER_ID}`);
    expect(await db.query('SELECT capacity, seats_left FROM ticket_tier WHERE id = $1', [HOT_TIER_ID])).toEqual([{ capacity: 50, seats_left: 50 }]);

    await db.query('UPDATE ticket_tier SET seats_left = 47, price_cents = 1 WHERE id = $1', [HOT_TIER_ID]);
    const second = await seed();
    expect(second.stdout).toMatch(/0 created, \d+ already there; 0 tier\(s\) created/);
    const tiers = demoCatalog.reduce((n, e) => n + e.tiers.length, 0);
    expect(await db.query('SELECT count(*)::int AS n FROM ticket_tier')).toEqual([{ n: tiers }]);
    expect(await db.query('SELECT seats_left, price_cents FROM ticket_tier WHERE id = $1', [HOT_TIER_ID])).toEqual([{ seats_left: 47, price_cents: 6_500 }]);
  });

  it('fails with one line naming what is missing when it has no database', async () => {
    const env = { PATH: process.env.PATH ?? '' };
    const failed = await run(path.join(root, 'node_modules/.bin/tsx'), ['services/checkout/scripts/seed.ts'], { cwd: root, env }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringMatching(/^seed: set DATABASE_URL/) });
  });
});
