import { LoadRecorder } from './stats';

const REQUEST_TIMEOUT_MS = 10_000;

export interface Call {
  step: string;
  url: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses the scenario counts as success (anything else is an error in the summary). */
  expect: readonly number[];
}

export interface Reply {
  status: number;
  body: unknown;
}

/** One timed request; every outcome (status, timeout, refused connection) is recorded, none throws. */
export async function call(recorder: LoadRecorder, c: Call): Promise<Reply | undefined> {
  const started = performance.now();
  try {
    const response = await fetch(c.url, {
      method: c.method ?? 'GET',
      headers: { ...(c.body === undefined ? {} : { 'content-type': 'application/json' }), ...c.headers },
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    recorder.record(c.step, performance.now() - started, response.status, c.expect.includes(response.status));
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body };
  } catch (error) {
    const name = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network';
    recorder.record(c.step, performance.now() - started, name, false);
    return undefined;
  }
}
