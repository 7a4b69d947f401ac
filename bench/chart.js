// Renders bench/results/flush-latency.svg from the flush results: latency (ms, log) against records flushed (log),
// one line per method at p50 with a whisker up to p95. Plain SVG, no dependencies.
const WIDTH = 760;
const HEIGHT = 520;
const MARGIN = { left: 78, right: 24, top: 64, bottom: 128 };
const SERIES = [
  { key: 'b', label: 'KPL loop: flush(); sleep(500) until 0 outstanding', color: '#D55E00', dash: '7 4', marker: 'square' },
  { key: 'a', label: 'await producer.flush()', color: '#0072B2', dash: '', marker: 'circle' },
  { key: 'c', label: 'raw PutRecords, 500 a request (floor)', color: '#555555', dash: '2 3', marker: 'diamond' },
];

const escapeXml = (text) => String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
const fmt = (value) => (value >= 1000 ? value.toLocaleString('en-US') : String(value));
const range = (values) => (Math.min(...values) === Math.max(...values) ? String(values[0]) : `${Math.min(...values)}–${Math.max(...values)}`);
const msLabel = (ms) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

function marker(shape, x, y, color) {
  const r = 4.5;
  if (shape === 'square') return `<rect x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" fill="${color}"/>`;
  if (shape === 'diamond') return `<path d="M${x.toFixed(1)} ${(y - r - 1).toFixed(1)} L${(x + r + 1).toFixed(1)} ${y.toFixed(1)} L${x.toFixed(1)} ${(y + r + 1).toFixed(1)} L${(x - r - 1).toFixed(1)} ${y.toFixed(1)} Z" fill="${color}"/>`;
  return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${color}"/>`;
}

export function renderFlushChart(data) {
  const rows = data.results;
  const sizes = rows.map((row) => row.records);
  const values = rows.flatMap((row) => SERIES.flatMap((s) => [row.stats[s.key].p50, row.stats[s.key].p95]));
  const xMin = 10 ** Math.floor(Math.log10(Math.min(...sizes)));
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(...sizes)));
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (v) => MARGIN.left + ((Math.log10(v) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin) || 1)) * plotW;
  const y = (v) => MARGIN.top + plotH - ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin) || 1)) * plotH;

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="13">`);
  out.push(`<title>Flush latency against records flushed: await flush() vs the KPL polling loop vs raw PutRecords</title>`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN.left}" y="24" font-size="16" font-weight="600" fill="#111">Time to flush N records of 100 B into kinesalite (p50, whisker to p95)</text>`);
  const m = data.machine;
  out.push(`<text x="${MARGIN.left}" y="44" font-size="12" fill="#555">${escapeXml(`${m.cores} × ${m.cpuModel}, Node ${m.node}, ${data.date.slice(0, 10)}; ${range(rows.map((r) => r.runsAC ?? r.runs))} runs per point for (a) and (c), ${range(rows.map((r) => r.runs))} for (b)${data.quick ? ' (quick mode)' : ''}`)}</text>`);

  // Grid and axes.
  for (let d = Math.log10(yMin); d <= Math.log10(yMax) + 1e-9; d++) {
    const v = 10 ** d;
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#333">${msLabel(v)}</text>`);
    for (let k = 2; k < 10 && d < Math.log10(yMax) - 1e-9; k++) {
      out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + 5}" y1="${y(k * v).toFixed(1)}" y2="${y(k * v).toFixed(1)}" stroke="#999"/>`);
    }
  }
  for (let d = Math.log10(xMin); d <= Math.log10(xMax) + 1e-9; d++) {
    const v = 10 ** d;
    out.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${x(v).toFixed(1)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" fill="#333">${fmt(v)}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 40}" text-anchor="middle" fill="#111">records flushed (log scale)</text>`);
  out.push(`<text transform="translate(20 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111">latency, first put() to all stored (ms, log scale)</text>`);

  // Series.
  for (const s of SERIES) {
    const points = rows.map((row) => [x(row.records), y(row.stats[s.key].p50), y(row.stats[s.key].p95)]);
    out.push(`<g>`);
    out.push(`<polyline points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2.2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const [px, py, p95] of points) {
      out.push(`<line x1="${px.toFixed(1)}" x2="${px.toFixed(1)}" y1="${py.toFixed(1)}" y2="${p95.toFixed(1)}" stroke="${s.color}" stroke-width="1.2"/>`);
      out.push(`<line x1="${(px - 4).toFixed(1)}" x2="${(px + 4).toFixed(1)}" y1="${p95.toFixed(1)}" y2="${p95.toFixed(1)}" stroke="${s.color}" stroke-width="1.2"/>`);
      out.push(marker(s.marker, px, py, s.color));
    }
    out.push(`</g>`);
  }

  // Legend, below the plot, one series a row.
  const legendX = MARGIN.left;
  SERIES.forEach((s, index) => {
    const legendY = HEIGHT - 66 + index * 20;
    out.push(`<line x1="${legendX}" x2="${legendX + 30}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${s.color}" stroke-width="2.2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(marker(s.marker, legendX + 15, legendY - 4, s.color));
    out.push(`<text x="${legendX + 40}" y="${legendY}" fill="#111">${escapeXml(s.label)}</text>`);
  });
  out.push(`</svg>`);
  return `${out.join('\n')}\n`;
}
