/**
 * Lists and replays notify's dead letters (topic notify.dead-letter.v1).
 *
 *   tsx services/notify/scripts/dead-letters.ts list [--json]
 *   tsx services/notify/scripts/dead-letters.ts replay [--id <partition:offset | event id>]...
 *
 * `replay` without --id replays every dead letter no earlier replay covered (progress is kept as
 * the committed offsets of the group DEAD_LETTER_REPLAY_GROUP, default notify.dead-letter-replay);
 * with --id it replays exactly those, replayed before or not. Needs KAFKA_BROKERS.
 */
import { parseArgs } from 'node:util';
import { Kafka } from 'kafkajs';
import { ConfigError, kafkaEnv, loadConfig } from '@boxoffice/config';
import { kafkaClientConfig } from '@boxoffice/kafka';
import { z } from 'zod';
import { DEFAULT_REPLAY_GROUP, DeadLetterRecord, DeadLetterTopic } from '../src/dead-letters/dead-letter-topic';

const USAGE = 'usage: dead-letters list [--json] | replay [--id <partition:offset | event id>]...';

const envSchema = kafkaEnv.extend({ DEAD_LETTER_REPLAY_GROUP: z.string().min(1).default(DEFAULT_REPLAY_GROUP) });

function printTable(records: DeadLetterRecord[]): void {
  if (records.length === 0) {
    console.log('no dead letters');
    return;
  }
  const rows = records.map((r) => [
    r.id,
    r.failedAt,
    `${r.originalTopic}/${r.originalPartition}/${r.originalOffset}`,
    r.eventId ?? '-',
    r.attempts,
    r.replayed ? 'yes' : 'no',
    r.reason,
  ]);
  const header = ['id', 'failed at', 'original', 'event id', 'attempts', 'replayed', 'reason'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.slice(0, 200).map((row) => (i === 6 ? 0 : row[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(`${records.length} dead letter(s), ${records.filter((r) => !r.replayed).length} not replayed yet`);
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { id: { type: 'string', multiple: true }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  const [command] = positionals;
  if (values.help || (command !== 'list' && command !== 'replay') || positionals.length > 1) {
    console.error(USAGE);
    return values.help ? 0 : 1;
  }
  const env = loadConfig(envSchema);
  const topic = new DeadLetterTopic(new Kafka(kafkaClientConfig(env, 'notify-dead-letters')), env.DEAD_LETTER_REPLAY_GROUP);

  if (command === 'list') {
    const records = await topic.list();
    if (values.json) console.log(JSON.stringify(records.map(({ value, ...r }) => ({ ...r, value: value?.toString('utf8') ?? null })), null, 2));
    else printTable(records);
    return 0;
  }

  const results = await topic.replay({ ids: values.id });
  for (const r of results) console.log(`${r.outcome.padEnd(8)} ${r.id} ${r.eventId ?? '-'} → ${r.originalTopic}${r.detail ? `: ${r.detail}` : ''}`);
  const missing = (values.id ?? []).filter((id) => !results.some((r) => r.id === id || r.eventId === id));
  for (const id of missing) console.log(`missing  ${id}: no dead letter with this id or event id`);
  console.log(`${results.filter((r) => r.outcome === 'replayed').length} replayed, ${results.filter((r) => r.outcome === 'skipped').length} skipped`);
  return missing.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`dead-letters: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
