/**
 * A service-shaped process for telemetry.e2e.spec.ts, run with real Node module loading (tsx), where
 * the require hooks of the instrumentations work (they do not under Jest). It serves one Nest
 * route that writes an event the way checkout does, relays it through a real kafkajs producer
 * (patched by instrumentation-kafkajs; no broker, so the send fails after the headers are set),
 * consumes it with withConsumerSpan, and prints what it saw as JSON; its spans go to the spec's
 * OTLP collector.
 */
import { loadedBeforeStart, telemetry } from './fixture-telemetry';
import 'reflect-metadata';
import { Controller, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { Writable } from 'node:stream';
import { currentTraceContext, httpTelemetryMiddleware, OutgoingTopicMessages, pinoOptions, tracedBatchSender, withConsumerSpan } from '../index';

const lines: string[] = [];
const logger = pino(
  pinoOptions({ service: 'checkout', version: '9.9.9', level: 'info' }),
  new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  }),
);
const outbox: OutgoingTopicMessages[] = [];

@Controller('orders')
class OrdersController {
  @Post(':id')
  create(@Param('id') id: string) {
    logger.info({ orderId: id, body: { password: 'hunter2' } }, 'order created');
    const traceContext = currentTraceContext();
    outbox.push({ topic: 'checkout.order-confirmed.v1', messages: [{ key: id, headers: { 'event-id': 'e-1', ...traceContext } }] });
    return { id, traceContext };
  }
}

@Module({ controllers: [OrdersController] })
class AppModule {}

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false });
  app.use(httpTelemetryMiddleware());
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const response = await fetch(`${url}/orders/42`, { method: 'POST', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
  const body = (await response.json()) as unknown;

  // The relay: a real kafkajs producer, patched by instrumentation-kafkajs, never connected.
  const producer = new Kafka({ clientId: 'fixture', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer();
  const topicMessages = outbox.map((t) => ({ topic: t.topic, messages: t.messages.map((m) => ({ ...m, value: '{}' })) }));
  const sendError = await tracedBatchSender(producer)
    .sendBatch({ topicMessages, acks: -1 })
    .then(() => undefined, (error: unknown) => (error instanceof Error ? error.name : String(error)));
  const sentHeaders = topicMessages[0].messages[0].headers;

  // The consumer side, given the headers as they would arrive.
  await withConsumerSpan({ topic: 'checkout.order-confirmed.v1', partition: 0, offset: '7', headers: sentHeaders, consumerGroup: 'notify' }, () => {
    logger.info('notification sent');
  });

  const metricsText = await (await fetch((await telemetry.metricsEndpoint)!.url)).text();
  await app.close();
  await telemetry.shutdown(); // flushes the spans to the collector
  process.stdout.write(
    JSON.stringify({
      loadedBeforeStart,
      body,
      sendError,
      sentHeaders,
      lines,
      metricsText,
      traceExport: telemetry.traceExport,
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
