/**
 * The series Argo Rollouts and KEDA decide on, scraped from the real services after real traffic.
 * The queries are read from the manifests (`rollouts/`, `kustomize/`), so a renamed series or
 * label on either side fails here. For each query the service it is run against is the one the
 * manifests name (a Rollout's `service-name` argument, a ScaledObject's target), and that
 * service's /metrics must hold a sample matching every matcher Prometheus does not add itself.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { topics } from '@boxoffice/contracts';
import { deployMigrations, dropDatabase } from '@boxoffice/db-migrate';
import { parseExposition, Sample } from '@boxoffice/telemetry/testing';
import { databaseUrl, freePort, requireStackEnv, SERVICE_NAMES, ServiceName, seedCheckoutTiers, ServiceProcess, startConsumerGroupAtEnd, waitFor } from '@boxoffice/testing';

const REPO = path.resolve(__dirname, '../../..');
const stack = requireStackEnv();
const run = randomUUID().slice(0, 8);
const version = `metrics-${run}`;
const notifyGroup = `notify-metrics-${run}`;
const databaseName = (service: ServiceName) => `boxoffice_${service}_metrics_${run}`;
const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [s, databaseUrl(stack, databaseName(s))])) as Record<ServiceName, string>;

/** Labels Prometheus attaches when scraping (target labels and the PodMonitor's relabelings), not the service. */
const SCRAPE_LABELS = new Set(['namespace', 'pod', 'container', 'job', 'instance', 'endpoint', 'rollouts_pod_template_hash', 'app_kubernetes_io_name']);

interface ManifestQuery {
  /** Where it comes from, e.g. `AnalysisTemplate http-latency (rollouts/analysis/analysis-templates.yaml)`. */
  source: string;
  query: string;
  /** The services it is evaluated for. */
  services: string[];
}

type Doc = { kind?: string; metadata?: { name?: string }; spec?: Record<string, unknown> };

function yamlDocs(dir: string): Array<{ file: string; doc: Doc }> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const full = path.join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry)) files.push(full);
    }
  };
  walk(path.join(REPO, dir));
  return files.flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => ({ file: path.relative(REPO, file), doc: (d.toJS() ?? {}) as Doc })));
}

/** Every Prometheus query of an AnalysisTemplate or a ScaledObject, with the services it runs for. */
function manifestQueries(): ManifestQuery[] {
  const docs = [...yamlDocs('rollouts'), ...yamlDocs('kustomize')];
  // Which services each AnalysisTemplate judges: Rollouts name the template and pass `service-name`.
  const servicesOfTemplate = new Map<string, Set<string>>();
  const collectAnalyses = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collectAnalyses);
    if (!node || typeof node !== 'object') return;
    const record = node as { templates?: Array<{ templateName?: string }>; args?: Array<{ name?: string; value?: string }> };
    const service = record.args?.find((arg) => arg.name === 'service-name')?.value;
    if (record.templates && service) {
      for (const { templateName } of record.templates) if (templateName) servicesOfTemplate.set(templateName, (servicesOfTemplate.get(templateName) ?? new Set()).add(service));
    }
    Object.values(node).forEach(collectAnalyses);
  };
  for (const { doc } of docs) if (doc.kind === 'Rollout') collectAnalyses(doc.spec);

  const queries: ManifestQuery[] = [];
  for (const { file, doc } of docs) {
    if (doc.kind === 'AnalysisTemplate' || doc.kind === 'ClusterAnalysisTemplate') {
      const metrics = (doc.spec?.metrics ?? []) as Array<{ provider?: { prometheus?: { query?: string } } }>;
      for (const metric of metrics) {
        const query = metric.provider?.prometheus?.query;
        if (query) queries.push({ source: `AnalysisTemplate ${doc.metadata?.name} (${file})`, query, services: [...(servicesOfTemplate.get(doc.metadata?.name ?? '') ?? [])] });
      }
    }
    if (doc.kind === 'ScaledObject') {
      const target = (doc.spec?.scaleTargetRef as { name?: string } | undefined)?.name ?? '';
      const triggers = (doc.spec?.triggers ?? []) as Array<{ type?: string; metadata?: { query?: string } }>;
      for (const trigger of triggers) {
        if (trigger.type === 'prometheus' && trigger.metadata?.query) queries.push({ source: `ScaledObject ${doc.metadata?.name} (${file})`, query: trigger.metadata.query, services: [target] });
      }
    }
  }
  return queries;
}

