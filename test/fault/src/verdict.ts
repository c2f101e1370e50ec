import { NOTIFIED_TOPICS, OutboxRow } from './ledger';

export interface Window {
  from: number;
  to: number;
}

export interface DeliveryFigures {
  /** Orders created in the window, and how many of them reached confirmed or failed. */
  orders: number;
  finalOrders: number;
  /** Outbox rows written in the window (every event login and checkout announced). */
  events: number;
  /** Of those: on Kafka exactly once, more than once, never. */
  publishedOnce: number;
  duplicated: number;
  missing: number;
  /** Events notify turns into notifications, and how many have exactly one. */
  notifiable: number;
  notifiedOnce: number;
}

const inWindow = (at: Date, window: Window) => at.getTime() >= window.from && at.getTime() < window.to;

/** Orders vs events vs Kafka copies vs notifications, for what was written during `window`. */
export function deliveryFigures(
  window: Window,
  orders: Array<{ status: string; createdAt: Date }>,
  outbox: OutboxRow[],
  kafkaCopies: ReadonlyMap<string, number>,
  notifications: ReadonlyMap<string, number>,
): DeliveryFigures {
  const ordersIn = orders.filter((o) => inWindow(o.createdAt, window));
  const events = outbox.filter((row) => inWindow(row.createdAt, window));
  const notifiable = events.filter((row) => NOTIFIED_TOPICS.has(row.topic));
  return {
    orders: ordersIn.length,
    finalOrders: ordersIn.filter((o) => o.status === 'confirmed' || o.status === 'failed').length,
    events: events.length,
    publishedOnce: events.filter((row) => kafkaCopies.get(row.id) === 1).length,
    duplicated: events.filter((row) => (kafkaCopies.get(row.id) ?? 0) > 1).length,
    missing: events.filter((row) => !kafkaCopies.has(row.id)).length,
    notifiable: notifiable.length,
    notifiedOnce: notifiable.filter((row) => notifications.get(row.id) === 1).length,
  };
}

/** The broken promises in one window's figures, as sentences; empty when all held. */
export function deliveryProblems(name: string, figures: DeliveryFigures): string[] {
  const problems: string[] = [];
  if (figures.finalOrders !== figures.orders) problems.push(`${name}: ${figures.orders - figures.finalOrders} of ${figures.orders} orders not final`);
  if (figures.duplicated > 0) problems.push(`${name}: ${figures.duplicated} events published more than once`);
  if (figures.missing > 0) problems.push(`${name}: ${figures.missing} of ${figures.events} events never reached Kafka`);
  if (figures.notifiedOnce !== figures.notifiable) problems.push(`${name}: ${figures.notifiable - figures.notifiedOnce} of ${figures.notifiable} events without exactly one notification`);
  return problems;
}

/** Kafka copies of events no outbox row accounts for (would mean a publisher outside the outbox). */
export function strayEvents(outbox: OutboxRow[], kafkaCopies: ReadonlyMap<string, number>): string[] {
  const known = new Set(outbox.map((row) => row.id));
  return [...kafkaCopies.keys()].filter((id) => !known.has(id));
}

/** A plain-text table: one header row, right-aligned numbers. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
