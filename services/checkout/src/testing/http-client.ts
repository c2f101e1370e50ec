import { randomUUID } from 'node:crypto';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function call<T>(url: string, init: RequestInit): Promise<HttpResult<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export function getJson<T = Record<string, unknown>>(url: string, token?: string): Promise<HttpResult<T>> {
  return call<T>(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

export interface OrderRequest {
  token: string;
  body: unknown;
  idempotencyKey?: string | null;
  headers?: Record<string, string>;
}

/** POST /orders as a buyer would: bearer token, Idempotency-Key (a fresh one unless given; null omits it). */
export function postOrder<T = Record<string, unknown>>(baseUrl: string, request: OrderRequest): Promise<HttpResult<T>> {
  const key = request.idempotencyKey === undefined ? randomUUID() : request.idempotencyKey;
  return call<T>(`${baseUrl}/orders`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${request.token}`,
      'content-type': 'application/json',
      ...(key === null ? {} : { 'idempotency-key': key }),
      ...request.headers,
    },
    body: typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
  });
}
