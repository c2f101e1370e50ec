import { normalizeIp } from '@nestjs/throttler';

/**
 * The rate limits' notion of "one client": the IPv4 address, or the /64 of an IPv6 address (one
 * subscriber usually holds a whole /64 and could otherwise rotate through it).
 */
export function clientAddress(ip: string | undefined): string {
  return normalizeIp(ip ?? '', 64) || 'unknown';
}
