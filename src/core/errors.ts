/**
 * The one catalogue of coded errors. Surfaces (CLI, Slack) branch on `code`,
 * never on message text; tests assert on codes. Every code is documented in
 * docs/error-codes.md, and a test keeps the two in step.
 */
export const ErrorCodes = {
  USAGE: 'Bad command-line usage: an unknown option, a missing argument or a malformed value.',
  RUNBOOK_NOT_FOUND: 'No runbook with the given id exists in the runbook folder.',
  WORKLOAD_TOO_LARGE:
    'A workload would take too long to simulate; it is refused instead of exhausting time or memory.',
  WORKLOAD_INVALID:
    'A workload passes the schema but cannot be run as written (a lifetime in seconds without a rate, a lifetime on a collector that does not model it).',
  FIT_JOB_NOT_FOUND: 'No series of python_gc_collections_total carries the job given to `fit`.',
  FIT_TOO_FEW_SAMPLES: 'The fit window holds too few samples of the GC counters to fit a workload to.',
  FIT_COUNTER_RESET:
    'A GC counter reset inside the fit window (the process restarted): the rates would be wrong.',
  FIT_PYTHON_UNSUPPORTED:
    'The service runs an interpreter the fit does not model (not one checked against real CPython: 3.8-3.13, 3.14.5+, 3.15), or exports no python_info.',
  FIT_IMPLAUSIBLE:
    "The service's GC metrics hold a value no collector produces (a pause in the wrong unit, a negative rate, a fractional threshold), or describe a workload beyond the simulator's caps.",
  SIMULATION_CANCELLED: 'A running simulation was cancelled by its caller.',
  SIMULATION_TIMEOUT: 'A simulation ran past its wall-clock limit; its worker was stopped.',
  SIMULATION_BUSY:
    'The simulation pool is full, or the user already has simulations queued; try again when they finish.',
  PYTHON_NOT_FOUND: 'The interpreter asked for with --against or --python cannot be found.',
  PYTHON_FAILED: 'A Python interpreter running a repro or calibration script failed.',
  INCIDENT_NOT_FOUND: 'No incident with the given id exists.',
  STEP_NOT_FOUND: "The incident's runbook has no step with the given id.",
  ILLEGAL_TRANSITION: "The command is not allowed in the incident's current state (the message says why).",
  NOT_APPROVED: 'A containment action that requires confirmation has not been approved.',
  ROLE_CHANGE_NOT_ALLOWED:
    'The person may not make this role change: only the commander or an approver gives roles (the message says whom to ask).',
  CONFLICT: 'Another command changed the incident at the same moment; retried and still conflicting.',
  STORE_UNAVAILABLE: 'The incident store (SQLite file or PostgreSQL server) cannot be reached or written.',
  METRICS_BAD_QUERY: 'The backend could not parse the PromQL query.',
  METRICS_QUERY_REJECTED:
    'The backend parsed the query but refused to run it (limits, many-to-many matching, bad parameters).',
  METRICS_QUERY_TIMEOUT:
    'The query took longer than the backend or the datasource timeout allows; it is not retried.',
  METRICS_UNAUTHORIZED: 'The backend refused the credentials (HTTP 401 or 403).',
  METRICS_UNREACHABLE:
    'The backend could not be reached after the retries allowed (connection refused, reset, DNS, 502, 504, 429).',
  METRICS_NOT_PROMETHEUS:
    'The URL answered, but not with the Prometheus HTTP API (an HTML or plain-text page, often a proxy or a wrong path).',
  METRICS_UNAVAILABLE: 'No metrics datasource is configured or reachable for a query or check step.',
  INPUT_INVALID: 'A runbook input is unknown, missing, or does not match its declared type, pattern or enum.',
  ACTION_NOT_CONFIGURED: 'A runbook names an HTTP action that HTTP_ACTIONS_FILE does not define.',
  ACTION_NOT_READ_ONLY:
    "A diagnose step names an HTTP action that is not read-only ('readOnly: true', method GET, no body).",
  DIAGNOSTICS_INVALID:
    "A diagnose step's endpoint did not answer with gc_incident_exporter's diagnostics JSON (unreachable, an error status, or another body).",
  ALERT_RULE_UNSUPPORTED:
    "A runbook's detection query cannot become a per-service alert rule (it removes the service label with without or ignoring).",
  CONFIG_INVALID: 'An environment variable or configuration file holds a value that is not allowed.',
  CHART_NOT_DRAWN:
    "A chart's data cannot be drawn (a sample outside 2000–2100, a value beyond ±1e15, no finite sample, a drawing too large): the chart is left out with a note saying why.",
  PROMETHEUS_NOT_INSTALLED:
    "`gc-incident test` needs promtool and prometheus (Debian's prometheus package) on PATH to evaluate runbook checks.",
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class GcIncidentError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GcIncidentError';
    this.code = code;
    this.details = details;
  }
}

export function isGcIncidentError(value: unknown): value is GcIncidentError {
  return value instanceof GcIncidentError;
}
