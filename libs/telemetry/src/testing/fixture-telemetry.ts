// First import of fixture-service.ts, as src/telemetry.ts is the first import of a service's main.ts.
// Spans go over OTLP/JSON to the collector the spec started (OTEL_* variables from collector.env()).
import { startTelemetry } from '../index';

export const loadedBeforeStart = ['express', '@nestjs/core', 'kafkajs', 'pg'].filter((name) =>
  Object.keys(require.cache).some((file) => file.includes(`/node_modules/${name}/`)),
);
export const telemetry = startTelemetry({ service: 'checkout', version: '9.9.9', metricsPort: 0, metricsHost: '127.0.0.1' });
