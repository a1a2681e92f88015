/**
 * What `gc-incident init` writes into a new runbook repository. The example runbook is made
 * from a shipped one (so it always validates against this version's schema); the rest is
 * written here with comments a newcomer can follow.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../../adapters/fs/package-files.js';

export const EXAMPLE_ID = 'my-service-gc-thrash';

export interface ScaffoldFile {
  readonly path: string;
  readonly content: string;
}

export function scaffoldFiles(version: string): ScaffoldFile[] {
  return [
    { path: `runbooks/${EXAMPLE_ID}.yaml`, content: exampleRunbook() },
    { path: `runbooks/tests/${EXAMPLE_ID}.test.yaml`, content: exampleTest() },
    { path: 'datasources.yaml', content: DATASOURCES },
    { path: 'http-actions.yaml', content: HTTP_ACTIONS },
    { path: '.vscode/settings.json', content: VSCODE_SETTINGS },
    { path: '.github/workflows/runbooks.yml', content: workflow(version) },
  ];
}

function exampleRunbook(): string {
  const shipped = readFileSync(packagePath('runbooks', 'gc-thrash-allocation-churn.yaml'), 'utf8');
  const body = shipped
    .replace(/^# yaml-language-server:.*\n/, '')
    .replace('  id: gc-thrash-allocation-churn', `  id: ${EXAMPLE_ID}`)
    .replace(/ {2}title: .*/, '  title: "my-service: very frequent young collections from allocation churn"')
    .replace('    team: python-platform', '    team: my-team')
    .replace('    slackChannel: "#python-platform"', '    slackChannel: "#my-team-incidents"');
  return `# An example runbook, copied from gc-incident's shipped 'gc-thrash-allocation-churn'.
# Edit it for your service, or delete it: any runbook here with a shipped runbook's id
# replaces that one; the shipped runbooks with other ids stay available.
# Check it with 'npx gc-incident validate' and 'npx gc-incident test'.
${body}`;
}

/** The shipped runbook's own test file, pointed at the example (so it passes with this version). */
function exampleTest(): string {
  const shipped = readFileSync(
    packagePath('runbooks', 'tests', 'gc-thrash-allocation-churn.test.yaml'),
    'utf8',
  );
  const body = shipped
    .replace(/^# yaml-language-server:.*\n/, '')
    .replace('runbook: gc-thrash-allocation-churn', `runbook: ${EXAMPLE_ID}`);
  return `# yaml-language-server: $schema=../../node_modules/gc-incident/schemas/runbook-test.schema.json
# Tests for the runbook ${EXAMPLE_ID}, run by 'npx gc-incident test' (needs promtool and
# prometheus on PATH: Debian's 'prometheus' package). input_series uses Prometheus's series
# notation, as in 'promtool test rules': '0+600x30' starts at 0 and adds 600 at each of 30
# steps of 'interval'. Each case asks whether detection fires or stays quiet at eval_time,
# whether verification holds or fails from a time on, or what a named check measures.
${body}`;
}

const DATASOURCES = `# Prometheus-compatible endpoints the runbooks' checks query, by name.
# Runbooks name a datasource per check ('datasource: eu'); unnamed checks use 'default'.
# Point gc-incident at this file with DATASOURCES_FILE=datasources.yaml.
# Secrets never go here: name the environment variable that holds them.
datasources:
  default:
    url: http://prometheus:9090
    timeout: 10s
  # eu:
  #   url: https://victoria.eu.example.com/select/0/prometheus
  #   auth:
  #     type: bearer
  #     tokenEnv: EU_METRICS_TOKEN
`;

const HTTP_ACTIONS = `# The only outbound calls a runbook can make: containment actions of kind 'http' name one
# of these. URLs, headers and secrets live here, never in runbooks.
# Point gc-incident at this file with HTTP_ACTIONS_FILE=http-actions.yaml; 'validate' then
# checks that every httpAction a runbook names is defined here.
actions:
  # Used by the example runbook's 'raise-young-threshold' containment action. {{threshold0}}…
  # are that action's whatIf (threshold=…): the card shows, simulates and sends one value.
  gc-set-threshold:
    method: POST
    url: http://my-service.internal:8000/admin/gc/threshold?t0={{threshold0}}&t1={{threshold1}}&t2={{threshold2}}
    headersFromEnv:
      Authorization: MY_SERVICE_ADMIN_TOKEN
    timeout: 10s
    expectStatus: [200, 204]
  # Read-only (GET, no body, no approval): what a 'kind: diagnose' step calls. Serve it from the
  # service with gc_incident_exporter.serve_diagnostics() (python/gc_incident_exporter.py).
  gc-diagnostics:
    method: GET
    readOnly: true
    url: http://my-service.internal:9466/debug/gc
    timeout: 10s
`;

const VSCODE_SETTINGS = `${JSON.stringify(
  {
    'yaml.schemas': {
      './node_modules/gc-incident/schemas/runbook.schema.json': [
        'runbooks/*.yaml',
        'runbooks/**/!(*.test).yaml',
      ],
      './node_modules/gc-incident/schemas/datasources.schema.json': ['datasources.yaml'],
      './node_modules/gc-incident/schemas/http-actions.schema.json': ['http-actions.yaml'],
      './node_modules/gc-incident/schemas/workload.schema.json': ['workloads/*.yaml'],
    },
  },
  null,
  2,
)}
`;

function workflow(version: string): string {
  return `# Checks every runbook on each push and pull request: the schema, the PromQL, the names of
# datasources and HTTP actions (validate), and the runbook tests (test). Problems show as
# annotations on the pull request's changed lines.
name: runbooks
on:
  push:
  pull_request:
jobs:
  check:
    runs-on: ubuntu-latest
    env:
      DATASOURCES_FILE: datasources.yaml
      HTTP_ACTIONS_FILE: http-actions.yaml
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: npm install --no-save gc-incident@${version}
      - run: npx gc-incident validate --format github runbooks
      - run: npx gc-incident test runbooks
`;
}
