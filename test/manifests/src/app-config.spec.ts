import { readFlagDirectory, toEngineDocument, checkRegistry, formatProblem, FLAG_ENVIRONMENTS } from '@boxoffice/flags';
import { configProblems, containerEnv } from './checks/service-env';
import { probeProblems } from './checks/routes';
import { appTargets, target, targets } from './support/cache';
import { bootstrap, READ_OUTSIDE_SCHEMA, SERVICES, serviceConfigs, serviceSchema } from './support/environment';
import { named, ofKind, type K8sObject } from './support/objects';
import { repoPath } from './support/paths';
import { readYaml } from './support/repo';
import { serviceRoutes } from './support/routes';

const copy = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const apps = appTargets();

describe('each service’s own config schema parses the env its rendered pod gets', () => {
  it.each(apps.map((t) => [t.id, t] as const))('%s', (_id, t) => {
    const { configs, jobEnvs, problems } = serviceConfigs(t.objects);
    expect(problems).toEqual([]);
    expect([...configs.keys()].sort()).toEqual(['Rollout/checkout', 'Rollout/login', 'Rollout/notify']);
    expect(jobEnvs.size).toBeGreaterThanOrEqual(3);
  });

  describe('catch mistakes', () => {
    const prod = () => copy(target('kustomize/overlays/prod').objects);
    const problemsOf = (objects: K8sObject[]) => serviceConfigs(objects).problems;

    it('a misspelled variable the service would silently default (JWKS_URL → JWKS_URI)', () => {
      const objects = prod();
      const cm = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('checkout-config'))!;
      cm.data.JWKS_URI = cm.data.JWKS_URL;
      delete cm.data.JWKS_URL;
      expect(problemsOf(objects)).toEqual([
        'Rollout/checkout: sets JWKS_URI, which the service does not read',
        expect.stringMatching(/^Rollout\/checkout: JWKS_URL is http:\/\/127\.0\.0\.1:3001\/.* \(the local-development default: the pod does not set it\)/),
      ]);
    });
    it('a misspelled shared variable nobody reads, and a bad value', () => {
      const objects = prod();
      const env = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('boxoffice-env'))!;
      env.data.FLAGS_ENVIROMENT = env.data.FLAGS_ENVIRONMENT;
      env.data.LOG_LEVEL = 'verbose';
      const problems = problemsOf(objects);
      expect(problems).toEqual(expect.arrayContaining(['Rollout/login: sets FLAGS_ENVIROMENT, which the service does not read', 'Rollout/checkout: sets FLAGS_ENVIROMENT, which the service does not read']));
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^Rollout\/notify: LOG_LEVEL: /)]));
    });
    it('a Secret key nobody creates, and a Secret nobody creates', () => {
      const objects = prod();
      named(objects, 'Rollout', 'notify')!.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.key = 'url';
      named(objects, 'Job', 'login-migrate')!.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name = 'login-database';
      expect(problemsOf(objects)).toEqual(expect.arrayContaining([
        'Rollout/notify/notify: Secret notify-db has no key url (created with DATABASE_URL)',
        'Job/login-migrate/migrate: Secret login-database is not created by k8s/bootstrap/bootstrap.sh',
      ]));
    });
    it('a key file path no volume mounts', () => {
      const objects = prod();
      const cm = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('login-config'))!;
      cm.data.JWT_PRIVATE_KEY_FILE = '/var/run/secrets/boxoffice/jwt/key.pem';
      expect(problemsOf(objects)).toEqual([expect.stringContaining('JWT_PRIVATE_KEY_FILE=/var/run/secrets/boxoffice/jwt/key.pem: volume jwt-key has no item at key.pem')]);
    });
    it('the pure check on a hand-made env', () => {
      const schema = serviceSchema('notify');
      const rollout = named(target('kustomize/overlays/dev').objects, 'Rollout', 'notify')!;
      const { env } = containerEnv(target('kustomize/overlays/dev').objects, rollout, rollout.spec.template.spec.containers[0], bootstrap().secrets);
      expect(configProblems('notify', schema, env, new Set([...READ_OUTSIDE_SCHEMA, 'POD_NAME', 'POD_NAMESPACE']))).toEqual([]);
      expect(configProblems('notify', schema, { ...env, KAFKA_BROKERS: 'localhost:9092' }, new Set([...READ_OUTSIDE_SCHEMA, 'POD_NAME', 'POD_NAMESPACE']))).toEqual([expect.stringContaining('KAFKA_BROKERS is localhost:9092 (set so by the pod)')]);
    });
  });
});

