import { metrics } from '@opentelemetry/api';
import express from 'express';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kafkaConsumerLag, LagAdmin } from './consumer-lag';
import { httpTelemetryMiddleware } from './http-telemetry';
import { countDeadLetter, observeConsumerLag, observeOutboxBacklog, recordMessageProcessed, SERIES } from './metrics';
import { RESOURCE_LABELS, SERIES_LABELS } from './series-labels';
import { startTelemetry, Telemetry } from './telemetry';
import { Family, labelNames, parseExposition } from './testing/exposition';

const REPO = path.resolve(__dirname, '../../..');
const ORDER_CONFIRMED = 'checkout.order-confirmed.v1';

let telemetry: Telemetry;
let metricsUrl: string;
let app: Server;
let appUrl: string;
const stopObserving: Array<() => void> = [];

beforeAll(async () => {
  telemetry = startTelemetry({ service: 'checkout', version: '1.4.2', metricsPort: 0, metricsHost: '127.0.0.1' });
  metricsUrl = (await telemetry.metricsEndpoint)!.url;

  const api = express();
  api.use(httpTelemetryMiddleware());
  api.get('/orders/:orderId', (_req, res) => {
    res.json({ ok: true });
  });
  api.post('/orders', (_req, res) => {
    res.status(503).json({ paused: true });
  });
  api.get('/health/ready', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const orders = express.Router();
  orders.get('/:eventId', (_req, res) => {
    res.status(204).end();
  });
  api.use('/events', orders);
  app = await new Promise<Server>((resolve) => {
    const server = api.listen(0, '127.0.0.1', () => resolve(server));
  });
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

  stopObserving.push(observeOutboxBacklog(async () => 4));
  stopObserving.push(
    observeConsumerLag(() => [
      { topic: ORDER_CONFIRMED, partition: 0, consumerGroup: 'notify', lag: 12 },
      { topic: ORDER_CONFIRMED, partition: 1, consumerGroup: 'notify', lag: 0 },
    ]),
  );
});

afterAll(async () => {
  stopObserving.forEach((stop) => stop());
  await new Promise((resolve) => app.close(resolve));
  await telemetry.shutdown();
});

/** Some traffic on every series, through the helpers the services call. */
async function recordTraffic(): Promise<void> {
  for (const url of ['/orders/7f3c', '/orders/a91b', '/health/ready', '/no/such/path', '/events/e-1']) await fetch(`${appUrl}${url}`);
  await fetch(`${appUrl}/orders`, { method: 'POST' });
  await fetch(`${appUrl}/orders/7f3c`, { method: 'PURGE' });
  recordMessageProcessed(ORDER_CONFIRMED, 'success', 0.012);
  recordMessageProcessed(ORDER_CONFIRMED, 'dead_letter', 0.003);
  countDeadLetter(ORDER_CONFIRMED, 'contract-violation');
  // The flags library records this itself, through the global meter provider.
  metrics.getMeter('boxoffice-flags').createCounter('boxoffice.flag.evaluations').add(1, { flag_key: 'checkout-kill-switch', variant: 'false', reason: 'default' });
}

async function scrape(): Promise<{ text: string; contentType: string | null; families: Map<string, Family>; typeLines: string[] }> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, contentType: response.headers.get('content-type'), ...parseExposition(text) };
}

