/** Exit codes of every command (documented in README.md "Exit codes"). */
export const EXIT = {
  /** Conformant: every case passed (or only baselined deviations). */
  ok: 0,
  /** Conformance failures (or a stale / expired baseline entry). */
  nonConformant: 1,
  /** Configuration or usage error, or the target is unreachable: nothing was updated. */
  config: 2,
  /** Incomplete: technical errors, leaked resources or secrets in artifacts, without conformance failures. */
  incomplete: 3,
  /** Interrupted by SIGINT/SIGTERM; partial reports were written. */
  interrupted: 130,
} as const;
