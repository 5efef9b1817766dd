#!/usr/bin/env bash
# Checks the operations files in ops/ against a running app (issue 25), as CI's last step:
#
#   1. starts the app on PostgreSQL + Redis (DATABASE_URL, REDIS_URL: the pool series need a real pool)
#      with METRICS_PORT, and sends it a little traffic;
#   2. starts Debian's prometheus scraping it every second (ops/prometheus.yml's job, on loopback);
#   3. waits for the target to be up, then checks that the expected series are there;
#   4. `promtool check config` on ops/prometheus.yml and `promtool check rules` on ops/alerts.yml;
#   5. evaluates every panel expression of ops/grafana-dashboard.json with `promtool query instant`:
#      each must evaluate, and every series it names must exist, so a panel naming a missing series fails.
#
# Needs prometheus/promtool (scripts/install-services.sh installs them). Ports: OPS_APP_PORT (3178),
# OPS_METRICS_PORT (9178), OPS_PROMETHEUS_PORT (9190). Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

APP_PORT="${OPS_APP_PORT:-3178}"
METRICS_PORT="${OPS_METRICS_PORT:-9178}"
PROM_PORT="${OPS_PROMETHEUS_PORT:-9190}"
PROM_URL="http://127.0.0.1:$PROM_PORT"
WORK="$(mktemp -d -t nl-check-ops-XXXXXX)"
APP_PID=""
PROM_PID=""

cleanup() {
  [[ -n "$PROM_PID" ]] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null || true
  [[ -n "$APP_PID" ]] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "check-ops: $*" >&2
  echo "--- app log (tail)" >&2; tail -20 "$WORK/app.log" >&2 || true
  echo "--- prometheus log (tail)" >&2; tail -20 "$WORK/prometheus.log" >&2 || true
  exit 1
}

command -v promtool >/dev/null || fail "promtool is missing: run scripts/install-services.sh"
[[ -n "${DATABASE_URL:-}" && -n "${REDIS_URL:-}" ]] || fail "set DATABASE_URL (a database of its own) and REDIS_URL"

echo "check-ops: promtool check config / rules"
promtool check config ops/prometheus.yml >/dev/null || promtool check config ops/prometheus.yml
promtool check rules ops/alerts.yml

echo "check-ops: starting the app on $APP_PORT, metrics on 127.0.0.1:$METRICS_PORT"
# Push on (a fresh key pair), so the push series are there as in production.
while IFS= read -r line; do [[ "$line" == VAPID_* ]] && export "${line?}"; done < <(node_modules/.bin/bun --no-env-file src/cli.ts vapid-keys)
env PORT="$APP_PORT" METRICS_PORT="$METRICS_PORT" DATA_DIR="$WORK/data" \
  PUBLIC_URL="http://127.0.0.1:$APP_PORT" LOG_LEVEL=warn \
  node_modules/.bin/bun --no-env-file src/main.ts >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 180); do
  curl -fsS "http://127.0.0.1:$APP_PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || fail "the app exited"
  sleep 1
done
curl -fsS "http://127.0.0.1:$APP_PORT/healthz" >/dev/null || fail "the app did not answer /healthz"
for path in / /memorials /finder /explore /no-such-page; do
  curl -sS -o /dev/null "http://127.0.0.1:$APP_PORT$path" || true
done

cat >"$WORK/prometheus.yml" <<YAML
global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: ['$(pwd)/ops/alerts.yml']
scrape_configs:
  - job_name: nine-lives
    static_configs: [{ targets: ['127.0.0.1:$METRICS_PORT'] }]
YAML
echo "check-ops: starting prometheus on $PROM_URL"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!

up=""
for _ in $(seq 1 60); do
  up="$(promtool query instant -o json "$PROM_URL" 'up{job="nine-lives"} == 1' 2>/dev/null || true)"
  [[ "$up" == *'"value"'* ]] && break
  sleep 1
done
[[ "$up" == *'"value"'* ]] || fail "the scrape target is not up"
# A few more scrapes, so that rate() over them has two samples at least; more traffic between them.
for path in / /memorials /finder; do curl -sS -o /dev/null "http://127.0.0.1:$APP_PORT$path" || true; done
sleep 4

has_series() { [[ "$(promtool query series "$PROM_URL" --match="{__name__=\"$1\"}" 2>/dev/null)" == *"$1"* ]]; }

echo "check-ops: expected series"
for name in http_request_duration_seconds_bucket http_requests_in_flight http_response_bytes_total \
  db_query_duration_seconds_bucket store_command_duration_seconds_bucket cache_lookups_total \
  queue_jobs queue_oldest_ready_job_age_seconds queue_jobs_total scheduled_job_runs_total \
  push_messages_total media_processing_duration_seconds_bucket nodejs_eventloop_lag_p99_seconds \
  process_resident_memory_bytes nodejs_heap_size_used_bytes server_processes; do
  has_series "$name" || fail "no series $name"
done

echo "check-ops: every dashboard panel"
# Each panel expression, a tab, then the series it names: what is left once strings, label matchers,
# ranges, grouping clauses, function calls, keywords and numbers are taken out.
cat >"$WORK/panels.ts" <<'TS'
const KEYWORDS = new Set(['by', 'without', 'and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset'])
const dashboard = await Bun.file('ops/grafana-dashboard.json').json()
for (const panel of dashboard.panels) {
  for (const target of panel.targets ?? []) {
    const bare = String(target.expr)
      .replace(/"[^"]*"/g, '')
      .replace(/\{[^}]*\}/g, ' ')
      .replace(/\[[^\]]*\]/g, ' ')
      .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    const names = [...bare.matchAll(/(?<![a-zA-Z0-9_:.])[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:]|\s*\()/g)].map((m) => m[0]).filter((word) => !KEYWORDS.has(word))
    console.log(`${target.expr}\t${[...new Set(names)].join(' ')}`)
  }
}
TS
panels=0
while IFS=$'\t' read -r expr names; do
  [[ -z "$expr" ]] && continue
  panels=$((panels + 1))
  [[ -n "$names" ]] || fail "panel names no series: $expr"
  promtool query instant "$PROM_URL" "$expr" >/dev/null 2>"$WORK/query.err" || fail "panel expression does not evaluate: $expr ($(cat "$WORK/query.err"))"
  for name in $names; do
    has_series "$name" || fail "panel names a missing series $name: $expr"
  done
done < <(node_modules/.bin/bun "$WORK/panels.ts")
((panels > 0)) || fail "no panel expressions found in ops/grafana-dashboard.json"
echo "check-ops: ok ($panels panel expressions, scrape target up)"
