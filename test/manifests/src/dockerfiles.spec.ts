import { existsSync } from 'node:fs';
import { named } from './support/objects';
import { target } from './support/cache';
import { repoPath } from './support/paths';
import { readRepoFile } from './support/repo';

const services = ['login', 'checkout', 'notify'];

describe.each(services)('services/%s/Dockerfile', (svc) => {
  const text = readRepoFile(`services/${svc}/Dockerfile`);
  const stages = [...text.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1], name: m[2] }));

  it('is multi-stage with build, migrate and runtime (last) stages', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'migrate', 'runtime']);
  });

  it('pins its base image (no latest, no untagged image)', () => {
    const image = /^ARG NODE_IMAGE=(\S+)/m.exec(text)?.[1];
    expect(image).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim$/);
    for (const s of stages) expect(s.image).toBe('${NODE_IMAGE}');
  });

  it('runs as a non-root user, the uid the Rollout expects, without build tools', () => {
    const runtime = text.slice(text.lastIndexOf('FROM'));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/^RUN npm (ci|install)/m);
    expect(runtime).toContain(`CMD ["node", "services/${svc}/dist/main.js"]`);
    const rollout = named(target('kustomize/overlays/prod').objects, 'Rollout', svc)!;
    // The node user of the official image is uid 1000.
    expect(rollout.spec.template.spec.securityContext.runAsUser).toBe(1000);
  });

  it('migrates with the real prisma migrate deploy, on the variable prisma.config.ts reads', () => {
    const migrate = text.slice(text.indexOf('AS migrate'), text.indexOf('AS runtime'));
    expect(migrate).toContain('"migrate", "deploy"');
    expect(migrate).toMatch(/^USER node$/m);
    const variable = /env\.(DATABASE_URL_[A-Z]+)/.exec(readRepoFile(`services/${svc}/prisma.config.ts`))?.[1];
    expect(variable).toBe(`DATABASE_URL_${svc.toUpperCase()}`);
    const job = named(target('kustomize/overlays/prod').objects, 'Job', `${svc}-migrate`)!;
    expect(job.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name)).toContain(variable);
    expect(existsSync(repoPath(`services/${svc}/prisma`))).toBe(true);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output and secrets out of the build context', () => {
    const lines = readRepoFile('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '**/src/generated', '.git', '**/.env']) expect(lines).toContain(entry);
  });
});
