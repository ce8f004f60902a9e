import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConsoleQueryError } from './sql-console.ts';

/** Sent with every response: nothing cached, no sniffing, no referrer, scripts and data from this server only. */
export const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
};
export const MAX_BODY_BYTES = 64 * 1024;

export function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': `${type}; charset=utf-8` });
  response.end(body);
}

/** The request body as text, refused past MAX_BODY_BYTES. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ConsoleQueryError('CONSOLE_REFUSED', `The statement is over ${MAX_BODY_BYTES / 1024} KiB.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
