import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { runCli } from './cli';
import { validateFlagFiles } from './flag-files';
import { FlagsClient } from './flags-client';
import { cleanupTempDirs, collectingLogger, copyRepoFlags, flagDir, REPO_FLAGS_DIR } from './testing/helpers';

afterAll(cleanupTempDirs);

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { env, cwd: process.cwd(), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const fileOf = (dir: string) => path.join(dir, 'boxoffice.features.yml');

/** Lines that differ between two texts of the same length in lines. */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return b.filter((line, i) => line !== a[i]);
}

describe('flags CLI on the flag files', () => {
  it('enable and disable change one line, keep comments and layout, and round-trip byte for byte', async () => {
    const dir = copyRepoFlags();
    const original = readFileSync(fileOf(dir), 'utf8');

    const enabled = await cli(['enable', 'checkout-kill-switch', '--dir', dir]);
    expect(enabled).toMatchObject({ code: 0, err: '' });
    expect(enabled.out).toMatch(/checkout-kill-switch: boolean, false\n\s+→ boolean, true\nwritten .*boxoffice\.features\.yml; no demo is running \(npm start runs one\); services reading this directory pick the change up within 2 s/);
    expect(changedLines(original, readFileSync(fileOf(dir), 'utf8'))).toEqual(['    enabled: true']);

    expect((await cli(['disable', 'checkout-kill-switch', '--dir', dir])).code).toBe(0);
    expect(readFileSync(fileOf(dir), 'utf8')).toBe(original);
    expect((await cli(['disable', 'checkout-kill-switch', '--dir', dir])).out).toMatch(/unchanged/);
  });

  it("says whether the running demo's services read the directory it wrote", async () => {
    const dir = copyRepoFlags();
    const readByDemo = await cli(['enable', 'checkout-kill-switch', '--dir', dir], { BOXOFFICE_DEMO_FLAGS_DIR: dir });
    expect(readByDemo.out).toMatch(/written .*; the running demo's services read it and pick the change up within 2 s/);
    const elsewhere = await cli(['disable', 'checkout-kill-switch', '--dir', dir], { BOXOFFICE_DEMO_FLAGS_DIR: REPO_FLAGS_DIR });
    expect(elsewhere.out).toMatch(new RegExp(`the running demo reads ${REPO_FLAGS_DIR}, not this directory: its services do not see this change`));
  });

  it('rollout sets the threshold percentage, and the running engine follows it', async () => {
    const dir = copyRepoFlags();
    const original = readFileSync(fileOf(dir), 'utf8');

    const result = await cli(['rollout', 'checkout-new-pricing', '45%', '--dir', dir]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/then 30 % of users → true; otherwise false\n\s+→ boolean: segment env-dev → true; then 45 % of users → true; otherwise false/);
    expect(changedLines(original, readFileSync(fileOf(dir), 'utf8'))).toEqual(['          percentage: 45']);

    const flags = await FlagsClient.create({ source: { kind: 'files', dir }, namespace: 'boxoffice', environment: 'prod', logger: collectingLogger() });
    try {
      const ids = Array.from({ length: 4000 }, (_, i) => `user-${i}`);
      const share = ids.filter((userId) => flags.isEnabled('checkout-new-pricing', { userId })).length / ids.length;
      expect(Math.abs(share - 0.45)).toBeLessThan(0.03);
    } finally {
      await flags.stop();
    }

    expect((await cli(['rollout', 'checkout-new-pricing', '30', '--dir', dir])).code).toBe(0);
    expect(readFileSync(fileOf(dir), 'utf8')).toBe(original);
  });

  it('rollout on a boolean flag without a threshold adds one; enable then warns about rollouts that still answer false', async () => {
    const dir = copyRepoFlags();
    const added = await cli(['rollout', 'checkout-kill-switch', '10', '--dir', dir]);
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/→ boolean: 10 % of users → true; otherwise false/);
    const text = readFileSync(fileOf(dir), 'utf8');
    expect(text).toContain('    rollouts:\n      - description: 10 % of users by user id\n        threshold:\n          percentage: 10\n          value: true\n');
    expect(text).toContain('# Box Office feature flags, in Flipt\'s declarative format.');
    expect(validateFlagFiles(dir).valid).toBe(true);

    const disabled = await cli(['disable', 'checkout-new-pricing', '--dir', dir]);
    expect(disabled.out).toMatch(/unchanged/);
    const enabled = await cli(['enable', 'checkout-new-pricing', '--dir', dir]);
    expect(enabled.out).toMatch(/→ boolean: segment env-dev → true; then 30 % of users → true; otherwise true/);
  });

  it('variant sets the default variant of a variant flag', async () => {
    const dir = copyRepoFlags();
    const result = await cli(['variant', 'checkout-payment-failure-rate', 'high', '--dir', dir]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/otherwise off\n\s+→ variant: service-checkout AND faulty-version → high; otherwise high/);
    const flags = await FlagsClient.create({ source: { kind: 'files', dir }, namespace: 'boxoffice', service: 'checkout', logger: collectingLogger() });
    try {
      expect(flags.paymentFailureRate({ userId: 'u1' })).toBe(0.5);
    } finally {
      await flags.stop();
    }
  });

  it('get shows a flag and, given a context, what it answers', async () => {
    const result = await cli(['get', 'notify-channel', '--plan', 'premium', '--region', 'us-east', '--user', 'u1', '--dir', REPO_FLAGS_DIR]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^notify-channel — Notification channel \(.*boxoffice\.features\.yml:\d+\)/);
    expect(result.out).toMatch(/for \{"userId":"u1","plan":"premium","region":"us-east"\}: push$/);
  });

  it('list prints one line per flag', async () => {
    const result = await cli(['list', '--dir', REPO_FLAGS_DIR]);
    expect(result.code).toBe(0);
    expect(result.out.split('\n').map((l) => l.split(' ')[0])).toEqual([
      'checkout-kill-switch',
      'checkout-new-pricing',
      'notify-channel',
      'checkout-payment-failure-rate',
      'checkout-added-latency-ms',
    ]);
  });
});

