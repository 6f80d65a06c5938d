/** OpenStack Compute Update Server: the target-specific parts of a case (see engine/cases/types.ts). */

export interface NovaUpdateRequest {
  /** JSON body (serialized by the suite). */
  body?: unknown;
  /** A body sent verbatim (malformed JSON, empty body). */
  rawBody?: string;
  /** Content-Type header; `null` sends none. Default `application/json`. */
  contentType?: string | null;
  /** Which server: the case's own (default), a random unknown id, or one of another project (alt credentials). */
  server?: 'own' | 'unknown' | 'alt';
  /** HTTP method, default PUT. */
  method?: string;
  /**
   * Raw value of `OpenStack-API-Version` instead of `compute <variant microversion>`;
   * `none` sends no header at all (the server must default to 2.1).
   */
  microversionHeader?: string;
  /** Raw value of the legacy `X-OpenStack-Nova-API-Version` header (sent in addition). */
  legacyMicroversionHeader?: string;
  /**
   * Who sends it: the configured credentials (default), no token, a bogus token, or the reader-only user of the
   * same project (`OS_READER_*`).
   */
  auth?: 'default' | 'none' | 'bogus' | 'reader';
  /**
   * Which URL the update goes to (engine/targets/nova/url-forms.ts): the configured endpoint as it is (default),
   * `/v2.1/servers/{id}` (`none`), `/v2.1/{token's project id}/servers/{id}` (`own`), that id upper-cased
   * (`own-upper-case`), or another project's id (`other`).
   */
  urlProject?: NovaUrlProject;
}

export type NovaUrlProject = 'endpoint' | 'none' | 'own' | 'own-upper-case' | 'other';

export interface NovaSetup {
  /** Server state the case needs first (applied with an ordinary update at the case's microversion). */
  server?: Record<string, unknown>;
  /** Lock the server first (`lock` server action, as its owner); unlocked again afterwards. */
  lock?: boolean;
  /** Stop the server first (`os-stop`, waiting for SHUTOFF); started again afterwards. */
  stop?: boolean;
}
