// perfpilot k6 script ({{ title }}). Generated: endpoint data below is JSON, never code.
import exec from 'k6/execution';
import http from 'k6/http';

const CONFIG = {{ config }};

export const options = CONFIG.options;

const BASE_URL = __ENV.PERFPILOT_BASE_URL || CONFIG.base_url;
// Weyl sequence over the iteration number: every endpoint gets its share of the run, on every run.
const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;

// mulberry32: a small seeded PRNG, so every VU draws the same sequence on every run.
function seeded(seed) {
  let state = seed >>> 0;
  return function () {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seeded(CONFIG.seed + __VU * 7919);
const PHASES = ['first', 'middle', 'last'];

function pickEndpoint() {
  let u = (exec.scenario.iterationInTest * GOLDEN_FRACTION) % 1;
  for (const e of CONFIG.endpoints) {
    u -= e.share;
    if (u < 0) {
      return e;
    }
  }
  return CONFIG.endpoints[CONFIG.endpoints.length - 1];
}

function fill(template, params, encode) {
  return template.replace(/\$\{(\w+)\}/g, (whole, key) => {
    const values = params[key];
    if (!values || values.length === 0) {
      return whole;
    }
    const value = values[Math.floor(random() * values.length)];
    return encode ? encodeURIComponent(value) : value;
  });
}

export default function () {
  const e = pickEndpoint();
  const url = BASE_URL + fill(e.path, e.params, true);
  const body = e.body === null ? null : fill(e.body, e.params, false);
  const tags = { name: e.tag };
  if (CONFIG.phases) {
    // soak: which third of the run a request falls in, so drift shows in the summary
    tags.phase = PHASES[Math.min(2, Math.floor(exec.scenario.progress * 3))];
  }
  http.request(e.method, url, body, { tags: tags, headers: e.headers });
}

// One line per threshold, so a CI log shows what passed and what broke.
function thresholdReport(data) {
  const lines = [];
  for (const [name, metric] of Object.entries(data.metrics)) {
    for (const [expression, result] of Object.entries(metric.thresholds || {})) {
      lines.push(`${result.ok ? 'ok  ' : 'FAIL'} ${name} ${expression} ${JSON.stringify(metric.values)}`);
    }
  }
  return lines.sort().join('\n') + '\n';
}

export function handleSummary(data) {
  const out = { stdout: thresholdReport(data) };
  if (__ENV.PERFPILOT_SUMMARY) {
    out[__ENV.PERFPILOT_SUMMARY] = JSON.stringify(data, null, 1);
  }
  return out;
}