describe('probe paths are routes the services serve', () => {
  const routes = Object.fromEntries(SERVICES.map((s) => [s, serviceRoutes(s)]));

  it('reads the routes from the code', () => {
    for (const s of SERVICES) expect(routes[s]).toEqual(expect.arrayContaining(['/health', '/health/live', '/health/ready']));
    expect(routes.login).toContain('/.well-known/jwks.json');
  });

  it.each(apps.map((t) => [t.id, t] as const))('%s', (_id, t) => {
    const rollouts = ofKind(t.objects, 'Rollout');
    expect(rollouts.length).toBe(3);
    for (const r of rollouts) expect(probeProblems(r, routes[r.metadata.name])).toEqual([]);
  });

  it('catches a probe on a path no controller serves, and a missing probe', () => {
    const r = copy(named(target('kustomize/overlays/prod').objects, 'Rollout', 'checkout')!);
    r.spec.template.spec.containers[0].readinessProbe.httpGet.path = '/healthz';
    delete r.spec.template.spec.containers[0].startupProbe;
    expect(probeProblems(r, routes.checkout)).toEqual(['Rollout checkout/checkout: no startupProbe', expect.stringContaining('readinessProbe asks /healthz, which the service does not serve')]);
  });
});

describe('flag files (k8s/flags, what Flipt serves) are valid and match the code', () => {
  const dir = readYaml<{ flipt: { config: { storage: { git: { directory: string } } } } }>('k8s/platform/flipt/values.yaml').flipt.config.storage.git.directory;
  const flags = readFlagDirectory(repoPath(dir));

  it('exist, validate without problems, and define every flag the code reads with variants it knows', () => {
    expect(flags.files.length).toBeGreaterThan(0);
    expect(flags.problems.map(formatProblem)).toEqual([]);
    const namespaces = [...new Set(flags.documents.map((d) => d.namespace))];
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) expect(checkRegistry(toEngineDocument(flags.documents, ns))).toEqual([]);
  });

  it('every overlay’s FLIPT_NAMESPACE is declared, and its FLAGS_ENVIRONMENT has an env-* segment', () => {
    const overlays = targets('overlay');
    expect(overlays.length).toBeGreaterThanOrEqual(3);
    for (const t of overlays) {
      const env = ofKind(t.objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('boxoffice-env'))!;
      const docs = flags.documents.filter((d) => d.namespace === env.data.FLIPT_NAMESPACE);
      expect(docs.length ? t.id : `${t.id}: FLIPT_NAMESPACE ${env.data.FLIPT_NAMESPACE} is declared by no flag file`).toBe(t.id);
      expect((FLAG_ENVIRONMENTS as readonly string[]).includes(env.data.FLAGS_ENVIRONMENT)).toBe(true);
      expect(docs.flatMap((d) => d.segments.map((s) => s.key))).toContain(`env-${env.data.FLAGS_ENVIRONMENT}`);
    }
  });

  it('catches a rule naming an undefined segment, a variant the code does not know, and no files at all', () => {
    const file = flags.files[0];
    const broken = readFlagDirectory(repoPath(dir), { overrides: new Map([[file.file, file.text.replace('segment: plan-premium', 'segment: plan-premum').replace('- variant: push', '- variant: pigeon').replace('      - key: push\n', '      - key: pigeon\n')]]) });
    expect(broken.problems.map(formatProblem)).toEqual([expect.stringContaining('unknown segment "plan-premum"')]);
    const renamedVariant = readFlagDirectory(repoPath(dir), { overrides: new Map([[file.file, file.text.replace('- variant: push', '- variant: pigeon').replace('      - key: push\n', '      - key: pigeon\n')]]) });
    expect(renamedVariant.problems).toEqual([]);
    expect(checkRegistry(toEngineDocument(renamedVariant.documents, 'boxoffice'))).toEqual([expect.stringContaining('variant "pigeon", which the code does not know')]);
    const renamedFile = readFlagDirectory(repoPath(dir), { overrides: new Map([[repoPath(dir, '.flipt.yml'), 'version: "1.0"\ninclude:\n  - "**.flags.yml"\n']]) });
    expect(renamedFile.files).toEqual([]);
  });
});
