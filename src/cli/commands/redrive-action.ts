import { join } from 'node:path';
import { ERRORS_PREFIX } from '../../catalog/lake-layout.ts';
import { quietTransform } from '../../delivery/quiet-transform.ts';
import { LocalDiskStore } from '../../lake/local-disk-store.ts';
import { lakeFolder } from '../../local/data-dir.ts';
import { formatCheck, formatExamples, holds } from '../../observe/current-orders-check.ts';
import { handler } from '../../transform/handler.ts';
import { checkSession, withLocalStack } from '../../twin/local-session.ts';
import { redriveErrors } from '../../twin/redrive.ts';
import type { StackOptions } from '../../twin/stack-start.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { StatusLine } from '../status-line.ts';

const BAR_WIDTH = 20;

/** `gadget-cdc redrive`: the error objects through the transform again, then the central invariant's check. */
export async function redriveAction(options: StackOptions): Promise<void> {
  const interrupt = abortOnInterrupt(() => process.stderr.write('\nStopping after this error object…\n'));
  try {
    await withLocalStack({ ...options, abortSignal: interrupt.signal }, console.log, async (session) => {
      const lakeDir = lakeFolder(session.dataDir);
      const line = new StatusLine();
      const result = await redriveErrors({
        lake: new LocalDiskStore(lakeDir),
        transform: quietTransform(handler, () => undefined),
        signal: interrupt.signal,
        onProgress: (p) => {
          const filled = Math.round((p.done / p.total) * BAR_WIDTH);
          line.update(
            `redrive [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${p.done}/${p.total} error objects · ` +
              `last ${p.key}: ${p.landed} landed, ${p.stillFailing} still failing`,
            p.done === p.total,
          );
        },
      });
      line.done();
      console.log(
        result.objects === 0 && result.landed + result.stillFailing === 0
          ? `Nothing to redrive: no error objects under ${join(lakeDir, ERRORS_PREFIX)}.`
          : `Redrive: ${result.objects} error objects, ${result.landed} records landed in the lake ` +
              `(${result.written.length} objects), ${result.stillFailing} still failing (left under errors/).`,
      );
      if (interrupt.signal.aborted) {
        console.log('The redrive was cut short: run it again to go on.');
        process.exitCode = 1;
        return;
      }
      const check = await checkSession(session, lakeDir);
      console.log(formatCheck(check));
      for (const example of formatExamples(check)) console.log(example);
      if (!holds(check) || result.stillFailing > 0) process.exitCode = 1;
    });
  } finally {
    interrupt.dispose();
  }
}
