// Test helpers for the services' specs: `@boxoffice/telemetry/testing` (never imported by production code).
export * from './testing/exposition';
export * from './testing/trace-collector';
