import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const dir = path.resolve(__dirname, '..');
const compose = parse(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'));
const env = Object.fromEntries(
  readFileSync(path.join(dir, 'compose.env'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('=') as [string, string]),
);

describe('docker compose path', () => {
  it('publishes PostgreSQL where compose.env points, with the same credentials', () => {
    const postgres = compose.services.postgres;
    expect(postgres.ports).toContain(`127.0.0.1:${env.DATABASE_PORT}:5432`);
    expect(postgres.environment.POSTGRES_USER).toBe(env.DATABASE_USER);
    expect(postgres.environment.POSTGRES_PASSWORD).toBe(env.DATABASE_PASSWORD);
  });

  it('advertises the Kafka listener compose.env names, without auto-created topics', () => {
    const kafka = compose.services.kafka;
    expect(kafka.environment.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://${env.KAFKA_BROKERS}`);
    expect(kafka.ports).toContain(`${env.KAFKA_BROKERS}:9092`);
    expect(kafka.environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('pins every image', () => {
    for (const service of Object.values<{ image: string }>(compose.services)) expect(service.image).toMatch(/:[\w.-]+$/);
  });
});
