import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { editFlag, FlagsClient, FlagsLogger } from '@boxoffice/flags';
import { ChannelAudience } from './channel-selector';
import { FlaggedChannelSelector } from './flagged-channel-selector';

const REPO_FLAGS_DIR = path.resolve(__dirname, '../../../../k8s/flags');
const quiet: FlagsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const clients: FlagsClient[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'notify-flags-'));
  dirs.push(dir);
  return dir;
}

async function flagsFrom(dir: string): Promise<FlagsClient> {
  const flags = await FlagsClient.create({ source: { kind: 'files', dir, watch: false }, namespace: 'boxoffice', environment: 'prod', service: 'notify', logger: quiet });
  clients.push(flags);
  return flags;
}

/** A copy of the repo's flags, optionally edited as `npm run flags` would. */
async function repoFlags(edit?: (dir: string) => void): Promise<FlagsClient> {
  const dir = tempDir();
  cpSync(REPO_FLAGS_DIR, dir, { recursive: true });
  edit?.(dir);
  return flagsFrom(dir);
}

const audience = (plan: 'free' | 'premium', region: string): ChannelAudience => ({ userId: randomUUID(), plan, region, kind: 'welcome' });

afterAll(async () => {
  for (const flags of clients) await flags.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('FlaggedChannelSelector (notify-channel by plan and region)', () => {
  it.each([
    ['premium', 'us-east', 'push'],
    ['premium', 'us', 'push'],
    ['premium', 'eu', 'sms'],
    ['premium', 'usa', 'sms'],
    ['free', 'us-east', 'email'],
    ['free', 'eu', 'email'],
  ] as const)('a %s user in region %s gets %s (NOTIFY_DEFAULT_CHANNEL email)', async (plan, region, expected) => {
    const selector = new FlaggedChannelSelector(await repoFlags(), 'email');
    expect(selector.for(audience(plan, region))).toBe(expected);
  });

  it('gives everyone the flag leaves on its default variant NOTIFY_DEFAULT_CHANNEL, and keeps the segments’ channels', async () => {
    const selector = new FlaggedChannelSelector(await repoFlags(), 'webhook');
    expect(selector.for(audience('free', 'eu'))).toBe('webhook');
    expect(selector.for(audience('premium', 'us-west'))).toBe('push');
    expect(selector.for(audience('premium', 'eu'))).toBe('sms');
  });

  it('uses NOTIFY_DEFAULT_CHANNEL for everyone while the flag is disabled', async () => {
    const flags = await repoFlags((dir) => editFlag(dir, 'boxoffice', 'notify-channel', { kind: 'disable' }));
    const selector = new FlaggedChannelSelector(flags, 'webhook');
    expect([selector.for(audience('premium', 'us-east')), selector.for(audience('premium', 'eu')), selector.for(audience('free', 'eu'))]).toEqual(['webhook', 'webhook', 'webhook']);
  });

  it('follows a change of the flag’s default variant', async () => {
    const flags = await repoFlags((dir) => editFlag(dir, 'boxoffice', 'notify-channel', { kind: 'default-variant', variant: 'sms' }));
    expect(new FlaggedChannelSelector(flags, 'email').for(audience('free', 'eu'))).toBe('sms');
  });

  it('falls back to NOTIFY_DEFAULT_CHANNEL for a channel this instance cannot deliver through', async () => {
    const flags = await repoFlags((dir) => editFlag(dir, 'boxoffice', 'notify-channel', { kind: 'default-variant', variant: 'webhook' }));
    const withoutWebhook = new FlaggedChannelSelector(flags, 'email', (channel) => channel !== 'webhook');
    expect(withoutWebhook.for(audience('free', 'eu'))).toBe('email');
    expect(new FlaggedChannelSelector(flags, 'email').for(audience('free', 'eu'))).toBe('webhook');
  });

  it('uses NOTIFY_DEFAULT_CHANNEL for everyone when the flag files cannot be read', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'boxoffice.features.yml'), 'version: "1.4"\nnamespace: boxoffice\nflags: [\n');
    const flags = await flagsFrom(dir);
    expect(flags.status().loaded).toBe(false);
    const selector = new FlaggedChannelSelector(flags, 'webhook');
    expect([selector.for(audience('premium', 'us-east')), selector.for(audience('free', 'eu'))]).toEqual(['webhook', 'webhook']);
  });
});
