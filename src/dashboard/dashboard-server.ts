import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { namedQueries, namedQuerySql, namedQuerySummary } from '../catalog/named-queries.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import type { AwsStatus } from './aws-stack-source.ts';
import type { AwsHealthPanel } from './cloudwatch-health.ts';
import type { DashboardSource } from './dashboard-source.ts';
import { readBody, SECURITY_HEADERS, send } from './http-io.ts';
import { LocalLakeSource, type LocalLakeSourceOptions } from './local-lake-source.ts';
import type { HealthPanel } from './pipeline-health.ts';
import { isLoopbackHost, sameToken } from './request-guards.ts';
import type { SalesPanels } from './sales-panels.ts';
import { ConsoleQueryError } from './sql-console.ts';

/** Where to listen. */
export interface ServeOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

/** The page over a local lake folder (`gadget-cdc up`, `gadget-cdc dashboard`). */
export interface DashboardOptions extends LocalLakeSourceOptions, ServeOptions {}

export interface DashboardSnapshot {
  readonly at: string;
  readonly sales: SalesPanels | undefined;
  readonly health: HealthPanel | AwsHealthPanel | undefined;
  /** On AWS: which stack, and what Athena scans and costs. */
  readonly aws?: AwsStatus;
  /** How long computing these panels took. */
  readonly computeMs?: number;
  /** Why the last refresh failed, if it did (the panels keep their last good values). */
  readonly error?: string;
}

const PUBLIC = new URL('./public/', import.meta.url);
const TOKEN_MISMATCH = 'Reload the dashboard: the session token does not match.';
/** How often the server tells each page it is there; the page says so when it has heard nothing for 5 s. */
const HEARTBEAT_MS = 2_000;
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
interface StaticFiles {
  /** The page, with `{{SESSION_TOKEN}}` for the server's token. */
  readonly page: string;
  /** Path → body and content type. */
  readonly assets: ReadonlyMap<string, { readonly body: Buffer; readonly type: string }>;
}

/** The page's files, read when a server starts (not by every CLI command that merely imports this module). */
function readStaticFiles(): StaticFiles {
  const assets: Array<[string, string, string]> = [
    ['/assets/dashboard.js', new URL('dashboard.js', PUBLIC).pathname, 'text/javascript'],
    ['/assets/dashboard.css', new URL('dashboard.css', PUBLIC).pathname, 'text/css'],
    ['/assets/chart.umd.min.js', CHART_JS, 'text/javascript'],
  ];
  return {
    page: readFileSync(new URL('index.html', PUBLIC), 'utf8'),
    assets: new Map(assets.map(([path, file, type]) => [path, { body: readFileSync(file), type }])),
  };
}

/**
 * The live dashboard: one page on 127.0.0.1 (sales, the CDC flow, pipeline health, the projection, a SQL
 * console), panels pushed by server-sent events, computed by a `DashboardSource` (the local lake, or a deployed
 * stack). Every request must name a loopback host (no DNS rebinding); no CORS header is ever sent; the console
 * needs the page's per-session token and a same-origin request, and its source runs only one read-only SELECT
 * (docs/reliability.md, Security).
 */
export class DashboardServer {
  readonly token = randomBytes(24).toString('hex');
  private snapshot: DashboardSnapshot = { at: new Date().toISOString(), sales: undefined, health: undefined };
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  /** A word to every open page every HEARTBEAT_MS, so a page can tell a quiet server from a gone one. */
  private readonly heartbeat = setInterval(() => {
    for (const client of this.clients) client.write('event: ping\ndata: {}\n\n');
  }, HEARTBEAT_MS).unref();
  private refreshing: Promise<void> | undefined;
  private stopped = false;
  private readonly files = readStaticFiles();

  private constructor(
    private readonly server: Server,
    private readonly source: DashboardSource,
  ) {}

  /** The page over a local lake folder. */
  static async start(options: DashboardOptions): Promise<DashboardServer> {
    return DashboardServer.serve(await LocalLakeSource.open(options), options);
  }

