// The dashboard page: panels pushed by the server (server-sent events), charts drawn with the bundled
// Chart.js, and the SQL console. Plain browser JavaScript, no build step.
const token = document.querySelector('meta[name="session-token"]').content;
const $ = (id) => document.getElementById(id);
const money = (n) => Number(n ?? 0).toLocaleString('en-US', { style: 'currency', currency: 'USD' });
const count = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));
const seconds = (ms) => (ms === null || ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`);

const COLORS = ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6', '#dd4477', '#66aa00'];
const charts = {};

function chart(id, config) {
  charts[id] ??= new Chart($(id), {
    ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options },
  });
  return charts[id];
}

/** Replaces a chart's labels and datasets in place (no new chart, no animation: cheap at any rate). */
function draw(id, config, labels, datasets) {
  const c = chart(id, config);
  if (labels) c.data.labels = labels;
  datasets.forEach((dataset, i) => {
    if (c.data.datasets[i]) Object.assign(c.data.datasets[i], dataset);
    else c.data.datasets.push(dataset);
  });
  c.data.datasets.length = datasets.length;
  c.update('none');
}

/** Column names as a person reads them, with the unit of their values: money, a count, or a time. */
const COLUMNS = {
  product_name: ['Gadget'],
  orders: ['Orders', 'count'],
  units: ['Units', 'count'],
  revenue: ['Revenue', 'money'],
  deleted: ['Deleted', 'count'],
  deleted_after_cancel: ['Deleted after cancel', 'count'],
  minutes_used: ['Minutes used', 'count'],
  revenue_per_minute_now: ['$/min now', 'money'],
  trend_per_minute: ['Trend, $/min each minute', 'money'],
  projected_next_60_min: ['Projected next 60 min', 'money'],
  low_95: ['95% low', 'money'],
  high_95: ['95% high', 'money'],
  backtest_actual_last_5_min: ['Last 5 min actual', 'money'],
  backtest_projected_last_5_min: ['Last 5 min projected', 'money'],
  at: ['When', 'time'],
  changed_at: ['Stream time', 'time'],
  updated_at: ['Updated', 'time'],
  created_at: ['Created', 'time'],
  arrival: ['Arrived', 'time'],
  orderid: ['Order'],
  cdc_event_type: ['Kind'],
  kind: ['Kind'],
  change: ['What changed'],
  what_changed: ['What changed'],
  sequence_number: ['Sequence number'],
  status: ['Status'],
  quantity: ['Quantity', 'count'],
  price: ['Price', 'money'],
  customer_id: ['Customer'],
  stage: ['Stage'],
  count: ['Count', 'count'],
  behind: ['Behind', 'count'],
  what: ['What it counts'],
  errorCode: ['Error'],
  errorMessage: ['Message'],
  data: ['Record (decoded)'],
  key: ['Object'],
  metric_value: ['Value'],
  cloudwatch_metric: ['CloudWatch metric'],
  alarm: ['Alarm'],
  alarm_state: ['State'],
  alarm_since: ['Since', 'time'],
  alarm_reason: ['Why'],
};

/** The page's one time zone (the browser's), named where times are shown; UTC on hover. */
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const localTime = (ms) => timeFormat.format(new Date(ms));
const utcTime = (ms) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;

/** One cell: its text, its hover title, and whether it is a number (right-aligned). */
function cell(column, value) {
  const unit = COLUMNS[column]?.[1];
  if (value === null || value === undefined || value === '') return { text: '' };
  if (unit === 'time' && !Number.isNaN(Date.parse(value)))
    return { text: localTime(Date.parse(value)), title: utcTime(Date.parse(value)) };
  if (unit === 'money' && Number.isFinite(Number(value))) return { text: money(value), number: true };
  if (unit === 'count' && Number.isFinite(Number(value))) return { text: count(value), number: true };
  return { text: String(value), number: typeof value === 'number' };
}

function table(id, rows, columns) {
  const el = $(id);
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const head = `<tr>${cols
    .map((c) => {
      const [label, unit] = COLUMNS[c] ?? [c];
      const number = unit === 'money' || unit === 'count';
      return `<th class="${number ? 'number' : ''}" title="${escapeHtml(c)}">${escapeHtml(label)}${unit === 'money' ? ' ($)' : ''}</th>`;
    })
    .join('')}</tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr>${cols
          .map((c) => {
            const { text, title, number } = cell(c, r[c]);
            const kind = number ? 'number' : title ? 'time' : '';
            return `<td class="${kind}"${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(text)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  el.innerHTML = rows.length ? head + body : '<tr><td class="muted">nothing yet</td></tr>';
}

function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function setKpi(id, text, value) {
  $(id).textContent = text;
  if (value !== undefined) $(id).dataset.value = String(value);
}

/** Points one minute apart, with a null where minutes are missing: a gap stays a gap. */
function withGaps(points) {
  const out = [];
  for (const p of points) {
    const before = out.at(-1);
    if (before && p.x - before.x > 60_000) out.push({ x: before.x + 60_000, y: null });
    out.push(p);
  }
  return out;
}

/** Every minute from the first to the last of `minutes` (ms), in order. */
function everyMinute(minutes) {
  if (minutes.length === 0) return [];
  const first = Math.min(...minutes);
  const last = Math.max(...minutes);
  return Array.from({ length: Math.round((last - first) / 60_000) + 1 }, (_, i) => first + i * 60_000);
}

/** A tooltip's title: the minute in the page's zone, then in UTC. */
function timeTitle(ms) {
  return ms === undefined ? '' : `${localTime(ms)} (${ZONE}) · ${utcTime(ms)}`;
}

let lastSnapshot;

function render(snapshot) {
  lastSnapshot = snapshot;
  $('updated-at').textContent =
    `updated ${localTime(Date.parse(snapshot.at))} (panels computed in ${Math.round(snapshot.computeMs ?? 0)} ms)`;
  $('updated-at').title = utcTime(Date.parse(snapshot.at));
  $('zone').textContent = `times in ${ZONE}, UTC on hover`;
  // When the shown panels began to be computed (ms since 1970): they hold what the lake held then.
  $('updated-at').dataset.computedFrom = String(Date.parse(snapshot.at) - (snapshot.computeMs ?? 0));
  $('refresh-error').hidden = !snapshot.error;
  $('refresh-error').textContent = snapshot.error ?? '';
  const { sales, health } = snapshot;
  if (!sales || !health) return;
  const aws = snapshot.aws;
  source = aws
    ? `AWS: stack ${aws.stack} (${aws.region})`
    : health.source === 'live'
      ? 'live run'
      : 'data dir (stopped)';
  showConnection();
  setKpi('kpi-orders', count(sales.totals.orders), sales.totals.orders);
  setKpi('kpi-revenue', money(sales.totals.revenue), sales.totals.revenue);
  setKpi('kpi-events', count(sales.totals.events), sales.totals.events);
  if (aws) renderAws(aws, health);
  else {
    setKpi('kpi-freshness', `${seconds(health.freshness.p50Ms)} / ${seconds(health.freshness.p99Ms)}`);
    setKpi('kpi-data-freshness', seconds(health.freshness.dataFreshnessMs));
    setKpi('kpi-lake', `${count(health.lake.objects)} · ${(health.lake.bytes / 1048576).toFixed(2)} MiB`);
  }

  const line = sales.projection.line;
  const minuteMs = (minute) => Date.parse(`${minute}:00Z`);
  const actual = sales.perMinute.map((r) => ({
    x: minuteMs(r.minute),
    revenue: r.revenue,
    orders: r.orders,
  }));
  const last = actual.at(-1)?.x;
  // The range chosen above the chart, counted back from the last minute with sales.
  const range = Number($('range').value);
  const shown = actual.filter((p) => !range || p.x > last - range * 60_000);
  // The last minute may still be filling (the SQL counts it as incomplete too): drawn apart, as partial.
  const complete = shown.slice(0, -1);
  const partial = shown.slice(-1);
  const projected = line.points.map((p) => ({ ...p, x: minuteMs(p.minute) }));
  const series = (points, key) => withGaps(points.map((p) => ({ x: p.x, y: p[key] })));
  // The actual revenue sets the scale; the projection and its band are drawn within it, clipped.
  const actualMax = Math.max(0, ...shown.map((p) => Number(p.revenue ?? 0)));
  draw(
    'chart-per-minute',
    {
      type: 'line',
      options: {
        parsing: false,
        scales: {
          x: {
            type: 'linear',
            ticks: { stepSize: 60_000, callback: (ms) => clockFormat.format(new Date(ms)) },
          },
          revenue: { position: 'left', min: 0, title: { display: true, text: 'revenue per minute ($)' } },
          orders: {
            position: 'right',
            min: 0,
            title: { display: true, text: 'orders per minute' },
            grid: { drawOnChartArea: false },
          },
        },
        plugins: { tooltip: { callbacks: { title: (items) => timeTitle(items[0]?.parsed.x) } } },
      },
    },
    undefined,
    [
      { label: 'revenue', data: series(complete, 'revenue'), borderColor: COLORS[0], yAxisID: 'revenue' },
      { label: 'orders', data: series(complete, 'orders'), borderColor: COLORS[3], yAxisID: 'orders' },
      {
        label: 'this minute so far (partial)',
        data: [...complete.slice(-1), ...partial].map((p) => ({ x: p.x, y: p.revenue })),
        borderColor: COLORS[0],
        borderDash: [2, 3],
        pointStyle: 'triangle',
        yAxisID: 'revenue',
      },
      {
        label: 'projected revenue',
        data: series(projected, 'revenue'),
        borderColor: COLORS[0],
        borderDash: [6, 4],
        pointRadius: 0,
        yAxisID: 'revenue',
      },
      {
        label: '95% band (low)',
        data: series(projected, 'low'),
        borderWidth: 0,
        pointRadius: 0,
        yAxisID: 'revenue',
      },
      {
        label: '95% band',
        data: series(projected, 'high'),
        borderWidth: 0,
        pointRadius: 0,
        fill: '-1',
        backgroundColor: 'rgba(51, 102, 204, 0.12)',
        yAxisID: 'revenue',
      },
    ],
  );
  const perMinuteChart = charts['chart-per-minute'];
  perMinuteChart.options.scales.revenue.max = actualMax > 0 ? Math.ceil(actualMax * 1.25) : undefined;
  perMinuteChart.options.scales.x.title = { display: true, text: `time (${ZONE})` };
  perMinuteChart.options.scales.x.min = shown[0]?.x;
  // Room for the projection when there is one; else the minutes there are.
  perMinuteChart.options.scales.x.max =
    last === undefined ? undefined : last + (projected.length > 0 ? Math.min(60, range || 60) : 1) * 60_000;
  perMinuteChart.update('none');
  $('projection-status').textContent =
    projected.length === 0
      ? `Projection after ${line.neededMinutes} complete minutes (${line.completeMinutes} so far).`
      : line.backtest
        ? `Backtest: the last 5 complete minutes projected ${money(line.backtest.projected)}, actual ` +
          `${money(line.backtest.actual)}` +
          (line.backtest.errorPercent === undefined
            ? '.'
            : ` (error ${line.backtest.errorPercent > 0 ? '+' : ''}${line.backtest.errorPercent}%).`)
        : 'Backtest after 10 complete minutes.';
  $('projection-method').textContent = line.method;
  draw(
    'chart-by-product',
    {
      type: 'bar',
      options: {
        plugins: { legend: { display: false } },
        scales: { y: { min: 0, title: { display: true, text: 'revenue of orders standing ($)' } } },
      },
    },
    sales.byProduct.map((r) => r.product_name),
    [{ label: 'revenue', data: sales.byProduct.map((r) => r.revenue), backgroundColor: COLORS[0] }],
  );
  draw(
    'chart-funnel',
    {
      type: 'bar',
      options: {
        indexAxis: 'y',
        plugins: { legend: { display: false } },
        scales: { x: { min: 0, title: { display: true, text: 'orders' } } },
      },
    },
    sales.funnel.map((r) => r.status),
    [{ label: 'orders', data: sales.funnel.map((r) => r.orders), backgroundColor: COLORS[2] }],
  );
  const flow = sales.flow
    .map((r) => ({ ...r, x: minuteMs(r.minute) }))
    .filter((r) => !range || r.x > last - range * 60_000);
  const flowMinutes = everyMinute(flow.map((r) => r.x));
  const flowAt = (key) => {
    const byMinute = new Map(flow.map((r) => [r.x, r[key]]));
    return flowMinutes.map((x) => byMinute.get(x) ?? null);
  };
  draw(
    'chart-flow',
    {
      type: 'bar',
      options: {
        scales: {
          x: { stacked: true, title: { display: true, text: `minute (${ZONE})` } },
          y: { stacked: true, min: 0, title: { display: true, text: 'change events' } },
        },
        plugins: {
          tooltip: { callbacks: { title: (items) => timeTitle(flowMinutes[items[0]?.dataIndex]) } },
        },
      },
    },
    flowMinutes.map((x) => clockFormat.format(new Date(x))),
    [
      { label: 'INSERT', data: flowAt('inserts'), backgroundColor: COLORS[3] },
      { label: 'MODIFY', data: flowAt('modifies'), backgroundColor: COLORS[0] },
      { label: 'REMOVE', data: flowAt('removes'), backgroundColor: COLORS[1] },
    ],
  );
  table('projection', sales.projection.byProduct);
  table('cancellations', sales.cancellations);
  table('recent-changes', sales.recentChanges);
  // Each order id opens that order's history.
  const orderColumn = Object.keys(sales.recentChanges[0] ?? {}).indexOf('orderid');
  for (const row of $('recent-changes').querySelectorAll('tr')) {
    const cell = row.children[orderColumn];
    if (orderColumn < 0 || !cell || cell.tagName !== 'TD') continue;
    const button = document.createElement('button');
    button.className = 'order-link';
    button.type = 'button';
    button.textContent = cell.textContent;
    cell.replaceChildren(button);
  }
  if (!aws) {
    table(
      'health',
      health.stages.map((s) => ({
        stage: s.stage,
        count: count(s.count),
        behind: count(s.behind),
        what: s.note,
      })),
    );
    $('run-status').textContent = health.run ? `last up run: ${health.run.state} — ${health.run.line}` : '';
    $('lag').textContent =
      `time behind the source: pipe ${seconds(health.millisBehind.pipe)} (DynamoDB Local stamps stream records to the minute,` +
      ` so locally up to 60 s too much), delivery ${seconds(health.millisBehind.delivery)}` +
      ` · ${health.lake.errorObjects} error objects`;
    table('errors', health.errors, ['arrival', 'errorCode', 'errorMessage', 'data', 'key']);
  }
}

/** Bytes as a person reads them, in binary units (as Athena's figures here count them). */
function bytes(n) {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Number(n ?? 0);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Dollars to three significant digits: Athena's costs are fractions of a cent. */
const usd = (n) =>
  Number(n ?? 0).toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 });

/** A CloudWatch metric's value in its unit; no data points is no traffic, not zero. */
function metricValue(metric) {
  if (metric.value === null) return 'no data';
  if (metric.unit === 'ms') return seconds(metric.value);
  if (metric.unit === 's') return `${metric.value.toFixed(0)} s`;
  if (metric.unit === 'ratio') return `${(metric.value * 100).toFixed(0)}%`;
  return count(metric.value);
}

/** On AWS: the stack, what Athena scans and costs, and the health panel from CloudWatch. */
function renderAws(aws, health) {
  $('athena').hidden = false;
  // Failed records are CloudWatch metrics and alarms here: the health panel takes the width, failures go.
  $('health-panel').classList.add('wide');
  $('failures').hidden = true;
  const scan = (s) =>
    `${count(s.queries)} queries scanned ${bytes(s.scannedBytes)}, billed ${bytes(s.billedBytes)}, ${usd(s.costUsd)}`;
  $('athena-source').textContent =
    `Athena, workgroup ${aws.workGroup}, database ${aws.database} (${aws.region}), at ${usd(aws.pricePerTbUsd)} per TB scanned`;
  const refresh = $('athena-refresh');
  refresh.dataset.reused = String(aws.refresh.reused);
  refresh.textContent = aws.refresh.reused
    ? `last refresh reused the results before it: no new object in the lake (${count(aws.lake.objects)} objects in ${aws.lake.partitions.join(' and ')})`
    : `last refresh ran Athena: ${scan(aws.refresh.athena)}`;
  const cost = $('athena-cost');
  cost.dataset.perRefresh = String(aws.perRefreshUsd);
  cost.dataset.perHour = String(aws.perHourUsd);
  cost.textContent =
    `a refresh that runs Athena costs ${usd(aws.perRefreshUsd)}; at one refresh every ${aws.refreshMs / 1000} s, ` +
    `at most ${usd(aws.perHourUsd)} per hour (only refreshes that find a new object run Athena)`;
  $('athena-session').textContent = `this session: ${scan(aws.session)}`;
  $('athena-cloudwatch').textContent =
    `CloudWatch: ${aws.cloudWatch.metrics} metrics every ${aws.cloudWatch.everyMs / 60_000} minutes, ${usd(aws.cloudWatch.perHourUsd)} per hour`;
  $('kpi-freshness-label').textContent = 'Athena per refresh · at most per hour';
  setKpi('kpi-freshness', `${usd(aws.perRefreshUsd)} · ${usd(aws.perHourUsd)}`, aws.perRefreshUsd);
  setKpi('kpi-data-freshness', seconds(health.dataFreshnessMs));
  $('kpi-lake-label').textContent = `lake objects · size, ${aws.lake.partitions.join(' and ')}`;
  setKpi('kpi-lake', `${count(aws.lake.objects)} · ${bytes(aws.lake.bytes)}`, aws.lake.objects);

  const read = health.metricsAt ? `, read ${localTime(Date.parse(health.metricsAt))}` : '';
  $('run-status').textContent =
    `CloudWatch, the last ${health.windowMinutes} minutes in ${health.periodSeconds / 60}-minute periods${read}: ` +
    'counts are sums over the hour, ages and shares the newest period’s.' +
    (health.errors.length > 0 ? ` Not read: ${health.errors.join('; ')}` : '');
  table(
    'health',
    health.metrics.map((m) => ({
      stage: m.stage,
      what: m.what,
      metric_value: metricValue(m),
      cloudwatch_metric: m.metric,
    })),
  );
  const alarms = $('alarms');
  alarms.hidden = false;
  table(
    'alarms',
    health.alarms.map((a) => ({
      alarm: a.name,
      alarm_state: a.state,
      alarm_since: a.since,
      alarm_reason: a.reason,
    })),
  );
  for (const row of alarms.querySelectorAll('tr')) {
    if (row.children[1]?.textContent === 'ALARM') row.classList.add('error');
  }
  const firing = health.alarms.filter((a) => a.state === 'ALARM').length;
  $('lag').textContent = `${firing} of ${health.alarms.length} alarms in ALARM`;
}

// Live updates: the server pushes a snapshot whenever it recomputes the panels, and a ping every 2 s. A page
// that has heard nothing for 5 s, or whose stream dropped, says so at once; EventSource reconnects by itself.
const SILENCE_MS = 5_000;
let source = 'connecting…';
let heardAt = Date.now();
let streamOpen = false;

function showConnection() {
  const lost = !streamOpen || Date.now() - heardAt > SILENCE_MS;
  $('source').textContent = lost ? 'server not answering: reconnecting…' : source;
  $('source').classList.toggle('lost', lost);
}

const events = new EventSource('/api/events');
const heard = () => {
  heardAt = Date.now();
  streamOpen = true;
  showConnection();
};
events.addEventListener('open', heard);
events.addEventListener('ping', heard);
events.addEventListener('snapshot', (event) => {
  heard();
  render(JSON.parse(event.data));
});
events.addEventListener('error', () => {
  streamOpen = false;
  showConnection();
});
setInterval(showConnection, 1_000);

$('range').addEventListener('change', () => lastSnapshot && render(lastSnapshot));

$('recent-changes').addEventListener('click', (event) => {
  const button = event.target.closest('button.order-link');
  if (button) void showHistory(button.textContent);
});
$('history-close').addEventListener('click', () => {
  $('order-history').hidden = true;
});

async function showHistory(orderid) {
  const response = await fetch(`/api/history?orderid=${encodeURIComponent(orderid)}`, {
    headers: { 'X-Session-Token': token },
  });
  $('history-orderid').textContent = orderid;
  $('order-history').hidden = false;
  if (!response.ok) {
    // The server's one line (a damaged lake object, say), not a page that silently does nothing.
    $('history-now').textContent = await response.text();
    table('history-changes', []);
    return;
  }
  const history = await response.json();
  const current = history.current;
  const removed = history.changes.findLast((c) => c.kind === 'REMOVE');
  $('history-now').textContent = current
    ? `Now: ${current.status}, ${current.quantity} × ${current.product_name} at ${money(current.price)} ` +
      `(last change at ${current.updated_at}).`
    : history.changes.length === 0
      ? 'No change of this order is in the lake.'
      : `Now: deleted (REMOVE at ${removed?.changed_at ?? 'an unknown time'}).`;
  table('history-changes', history.changes);
  $('order-history').scrollIntoView({ block: 'nearest' });
}

/** The last console result, for the CSV export. */
let consoleResult;

function csvField(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

$('console-csv').addEventListener('click', () => {
  if (!consoleResult) return;
  const lines = [consoleResult.columns, ...consoleResult.rows].map((r) => r.map(csvField).join(','));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }));
  link.download = 'query-result.csv';
  link.click();
  URL.revokeObjectURL(link.href);
});

$('console-sql').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void runConsole();
  }
});

async function runConsole() {
  $('console-status').textContent = 'running…';
  $('console-error').hidden = true;
  const response = await fetch('/api/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Session-Token': token },
    body: JSON.stringify({ sql: $('console-sql').value }),
  });
  const result = await response.json();
  if (!response.ok) {
    consoleResult = undefined;
    $('console-csv').disabled = true;
    $('console-status').textContent = '';
    $('console-error').hidden = false;
    $('console-error').textContent = result.error;
    $('console-result').innerHTML = '';
    return;
  }
  const rows = result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i]])));
  table('console-result', rows, result.columns);
  consoleResult = result;
  $('console-csv').disabled = false;
  const uncounted = result.athena
    ? 'more (not counted: that would scan, and bill, again)'
    : 'more (counting them took too long)';
  const all = result.totalRows === undefined ? uncounted : count(result.totalRows);
  $('console-status').textContent =
    (result.truncated ? `the first ${count(rows.length)} rows of ${all}` : `${count(rows.length)} rows`) +
    ` in ${Math.round(result.elapsedMs)} ms` +
    (result.athena
      ? ` · scanned ${bytes(result.athena.scannedBytes)}, billed ${bytes(result.athena.billedBytes)}, ${usd(result.athena.costUsd)}`
      : '');
}

$('console-run').addEventListener('click', () => void runConsole());
fetch('/api/named-queries')
  .then((response) => response.json())
  .then((queries) => {
    for (const q of queries) $('console-named').add(new Option(`${q.name} — ${q.summary}`, q.sql));
    $('console-named').addEventListener('change', (event) => {
      if (event.target.value) $('console-sql').value = event.target.value;
    });
  });
