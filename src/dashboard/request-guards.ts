import { timingSafeEqual } from 'node:crypto';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * True when a request's `Host` names this server on a loopback name and its own port. Anything else — another
 * name that resolves to 127.0.0.1 (DNS rebinding), a missing Host — is refused.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(host.toLowerCase());
  return match !== null && LOOPBACK_NAMES.has(match[1] as string) && Number(match[2]) === port;
}

/** Compares a request's token with the session's in constant time. */
export function sameToken(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}