  /** The page over any source; the server closes the source when it stops (or fails to start). */
  static async serve(source: DashboardSource, options: ServeOptions = {}): Promise<DashboardServer> {
    const server = createServer();
    const dashboard = new DashboardServer(server, source);
    server.on('request', (request, response) => {
      dashboard.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent)
          send(response, 500, 'text/plain', `The dashboard failed: ${String(error)}`);
        else response.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    }).catch(async (error: unknown) => {
      await source.close();
      const code = (error as NodeJS.ErrnoException).code;
      throw new PipelineError(
        'dashboard',
        'DASHBOARD_PORT',
        `The dashboard cannot listen on 127.0.0.1:${options.port} (${code}). Pick another port (--port; --dashboard-port under up), or 0 for a free one.`,
      );
    });
    await dashboard.refresh();
    dashboard.scheduleRefresh();
    return dashboard;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Recomputes every panel and pushes the result to each open page; a refresh in progress is not doubled. */
  refresh(): Promise<void> {
    this.refreshing ??= this.computeSnapshot().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** The next refresh once the source's wait after the last one has passed. */
  private scheduleRefresh(): void {
    const wait = this.source.nextRefreshInMs(this.snapshot.computeMs ?? 0);
    this.timer = setTimeout(
      () => void this.refresh().then(() => this.stopped || this.scheduleRefresh()),
      wait,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    await this.refreshing;
    for (const client of this.clients) client.end();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    await this.source.close();
  }

  private async computeSnapshot(): Promise<void> {
    const started = performance.now();
    try {
      const panels = await this.source.panels();
      this.snapshot = { at: new Date().toISOString(), ...panels, computeMs: performance.now() - started };
    } catch (error) {
      this.snapshot = { ...this.snapshot, error: error instanceof Error ? error.message : String(error) };
    }
    const event = `event: snapshot\ndata: ${JSON.stringify(this.snapshot)}\n\n`;
    for (const client of this.clients) client.write(event);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!isLoopbackHost(request.headers.host, this.port)) {
      return send(
        response,
        403,
        'text/plain',
        `Host ${JSON.stringify(request.headers.host)} is not allowed: open ${this.url}`,
      );
    }
    const route = `${request.method} ${url.pathname}`;
    if (route === 'GET /') return send(response, 200, 'text/html', this.page());
    const asset = request.method === 'GET' ? this.files.assets.get(url.pathname) : undefined;
    if (asset) return send(response, 200, asset.type, asset.body);
    if (route === 'GET /api/snapshot')
      return send(response, 200, 'application/json', JSON.stringify(this.snapshot));
    if (route === 'GET /api/events') return this.subscribe(response);
    if (route === 'GET /api/named-queries') {
      const list = namedQueries().map((name) => ({
        name,
        summary: namedQuerySummary(name),
        sql: namedQuerySql(name),
      }));
      return send(response, 200, 'application/json', JSON.stringify(list));
    }
    if (route === 'POST /api/query') return this.runQuery(request, response);
    if (route === 'GET /api/history') {
      // Each answer costs queries (billed on Athena): only the page itself may ask, as for the console.
      if (!this.fromThePage(request)) return send(response, 403, 'text/plain', TOKEN_MISMATCH);
      return this.orderHistory(url.searchParams.get('orderid') ?? '', response);
    }
    return send(response, 404, 'text/plain', `Nothing at ${request.method} ${url.pathname}`);
  }

  private page(): string {
    return this.files.page.replace('{{SESSION_TOKEN}}', this.token);
  }

  private subscribe(response: ServerResponse): void {
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream',
      Connection: 'keep-alive',
    });
    response.write(`event: snapshot\ndata: ${JSON.stringify(this.snapshot)}\n\n`);
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }

  /** One order's changes in stream order and how it stands (the `history` command's answer), as JSON. */
  private async orderHistory(orderid: string, response: ServerResponse): Promise<void> {
    send(response, 200, 'application/json', JSON.stringify(await this.source.orderHistory(orderid)));
  }

  /** The request carries the page's session token and, if it says where it comes from, comes from the page. */
  private fromThePage(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    return (
      sameToken(request.headers['x-session-token'], this.token) &&
      (!origin || origin === this.url.slice(0, -1))
    );
  }

  private async runQuery(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!this.fromThePage(request))
      return send(response, 403, 'application/json', JSON.stringify({ error: TOKEN_MISMATCH }));
    try {
      const body = JSON.parse(await readBody(request)) as { sql?: unknown };
      if (typeof body.sql !== 'string')
        throw new ConsoleQueryError('CONSOLE_REFUSED', 'Send {"sql": "SELECT …"}.');
      const result = await this.source.console(body.sql);
      send(response, 200, 'application/json', JSON.stringify(result));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof PipelineError ? error.code : 'CONSOLE_FAILED';
      send(response, 400, 'application/json', JSON.stringify({ error: message, code }));
    }
  }
}