describe('flags CLI errors', () => {
  it('an unknown key lists the known keys (exit 2)', async () => {
    const result = await cli(['enable', 'checkout-kill', '--dir', REPO_FLAGS_DIR]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      'error: unknown flag "checkout-kill" in namespace "boxoffice". Known flags: checkout-kill-switch, checkout-new-pricing, notify-channel, checkout-payment-failure-rate, checkout-added-latency-ms',
    );
  });

  it.each([['150'], ['-5'], ['abc'], ['']])('a bad percent (%j) names the valid range (exit 2)', async (percent) => {
    const dir = copyRepoFlags();
    const before = readFileSync(fileOf(dir), 'utf8');
    const result = await cli(['rollout', 'checkout-new-pricing', percent, '--dir', dir]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/percent must be a number from 0 to 100/);
    expect(readFileSync(fileOf(dir), 'utf8')).toBe(before);
  });

  it('usage mistakes exit 2 with a hint', async () => {
    expect(await cli([])).toMatchObject({ code: 2, err: expect.stringMatching(/^Usage: npm run flags -- <command>/) });
    expect(await cli(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "frobnicate"/) });
    expect(await cli(['rollout', 'checkout-new-pricing'])).toMatchObject({ code: 2, err: expect.stringMatching(/usage: npm run flags -- rollout <key> <percent>/) });
    expect(await cli(['rollout', 'notify-channel', '50', '--dir', REPO_FLAGS_DIR])).toMatchObject({ code: 2, err: expect.stringMatching(/"notify-channel" is a variant flag/) });
    expect(await cli(['variant', 'notify-channel', 'pigeon', '--dir', REPO_FLAGS_DIR])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown variant "pigeon" .* Known variants: email, sms, push, webhook/) });
    expect(await cli(['list', '--colour', 'red'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown option --colour/) });
    expect(await cli(['list'], { FLAGS_ENVIRONMENT: 'production' })).toMatchObject({ code: 2, err: expect.stringMatching(/FLAGS_ENVIRONMENT: /) });
    expect(await cli(['help'])).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage/) });
  });

  it('never writes an invalid file: the edit is validated first (exit 1, file untouched)', async () => {
    // A default variant needs format version 1.3; this file declares 1.2.
    const yaml = `version: "1.2"
namespace: boxoffice
flags:
  - key: notify-channel
    name: Channel
    type: VARIANT_FLAG_TYPE
    enabled: true
    variants:
      - key: email
      - key: sms
`;
    const dir = flagDir({ 'boxoffice.features.yml': yaml });
    const result = await cli(['variant', 'notify-channel', 'sms', '--dir', dir]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/refusing to write: the change would make the flag files invalid:\n.*boxoffice\.features\.yml:11:9 .*a default variant needs version "1.3"/);
    expect(readFileSync(fileOf(dir), 'utf8')).toBe(yaml);
  });

  it('refuses to edit files that are already invalid, and validate reports them with file and line', async () => {
    const dir = copyRepoFlags();
    const broken = readFileSync(fileOf(dir), 'utf8').replace('match_type: ANY_MATCH_TYPE', 'match_type: ANY');
    writeFileSync(fileOf(dir), broken);
    const edit = await cli(['enable', 'checkout-kill-switch', '--dir', dir]);
    expect(edit.code).toBe(1);
    expect(edit.err).toMatch(/the flag files are invalid already; fix them first:\n.*boxoffice\.features\.yml:\d+:17 segment "region-us"\.match_type: unknown value "ANY"/);
    expect(readFileSync(fileOf(dir), 'utf8')).toBe(broken);

    const validate = await cli(['validate', '--dir', dir]);
    expect(validate.code).toBe(1);
    expect(validate.err).toMatch(/boxoffice\.features\.yml:\d+:17 .*unknown value "ANY" \(did you mean "ANY_MATCH_TYPE"\?\)[\s\S]*1 error\(s\) in 1 file\(s\)/);
    expect(await cli(['validate', '--dir', REPO_FLAGS_DIR])).toMatchObject({ code: 0, out: expect.stringMatching(/^ok: 1 file\(s\) valid/) });
  });
});