describe('Prometheus endpoint', () => {
  let scraped: Awaited<ReturnType<typeof scrape>>;

  beforeAll(async () => {
    await recordTraffic();
    scraped = await scrape();
  });

  it.each([
    [SERIES.httpServerDuration, 'histogram'],
    [SERIES.outboxBacklog, 'gauge'],
    [SERIES.consumerLag, 'gauge'],
    [SERIES.messagingProcessDuration, 'histogram'],
    [SERIES.flagEvaluations, 'counter'],
    [SERIES.deadLetters, 'counter'],
  ].map(([name, type]) => [name, type, [...SERIES_LABELS[name as keyof typeof SERIES_LABELS], ...RESOURCE_LABELS].sort()] as const))('serves %s as a %s labelled %j', (name, type, labels) => {
    const family = scraped.families.get(name);
    expect(family?.type).toBe(type);
    expect(labelNames(family!)).toEqual(labels);
  });

  it('names the series exactly as the contract lists them', () => {
    expect(Object.values(SERIES).sort()).toEqual(
      ['boxoffice_consumer_lag', 'boxoffice_dead_letters_total', 'boxoffice_flag_evaluations_total', 'boxoffice_outbox_backlog', 'http_server_request_duration_seconds', 'messaging_process_duration_seconds'],
    );
    expect(scraped.text).toContain('http_server_request_duration_seconds_bucket{');
    expect(scraped.text).toContain('messaging_process_duration_seconds_count{messaging_destination_name="checkout.order-confirmed.v1",outcome="success",service_name="checkout",service_version="1.4.2"} 1');
    expect(scraped.text).toContain('boxoffice_dead_letters_total{topic="checkout.order-confirmed.v1",reason="contract-violation",service_name="checkout",service_version="1.4.2"} 1');
    expect(scraped.text).toContain('boxoffice_outbox_backlog{service_name="checkout",service_version="1.4.2"} 4');
    expect(scraped.text).toContain('boxoffice_consumer_lag{topic="checkout.order-confirmed.v1",partition="0",consumer_group="notify",service_name="checkout",service_version="1.4.2"} 12');
    expect(scraped.text).toContain('boxoffice_flag_evaluations_total{flag_key="checkout-kill-switch",variant="false",reason="default",service_name="checkout",service_version="1.4.2"} 1');
  });

  it('labels requests with the route template, never the raw path', () => {
    const counts = scraped.families.get(SERIES.httpServerDuration)!.samples.filter((s) => s.name === `${SERIES.httpServerDuration}_count`);
    const byRoute = counts.map((s) => [s.labels.http_request_method, s.labels.http_route ?? '(none)', s.labels.http_response_status_code, s.value]);
    expect(byRoute).toEqual(
      expect.arrayContaining([
        ['GET', '/orders/:orderId', '200', 2],
        ['POST', '/orders', '503', 1],
        ['GET', '/health/ready', '200', 1],
        ['GET', '/events/:eventId', '204', 1],
        ['GET', '(none)', '404', 1],
        ['_OTHER', '(none)', '404', 1],
      ]),
    );
    expect(scraped.text).not.toContain('7f3c');
    expect(scraped.text).not.toContain('/no/such/path');
  });

  it('prints each metric family once and says which format it is', () => {
    expect(new Set(scraped.typeLines).size).toBe(scraped.typeLines.length);
    expect(scraped.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('serves nothing but /metrics on the metrics port', async () => {
    expect((await fetch(metricsUrl.replace('/metrics', '/'))).status).toBe(404);
  });

  it('skips a backlog reading that fails instead of failing the scrape', async () => {
    const stopFailing = observeOutboxBacklog(() => Promise.reject(new Error('database down')));
    const text = await telemetry.metricsText();
    stopFailing();
    expect(text).toContain('boxoffice_outbox_backlog{service_name="checkout",service_version="1.4.2"} 4');
  });
});

describe('kafkaConsumerLag', () => {
  const admin = (committed: Record<number, string>): LagAdmin =>
    ({
      fetchOffsets: async () => [{ topic: ORDER_CONFIRMED, partitions: Object.entries(committed).map(([partition, offset]) => ({ partition: Number(partition), offset, metadata: null })) }],
      fetchTopicOffsets: async () => [
        { partition: 0, offset: '120', high: '120', low: '0' },
        { partition: 1, offset: '40', high: '40', low: '10' },
        { partition: 2, offset: '5', high: '5', low: '5' },
      ],
    }) as unknown as LagAdmin;

  it('is the high watermark minus the committed offset, from the low watermark when nothing was committed', async () => {
    await expect(kafkaConsumerLag(admin({ 0: '100', 1: '-1', 2: '5' }), 'notify', [ORDER_CONFIRMED])).resolves.toEqual([
      { topic: ORDER_CONFIRMED, partition: 0, consumerGroup: 'notify', lag: 20 },
      { topic: ORDER_CONFIRMED, partition: 1, consumerGroup: 'notify', lag: 30 },
      { topic: ORDER_CONFIRMED, partition: 2, consumerGroup: 'notify', lag: 0 },
    ]);
  });
});

/** Every `query:` in the Rollouts analysis templates and the KEDA triggers. */
function manifestQueries(): Array<{ file: string; query: string }> {
  const files = ['rollouts', 'kustomize'].flatMap((dir) => yamlFiles(path.join(REPO, dir)));
  const queries: Array<{ file: string; query: string }> = [];
  const walk = (node: unknown, file: string): void => {
    if (Array.isArray(node)) node.forEach((item) => walk(item, file));
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'query' && typeof value === 'string' && value.includes('{')) queries.push({ file: path.relative(REPO, file), query: value });
        else walk(value, file);
      }
    }
  };
  for (const file of files) for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) walk(doc.toJS(), file);
  return queries;
}

function yamlFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry) ? [full] : [];
  });
}

/** Labels Prometheus itself attaches when scraping (target labels and the PodMonitor's relabelings). */
const SCRAPE_LABELS = new Set(['namespace', 'pod', 'container', 'job', 'instance', 'endpoint', 'rollouts_pod_template_hash', 'app_kubernetes_io_name']);

describe('the queries Argo Rollouts and KEDA run', () => {
  const queries = manifestQueries();

  it('exist (rollouts/ and kustomize/ hold the AnalysisTemplates and ScaledObjects)', () => {
    expect(queries.map((q) => q.file)).toEqual(expect.arrayContaining(['rollouts/analysis/analysis-templates.yaml', 'kustomize/components/keda/scaled-object-checkout.yaml']));
  });

  it('only name series and labels /metrics serves', async () => {
    await recordTraffic();
    const { families } = await scrape();
    const problems: string[] = [];
    for (const { file, query } of queries) {
      for (const [, series, matchers] of query.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) {
        const family = families.get(series) ?? families.get(series.replace(/_(count|sum|bucket)$/, ''));
        if (!family) {
          problems.push(`${file}: ${series} is not served`);
          continue;
        }
        const served = new Set([...labelNames(family), 'le']);
        for (const [, label] of matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
          if (!served.has(label) && !SCRAPE_LABELS.has(label)) problems.push(`${file}: ${series} has no label ${label}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
