import { type StackOptions, startStackWithResources } from '../../twin/stack-start.ts';
import { abortOnInterrupt } from '../interrupt.ts';

/** `gadget-cdc local` once its data dir passed the preflight: the stack, until Ctrl-C or a server's crash. */
export async function localAction(options: StackOptions): Promise<void> {
  const interrupt = abortOnInterrupt();
  try {
    const { stack } = await startStackWithResources({ ...options, abortSignal: interrupt.signal });
    try {
      console.log('Local stack running. Ctrl-C stops it.');
      const stopped = new Promise<undefined>((resolve) => {
        if (interrupt.signal.aborted) resolve(undefined);
        interrupt.signal.addEventListener('abort', () => resolve(undefined), { once: true });
      });
      const crash = await Promise.race([stopped, stack.crashed]);
      if (crash) throw crash;
    } finally {
      await stack.stop();
      console.log('Local stack stopped.');
    }
  } finally {
    interrupt.dispose();
  }
}
