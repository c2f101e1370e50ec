import { existsSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { target, targets } from './support/cache';
import { named, ofKind, type K8sObject } from './support/objects';
import { repoPath } from './support/paths';
import { findFiles, readRepoFile, readYaml } from './support/repo';

const argocd = [...target('k8s/argocd/apps').objects, ...target('k8s/argocd/root-application.yaml').objects];
const applications = ofKind(argocd, 'Application');
const project = named(argocd, 'AppProject', 'boxoffice')!;
const environments = ['dev', 'staging', 'prod'];
const wave = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

type FliptValues = { flipt: { config: { storage: { type?: string; git: { repository?: string; ref: string; directory?: string } } } } };
const flipt = readYaml<FliptValues>('k8s/platform/flipt/values.yaml');

describe('Argo CD', () => {
  it('every Application source path is a directory with a kustomization', () => {
    expect(applications.length).toBe(8);
    for (const app of applications) {
      const dir = app.spec.source.path;
      expect(existsSync(repoPath(dir, 'kustomization.yaml')) ? dir : `${app.metadata.name}: ${dir} has no kustomization.yaml`).toBe(dir);
    }
  });

  it('one repository everywhere: Applications, AppProject and Flipt read the same repoURL', () => {
    const urls = new Set(applications.map((a) => a.spec.source.repoURL));
    expect(urls.size).toBe(1);
    const [url] = urls;
    expect(project.spec.sourceRepos).toEqual([url]);
    expect(flipt.flipt.config.storage.git.repository).toBe(url);
  });

  it('each environment has a platform and an app Application, same pinned revision, same namespace', () => {
    const revisions = new Set<string>();
    for (const env of environments) {
      const platform = named(applications, 'Application', `platform-${env}`)!;
      const app = named(applications, 'Application', `boxoffice-${env}`)!;
      expect(app.spec.source.path).toBe(`kustomize/overlays/${env}`);
      expect(platform.spec.source.path).toBe(`k8s/platform/envs/${env}`);
      expect(platform.spec.source.targetRevision).toBe(app.spec.source.targetRevision);
      expect(platform.spec.destination.namespace).toBe(`boxoffice-${env}`);
      expect(app.spec.destination.namespace).toBe(`boxoffice-${env}`);
      // The overlay deploys into the same namespace the Application targets.
      const overlay = target(`kustomize/overlays/${env}`);
      expect(ofKind(overlay.objects, 'Namespace').map((n) => n.metadata.name)).toEqual([`boxoffice-${env}`]);
      revisions.add(app.spec.source.targetRevision);
      // Flipt reads the flags at the revision the environment runs.
      const values = readYaml<FliptValues>(`k8s/platform/flipt/values-${env}.yaml`);
      expect(values.flipt.config.storage.git.ref).toBe(app.spec.source.targetRevision);
    }
    // Environments are pinned separately, not all following one moving branch.
    expect(revisions.size).toBe(environments.length);
    expect(named(applications, 'Application', 'boxoffice-prod')!.spec.source.targetRevision).not.toBe('main');
  });

  it('sync waves: project, then cluster platform, then environment platforms, then apps', () => {
    expect(wave(project)).toBeLessThan(wave(named(applications, 'Application', 'platform-cluster')!));
    for (const env of environments) {
      expect(wave(named(applications, 'Application', 'platform-cluster')!)).toBeLessThan(wave(named(applications, 'Application', `platform-${env}`)!));
      expect(wave(named(applications, 'Application', `platform-${env}`)!)).toBeLessThan(wave(named(applications, 'Application', `boxoffice-${env}`)!));
    }
    // Waves between Applications need Argo CD's Application health check (bootstrap values).
    expect(readRepoFile('k8s/bootstrap/values/argo-cd.yaml')).toContain('resource.customizations.health.argoproj.io_Application');
  });

  it('apps ignore the fields Argo Rollouts manages and respect that when syncing', () => {
    for (const env of environments) {
      const app = named(applications, 'Application', `boxoffice-${env}`)!;
      expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['RespectIgnoreDifferences=true', 'CreateNamespace=true']));
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.ignoreDifferences).toEqual(
        expect.arrayContaining([
          { group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[].route[].weight'] },
        ]),
      );
      const overlay = target(`kustomize/overlays/${env}`);
      expect(ofKind(overlay.objects, 'VirtualService').length).toBeGreaterThan(0);
    }
  });

  it('the project allows exactly the destinations the Applications use', () => {
    const allowed = project.spec.destinations.map((d: { namespace: string }) => d.namespace).sort();
    const used = [...new Set(applications.filter((a) => a.spec.project === 'boxoffice').map((a) => a.spec.destination.namespace))].sort();
    expect(allowed).toEqual(used);
  });
});

describe('Flipt', () => {
  it('uses git storage on this repository’s k8s/flags', () => {
    expect(flipt.flipt.config.storage.type).toBe('git');
    expect(flipt.flipt.config.storage.git.directory).toBe('k8s/flags');
    expect(existsSync(repoPath('k8s/flags'))).toBe(true);
  });

  it('each overlay tells the flag rules its own environment (FLAGS_ENVIRONMENT)', () => {
    for (const env of environments) {
      const t = target(`kustomize/overlays/${env}`);
      const config = ofKind(t.objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('boxoffice-env'))!;
      expect(config.data.FLAGS_ENVIRONMENT).toBe(env);
      expect(ofKind(t.objects, 'Namespace')[0].metadata.labels?.['boxoffice.dev/environment']).toBe(env);
      expect(config.data.FLIPT_URL).toBe('http://flipt:8080');
    }
  });

  const flagFiles = findFiles('k8s/flags', (n) => /\.features\.ya?ml$/.test(n));
  it('FLIPT_NAMESPACE names a namespace the flag files declare', () => {
    // No flag file is a failure, never a skip: Flipt would serve no flags at all.
    expect(flagFiles.length).toBeGreaterThan(0);
    const declared = new Set<string>();
    for (const file of flagFiles) {
      for (const doc of parseAllDocuments(readRepoFile(file))) {
        const ns = (doc.toJSON() as { namespace?: string | { key: string } } | null)?.namespace;
        declared.add(typeof ns === 'object' ? ns.key : (ns ?? 'default'));
      }
    }
    expect(targets('overlay').length).toBeGreaterThanOrEqual(3);
    for (const t of targets('overlay')) {
      const env = ofKind(t.objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('boxoffice-env'))!;
      expect(`${t.id}: ${env.data.FLIPT_NAMESPACE}`).toBe(`${t.id}: ${declared.has(env.data.FLIPT_NAMESPACE) ? env.data.FLIPT_NAMESPACE : [...declared].join('|')}`);
    }
  });
});

describe('load test', () => {
  it('packs every k6 script of test/load/k6 into the ConfigMap the Job mounts', () => {
    const scripts = findFiles('test/load/k6', (n) => n.endsWith('.js')).map((f) => f.split('/').pop());
    expect(scripts).toContain('smoke.js');
    const cm = ofKind(target('test/load/k6').objects, 'ConfigMap')[0];
    expect(Object.keys(cm.data).sort()).toEqual(scripts.sort());
    const job = named(target('kustomize/tests/all-components').objects, 'Job', 'k6-load-test')!;
    const script = job.spec.template.spec.containers[0].args.at(-1) as string;
    expect(Object.keys(cm.data)).toContain(script.replace('/scripts/', ''));
  });
});
