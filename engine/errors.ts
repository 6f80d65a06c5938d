/**
 * Tool errors: the harness could not do its job (bad configuration, unreachable target, garbage answer).
 * They are kept apart from conformance failures, which are `CheckFailure` records, never thrown errors.
 */
import { redactText } from './config/secrets.ts';
import type { Exchange } from './http/exchange.ts';

export class ConformanceToolError extends Error {
  readonly code: string = 'CONF_ERR';
  override readonly name: string = 'ConformanceToolError';
  /** The message never carries a secret the run loaded (it may quote a response that echoes one). */
  constructor(message?: string, options?: ErrorOptions) {
    super(message === undefined ? message : redactText(message), options);
  }
}

/** A setting is missing, malformed or contradictory. Exit code 2, before any request. */
export class ConfigError extends ConformanceToolError {
  override readonly code = 'CONF_ERR_CONFIG';
  override readonly name = 'ConfigError';
  /** The variable (or file) at fault. */
  readonly variable: string;
  readonly problem: string;
  readonly fix: string;
  constructor(variable: string, problem: string, fix: string) {
    super(`${variable}: ${problem} — ${fix}`);
    this.variable = variable;
    this.problem = problem;
    this.fix = fix;
  }
}

/** The target could not be reached or did not answer in time (connection refused, TLS, timeout). */
export class TransportError extends ConformanceToolError {
  override readonly code = 'CONF_ERR_TRANSPORT';
  override readonly name = 'TransportError';
  override readonly cause?: unknown;
  /** The request that got no (complete) answer, kept as evidence. */
  readonly request?: Exchange['request'];
  constructor(message: string, cause?: unknown, request?: Exchange['request']) {
    super(message);
    this.cause = cause;
    this.request = request;
  }
}

/** The target answered something the harness cannot use (non-JSON where JSON was due, HTML, truncated). */
export class GarbageResponseError extends ConformanceToolError {
  override readonly code = 'CONF_ERR_GARBAGE_RESPONSE';
  override readonly name = 'GarbageResponseError';
}

/** A precondition of a case could not be set up (pod creation refused, no server to lease). */
export class SetupError extends ConformanceToolError {
  override readonly code = 'CONF_ERR_SETUP';
  override readonly name = 'SetupError';
  /** The exchanges made before the setup failed, kept as evidence. */
  readonly exchanges: Exchange[];
  /** What the failed setup left behind that could not be undone (reported like a case's leaks). */
  leftovers: string[] = [];
  constructor(message: string, exchanges: Exchange[] = []) {
    super(message.replace(/\s+/g, ' '));
    this.exchanges = exchanges;
  }
}

/** Authentication against the target failed (wrong credentials, not an identity endpoint). */
export class AuthError extends ConformanceToolError {
  override readonly code = 'CONF_ERR_AUTH';
  override readonly name = 'AuthError';
  constructor(
    readonly variable: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${variable}: ${problem} — ${fix}`);
  }

  /** The same problem as a configuration error (exit 2), for checks made before the run. */
  toConfigError(): ConfigError {
    return new ConfigError(this.variable, this.problem, this.fix);
  }
}

/** One line for the console: the message plus, for transport errors, the underlying cause. */
export function describeError(err: unknown): string {
  if (err instanceof TransportError && err.cause instanceof Error) {
    const cause = err.cause as Error & { code?: string };
    return `${err.message} (${cause.code ?? cause.name}: ${cause.message})`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
