/**
 * The local demo: starts login, checkout and notify against the running local stack and walks
 * through what there is to see. Later features add their steps to `steps`.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { databaseUrlFor } from '@boxoffice/db-migrate';
import { SERVICE_NAMES, ServiceName, ServiceProcess } from '@boxoffice/testing';

const repoRoot = path.resolve(__dirname, '../../..');
const keepRunning = !process.argv.includes('--exit') && process.stdin.isTTY === true;

function serviceVersion(): string {
  const { version } = require(path.join(repoRoot, 'package.json')) as { version: string };
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return `${version}+${sha}`;
  } catch {
    return version;
  }
}

function portOf(service: ServiceName): number {
  const base = Number(process.env.DATABASE_PORT);
  if (!Number.isInteger(base)) throw new Error('DATABASE_PORT is not set: start the demo with "npm start"');
  return base + 5 + SERVICE_NAMES.indexOf(service);
}

function step(title: string): void {
  console.log(`\n== ${title}`);
}

async function main(): Promise<void> {
  const version = serviceVersion();
  step(`Starting login, checkout and notify (version ${version})`);
  const services = new Map<ServiceName, ServiceProcess>();
  const stopAll = async () => {
    await Promise.all([...services.values()].map((s) => s.stop('SIGTERM')));
  };
  try {
    for (const service of SERVICE_NAMES) {
      const proc = await ServiceProcess.start({
        service,
        port: portOf(service),
        env: {
          SERVICE_VERSION: version,
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
          DATABASE_URL: databaseUrlFor(service),
          KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
        },
        echo: true,
      });
      services.set(service, proc);
      console.log(`   ${service.padEnd(8)} ready at ${proc.url}`);
    }

    step('Health and version of each service (the header a canary split is seen by)');
    for (const [service, proc] of services) {
      const response = await fetch(`${proc.url}/health/ready`);
      const body = (await response.json()) as { checks: Record<string, { status: string }> };
      const checks = Object.entries(body.checks).map(([name, c]) => `${name}=${c.status}`).join(' ');
      console.log(`   ${service.padEnd(8)} ${response.status} x-boxoffice-version=${response.headers.get('x-boxoffice-version')} ${checks}`);
    }

    step('Where to look');
    for (const [service, proc] of services) {
      console.log(`   ${service.padEnd(8)} API docs ${proc.url}/docs   health ${proc.url}/health/ready`);
    }
    console.log('   stack    npm run stack -- status | logs kafka | down');
  } catch (error) {
    await stopAll();
    throw error;
  }

  if (!keepRunning) {
    step('Stopping the services (run "npm start" in a terminal to keep them running)');
    await stopAll();
    return;
  }
  console.log('\nServices are running; press Ctrl-C to stop them (the stack keeps running: npm run stack -- down).');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stopAll();
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
