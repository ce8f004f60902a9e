import { describe, expect, it } from 'vitest';
import { isLoopbackHost, sameToken } from './request-guards.ts';

describe('request guards', () => {
  it('accepts only loopback names on the server’s own port', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:8080', 'LOCALHOST:8080', '[::1]:8080'])
      expect(isLoopbackHost(host, 8080), host).toBe(true);
    for (const host of [
      undefined,
      '',
      '127.0.0.1',
      '127.0.0.1:8081',
      'evil.example:8080',
      'localhost.evil.example:8080',
      '127.0.0.1.nip.io:8080',
      '0.0.0.0:8080',
    ])
      expect(isLoopbackHost(host, 8080), String(host)).toBe(false);
  });

  it('matches the session token exactly', () => {
    expect(sameToken('abc123', 'abc123')).toBe(true);
    expect(sameToken('abc124', 'abc123')).toBe(false);
    expect(sameToken('abc12', 'abc123')).toBe(false);
    expect(sameToken(undefined, 'abc123')).toBe(false);
    expect(sameToken(['abc123'], 'abc123')).toBe(false);
  });
});
