/** The OPERATIONS_TOKEN tests and benchmarks start services with, to read /health/outbox and /consumer/stats. */
export const TEST_OPERATIONS_TOKEN = 'boxoffice-test-operations-token';

export const operationsHeaders = { authorization: `Bearer ${TEST_OPERATIONS_TOKEN}` };