interface Selector {
  series: string;
  matchers: Array<{ label: string; op: string; value: string }>;
}

/** The `series{label op "value", …}` selectors of a PromQL query. */
function selectors(query: string): Selector[] {
  return [...query.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map(([, series, body]) => ({
    series,
    matchers: [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(([, label, op, value]) => ({ label, op, value })),
  }));
}

function matches(sample: Sample, { label, op, value }: Selector['matchers'][number]): boolean {
  const actual = sample.labels[label] ?? '';
  const anchored = () => new RegExp(`^(?:${value})$`).test(actual);
  return op === '=' ? actual === value : op === '!=' ? actual !== value : op === '=~' ? anchored() : !anchored();
}

describe('/metrics of the real services after real traffic serves what Rollouts and KEDA query', () => {
  const running = new Map<ServiceName, ServiceProcess>();
  const metricsPorts = new Map<ServiceName, number>();
  const queries = manifestQueries();

  const start = async (service: ServiceName, extra: Record<string, string> = {}) => {
    const metricsPort = await freePort();
    metricsPorts.set(service, metricsPort);
    const proc = await ServiceProcess.start({
      service,
      port: await freePort(),
      env: {
        SERVICE_VERSION: version,
        LOG_LEVEL: 'warn',
        METRICS_PORT: String(metricsPort),
        DATABASE_URL: urls[service],
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        ...extra,
      },
    });
    running.set(service, proc);
    return proc;
  };
  const scrape = async (service: ServiceName) => {
    const response = await fetch(`http://127.0.0.1:${metricsPorts.get(service)}/metrics`);
    expect(response.status).toBe(200);
    return parseExposition(await response.text()).families;
  };

  beforeAll(async () => {
    await startConsumerGroupAtEnd(stack.kafkaBrokers, notifyGroup, topics);
    await Promise.all(SERVICE_NAMES.map((service) => deployMigrations({ service, url: urls[service] })));
    const login = await start('login');
    const jwks = { JWKS_URL: `${login.url}/.well-known/jwks.json` };
    await Promise.all([start('checkout', { ...jwks, PAYMENT_LATENCY_MS: '5' }), start('notify', { ...jwks, KAFKA_CONSUMER_GROUP: notifyGroup })]);

    // Traffic: an account, orders (one refused by validation), a 404, then notify handles the events.
    const registered = await fetch(`${login.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `metrics-${run}@example.com`, password: `M3trics-${randomUUID()}`, displayName: 'Metrics' }),
    });
    expect(registered.status).toBe(201);
    const { accessToken } = (await registered.json()) as { accessToken: string };
    const [tierId] = await seedCheckoutTiers(urls.checkout, { eventName: 'Metrics night', seats: 100 });
    const checkout = running.get('checkout')!.url;
    const order = (body: unknown) =>
      fetch(`${checkout}/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify(body),
      });
    for (let i = 0; i < 3; i++) expect((await order({ tierId, quantity: 1 })).status).toBe(201);
    expect((await order({ tierId, quantity: 0 })).status).toBe(400);
    expect((await fetch(`${checkout}/no/such/route`)).status).toBe(404);

    await waitFor(
      async () => {
        const family = (await scrape('notify')).get('messaging_process_duration_seconds');
        // One series per topic: 1 registration + 3 confirmations in all.
        const handled = family?.samples.filter((s) => s.name.endsWith('_count') && s.labels.outcome === 'success').reduce((sum, s) => sum + s.value, 0) ?? 0;
        return handled >= 4;
      },
      { timeoutMs: 30_000, what: 'notify to process the account and order events' },
    );
  });

  afterAll(async () => {
    await Promise.all([...running.values()].map((proc) => proc.stop('SIGKILL')));
    await Promise.all(SERVICE_NAMES.map((service) => dropDatabase(urls[service], databaseName(service)).catch(() => undefined)));
  });

  it('finds the analysis and scaling queries in the manifests, each tied to a service', () => {
    const sources = queries.map((q) => q.source);
    expect(sources).toEqual(expect.arrayContaining([expect.stringMatching(/^AnalysisTemplate http-success-rate/), expect.stringMatching(/^AnalysisTemplate http-latency/), expect.stringMatching(/^AnalysisTemplate messaging-success-rate/), expect.stringMatching(/^ScaledObject .*checkout/)]));
    const untied = queries.filter(({ services }) => services.length === 0 || services.some((s) => !(SERVICE_NAMES as readonly string[]).includes(s)));
    expect(untied.map((q) => q.source)).toEqual([]);
  });

  it('every series a query selects is served by its service with a sample matching the query', async () => {
    const problems: string[] = [];
    for (const { source, query, services } of queries) {
      for (const service of services as ServiceName[]) {
        const families = await scrape(service);
        for (const { series, matchers } of selectors(query)) {
          const family = families.get(series) ?? families.get(series.replace(/_(count|sum|bucket)$/, ''));
          if (!family) {
            problems.push(`${source} on ${service}: ${series} is not served`);
            continue;
          }
          const relevant = matchers
            .filter((m) => !SCRAPE_LABELS.has(m.label))
            .map((m) => ({ ...m, value: m.value.replace('{{args.service-name}}', service) }));
          const templated = relevant.find((m) => m.value.includes('{{'));
          if (templated) {
            problems.push(`${source}: label ${templated.label} takes an argument this test does not know (${templated.value})`);
            continue;
          }
          const samples = family.samples.filter((s) => s.name === series || (series === family.name && !/_(count|sum|bucket)$/.test(s.name)));
          if (!samples.some((sample) => relevant.every((m) => matches(sample, m)))) {
            problems.push(`${source} on ${service}: no sample of ${series} matches {${relevant.map((m) => `${m.label}${m.op}"${m.value}"`).join(', ')}}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('labels every series with the service and its version (the canary analysis compares versions)', async () => {
    for (const service of SERVICE_NAMES) {
      const requests = (await scrape(service)).get('http_server_request_duration_seconds');
      expect(requests?.samples.length).toBeGreaterThan(0);
      for (const sample of requests!.samples) expect(sample.labels).toMatchObject({ service_name: service, service_version: version });
    }
  });

  it('reports the outbox backlog of login and checkout and counts the refused and unrouted requests', async () => {
    for (const service of ['login', 'checkout'] as const) {
      const backlog = (await scrape(service)).get('boxoffice_outbox_backlog');
      expect(backlog?.samples).toEqual([expect.objectContaining({ value: expect.any(Number) })]);
    }
    const requests = (await scrape('checkout')).get('http_server_request_duration_seconds')!.samples.filter((s) => s.name.endsWith('_count'));
    const count = (labels: Record<string, string>) => requests.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
    expect(count({ http_route: '/orders', http_request_method: 'POST', http_response_status_code: '201' })).toBe(3);
    expect(count({ http_route: '/orders', http_request_method: 'POST', http_response_status_code: '400' })).toBe(1);
    // No route matched: counted once, and the raw path never becomes a label value. (The label is
    // nestjs-pino's catch-all middleware route `/{*path}` rather than absent: see docs/observability.md.)
    const notFound = requests.filter((s) => s.labels.http_response_status_code === '404');
    expect(notFound.map((s) => s.value)).toEqual([1]);
    expect([undefined, '/{*path}']).toContain(notFound[0].labels.http_route);
    expect(requests.some((s) => s.labels.http_route?.includes('no/such'))).toBe(false);
  });
});
