import { ConfigError } from '@boxoffice/config';
import { loadFlagsSettings } from './config';
import { REPO_FLAGS_DIR } from './testing/helpers';

const repoRoot = REPO_FLAGS_DIR.replace(/\/k8s\/flags$/, '');

describe('loadFlagsSettings', () => {
  it('defaults to the repo flag files, namespace boxoffice, environment dev, 1 s refresh', () => {
    expect(loadFlagsSettings({}, repoRoot)).toEqual({
      source: { kind: 'files', dir: REPO_FLAGS_DIR },
      namespace: 'boxoffice',
      environment: 'dev',
      refreshIntervalMs: 1000,
    });
  });

  it('uses the Flipt server when FLIPT_URL is set', () => {
    const settings = loadFlagsSettings(
      { FLIPT_URL: 'http://flipt.flipt.svc:8080', FLIPT_CLIENT_TOKEN: 'abc', FLAGS_ENVIRONMENT: 'prod', FLIPT_NAMESPACE: 'boxoffice' },
      '/nowhere',
    );
    expect(settings).toEqual({
      source: { kind: 'flipt', url: 'http://flipt.flipt.svc:8080', clientToken: 'abc' },
      namespace: 'boxoffice',
      environment: 'prod',
      refreshIntervalMs: 1000,
    });
  });

  it('fails fast naming the variable', () => {
    const attempt = (env: NodeJS.ProcessEnv) => () => loadFlagsSettings(env, repoRoot);
    expect(attempt({ FLIPT_URL: 'flipt:8080' })).toThrow(/FLIPT_URL: must be an http\(s\):\/\/ URL of the Flipt server \(got "flipt:8080"\)/);
    expect(attempt({ FLAGS_ENVIRONMENT: 'production' })).toThrow(/FLAGS_ENVIRONMENT: .*\(got "production"\)/);
    expect(attempt({ FLIPT_NAMESPACE: 'box office' })).toThrow(/FLIPT_NAMESPACE: must be a Flipt namespace key/);
    expect(attempt({ FLAGS_REFRESH_INTERVAL_MS: '5' })).toThrow(/FLAGS_REFRESH_INTERVAL_MS: /);
    expect(attempt({ FLAGS_DIR: 'no/such/dir' })).toThrow(ConfigError);
    expect(attempt({ FLAGS_DIR: 'no/such/dir' })).toThrow(/FLAGS_DIR: no flag directory at .*no\/such\/dir/);
  });

  it('never echoes the client token', () => {
    expect(() => loadFlagsSettings({ FLIPT_URL: 'nope', FLIPT_CLIENT_TOKEN: '' }, repoRoot)).not.toThrow(/FLIPT_CLIENT_TOKEN/);
    expect(() => loadFlagsSettings({ FLIPT_URL: 'http://x', FLIPT_CLIENT_TOKEN: 's3cret', FLAGS_ENVIRONMENT: 'x' }, repoRoot)).not.toThrow(/s3cret/);
  });
});
