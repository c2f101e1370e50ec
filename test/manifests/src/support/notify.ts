import { topics } from '@boxoffice/contracts';
import { findFiles, readRepoFile } from './repo';

/**
 * notify's consumer group as its configuration defines it: the default of
 * KAFKA_CONSUMER_GROUP in services/notify/src/config.ts.
 */
export function notifyConsumerGroupDefault(): string {
  const source = readRepoFile('services/notify/src/config.ts');
  const match = /KAFKA_CONSUMER_GROUP\s*:[^\n]*?\.default\(\s*['"]([^'"]+)['"]\s*\)/.exec(source);
  if (!match) throw new Error('services/notify/src/config.ts: no default for KAFKA_CONSUMER_GROUP found');
  return match[1];
}

/**
 * The contract topics notify subscribes to: every catalog topic (libs/contracts, imported)
 * that a handler in services/notify/src names in @EventPattern / @MessagePattern as a string.
 */
export function notifyConsumedTopics(): string[] {
  const named = new Set<string>();
  for (const file of findFiles('services/notify/src', (n) => n.endsWith('.ts') && !n.endsWith('.spec.ts'))) {
    const source = readRepoFile(file);
    for (const m of source.matchAll(/@(?:EventPattern|MessagePattern)(?:<[^>]*>)?\(\s*['"]([^'"]+)['"]/g)) named.add(m[1]);
  }
  const consumed = topics.filter((t) => named.has(t)).sort();
  if (consumed.length === 0) throw new Error('services/notify/src: no @EventPattern naming a catalog topic found');
  return consumed;
}
