import { z } from 'zod';

/**
 * Where the AWS SDK clients send their requests. With `endpoint` set every client talks to that address
 * (the local twin); without it they use the region's real AWS endpoints and the default credential chain.
 */
export const AwsConnectionSchema = z.object({
  endpoint: z
    .string()
    .url()
    .optional()
    .describe('Base URL of a local emulator, e.g. http://127.0.0.1:8000; omit for real AWS'),
  region: z.string().min(1).default('us-east-1').describe('AWS region'),
  credentials: z
    .object({ accessKeyId: z.string(), secretAccessKey: z.string() })
    .optional()
    .describe('Static credentials; local endpoints get placeholder ones when none are given'),
  maxAttempts: z.number().int().min(1).default(5).describe('SDK attempts per request (retries + 1)'),
});
export type AwsConnection = z.infer<typeof AwsConnectionSchema>;

/** Placeholder credentials for emulators, which check the signature's shape but not the key. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function resolveRegion(explicit: string | undefined): string {
  return explicit ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}
