import { z } from 'zod';
import { contracts, deadLetter, topics } from './catalog';

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; enum?: unknown[]; format?: string; pattern?: string; minimum?: number; maximum?: number; minLength?: number; maxLength?: number; const?: unknown; anyOf?: JsonSchema[] };

function describeType(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const parts = [Array.isArray(schema.type) ? schema.type.join('|') : (schema.type ?? 'any')];
  if (schema.format) parts.push(schema.format);
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? ''}..${schema.maximum ?? ''}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) parts.push(`length ${schema.minLength ?? 0}..${schema.maxLength ?? '∞'}`);
  if (schema.pattern && !schema.format) parts.push(`\`/${schema.pattern.replace(/\|/g, '\\|')}/\``);
  return parts.join(', ');
}

function fieldRows(schema: JsonSchema, prefix = ''): string[] {
  const rows: string[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    const required = schema.required?.includes(name) ? 'yes' : 'no';
    rows.push(`| \`${path}\` | ${describeType(child)} | ${required} |`);
    if (child.properties) rows.push(...fieldRows(child, `${path}.`));
  }
  return rows;
}

/** docs/events.md, rendered from the contracts themselves so the catalog cannot drift from the code. */
export function renderEventCatalog(): string {
  const lines = [
    '# Event catalog',
    '',
    '<!-- Generated from libs/contracts by `npx tsx libs/contracts/src/write-catalog-doc.ts`; a unit test fails when it is stale. -->',
    '',
    'Every Kafka message is a JSON envelope validated against its contract by the producer before',
    'sending and by the consumer before handling. Topics are named `<domain>.<event>.v<N>`; a',
    'compatible change keeps the topic, a breaking change adds `.v<N+1>` and producers publish both',
    'until every consumer has moved. Kafka headers repeat `event-id`, `event-type` and the W3C',
    '`traceparent`/`tracestate`.',
    '',
    '## Envelope',
    '',
    '| field | type | required |',
    '| --- | --- | --- |',
    ...fieldRows(z.toJSONSchema(contracts['login.user-registered.v1'].schema.omit({ payload: true }), { io: 'input' }) as JsonSchema),
    '| `payload` | the event\'s payload, below | yes |',
    '',
    '## Topics',
    '',
    '| topic | producer | key | partitions | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...topics.map((t) => `| \`${t}\` | ${contracts[t].producer} | \`${contracts[t].key}\` | ${contracts[t].partitions} | ${contracts[t].description} |`),
    `| \`${deadLetter.topic}\` | notify | original key | ${deadLetter.partitions} | Messages notify could not handle: original value, reason in headers. |`,
    '',
  ];
  for (const topic of topics) {
    lines.push(`## \`${topic}\``, '', contracts[topic].description, '', '| payload field | type | required |', '| --- | --- | --- |');
    lines.push(...fieldRows(z.toJSONSchema(contracts[topic].payload, { io: 'input' }) as JsonSchema), '');
  }
  lines.push(`## \`${deadLetter.topic}\``, '', 'The value is the original message, byte for byte. Headers:', '', '| header | meaning |', '| --- | --- |');
  for (const [meaning, header] of Object.entries(deadLetter.headers)) lines.push(`| \`${header}\` | ${meaning} |`);
  lines.push('');
  return lines.join('\n');
}
