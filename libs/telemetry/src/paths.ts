/** Requests never traced nor logged: kubelet probes hit these every few seconds. */
export function isUntracedPath(url: string | undefined): boolean {
  return url !== undefined && (url === '/health' || url.startsWith('/health/') || url.startsWith('/health?'));
}
