import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Probe {
  url: string;
  /** PEM bundle to trust; without it, HTTPS probes of the loopback parts' self-signed health ports skip verification. */
  ca?: string | Buffer;
  token?: string;
}

/** One GET to a loopback health endpoint: true on a 2xx. Refuses any host but 127.0.0.1. */
export function probeOnce(probe: Probe, timeoutMs = 2000): Promise<boolean> {
  const url = new URL(probe.url);
  if (url.hostname !== '127.0.0.1') return Promise.reject(new Error(`refusing to probe ${probe.url}: the cluster's parts listen on 127.0.0.1 only`));
  const headers = probe.token ? { authorization: `Bearer ${probe.token}` } : {};
  return new Promise((resolve) => {
    const request =
      url.protocol === 'https:'
        ? httpsRequest(url, { headers, ca: probe.ca, rejectUnauthorized: probe.ca !== undefined, timeout: timeoutMs })
        : httpRequest(url, { headers, timeout: timeoutMs });
    request.on('response', (response) => {
      response.resume();
      resolve((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
    request.end();
  });
}

/** Polls until the probe answers 2xx, the process dies, or the timeout passes. */
export async function waitUntilReady(probe: () => Probe, isAlive: () => boolean, timeoutMs: number): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) return 'exited';
    if (await probeOnce(probe())) return 'ready';
    await sleep(250);
  }
  return 'timeout';
}
