import { DashboardServer } from '../../dashboard/dashboard-server.ts';
import { abortOnInterrupt } from '../interrupt.ts';

/** `gadget-cdc dashboard` over an existing lake: serves the page (on `port`, 0 for a free one) until Ctrl-C. */
export async function dashboardAction(where: {
  dataDir: string;
  lakeDir: string;
  port: number;
}): Promise<void> {
  const interrupt = abortOnInterrupt();
  const dashboard = await DashboardServer.start(where);
  try {
    console.log(`Dashboard: ${dashboard.url} (Ctrl-C stops it)`);
    await new Promise((done) => interrupt.signal.addEventListener('abort', done, { once: true }));
  } finally {
    await dashboard.stop();
    interrupt.dispose();
  }
}