describe('flags CLI with FLIPT_URL', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url === '/api/v1/namespaces/boxoffice/flags') {
        res.end(
          JSON.stringify({
            flags: [
              { key: 'checkout-kill-switch', name: 'Checkout kill switch', description: '', enabled: true, type: 'BOOLEAN_FLAG_TYPE', variants: [] },
              { key: 'notify-channel', name: 'Notification channel', description: '', enabled: true, type: 'VARIANT_FLAG_TYPE', variants: [{ key: 'email' }, { key: 'sms' }] },
            ],
            nextPageToken: '',
            totalCount: 2,
          }),
        );
      } else if (req.method === 'POST' && req.url === '/evaluate/v1/boolean') {
        res.end(JSON.stringify({ enabled: true, flagKey: 'checkout-kill-switch', reason: 'DEFAULT_EVALUATION_REASON', segmentKeys: [], requestDurationMillis: 0.1, timestamp: '' }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ message: 'not found' }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('lists and evaluates through the Flipt server SDK', async () => {
    const env = { FLIPT_URL: url, FLIPT_CLIENT_TOKEN: 'tok' };
    const list = await cli(['list'], env);
    expect(list).toMatchObject({ code: 0 });
    expect(list.out).toBe('checkout-kill-switch  boolean, enabled true\nnotify-channel        variant, enabled true, variants email/sms');

    const get = await cli(['get', 'checkout-kill-switch', '--user', 'u1'], env);
    expect(get.code).toBe(0);
    expect(get.out).toMatch(/Flipt answers true \(DEFAULT_EVALUATION_REASON\)/);
    expect(seen).toContain('POST /evaluate/v1/boolean Bearer tok');

    const unknown = await cli(['get', 'nope'], env);
    expect(unknown).toMatchObject({ code: 2, err: expect.stringMatching(/Known flags: checkout-kill-switch, notify-channel/) });
  });

  it('refuses changes: the server serves git, so changes go through the files', async () => {
    const result = await cli(['enable', 'checkout-kill-switch'], { FLIPT_URL: url });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/serves them from git \(read-only\)\. Unset FLIPT_URL to edit k8s\/flags here, then commit and push/);
  });
});
