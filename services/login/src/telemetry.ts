import { startTelemetry } from '@boxoffice/telemetry';

/**
 * OpenTelemetry for login. Imported on the first line of main.ts: the instrumentations patch
 * http, express, Nest, pg and kafkajs only if they are required after this runs.
 */
export const telemetry = startTelemetry({ service: 'login', version: process.env.SERVICE_VERSION ?? '0.0.0-dev' });
