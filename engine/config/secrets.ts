/**
 * Every secret value the run loaded (tokens, passwords, client keys). The redactor replaces them in
 * evidence, and the artifact scan fails the run if any of them appears in a written file.
 */
const secrets = new Set<string>();

/** Secrets shorter than this are not registered: they would match ordinary text. */
const MIN_SECRET_LENGTH = 6;

/** knownSecrets(), kept until the next registration (redactText runs for every header and body of the evidence). */
let sorted: readonly string[] | undefined;

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH && !secrets.has(value)) {
    secrets.add(value);
    sorted = undefined;
  }
}

export function knownSecrets(): readonly string[] {
  // Longest first, so a secret that contains another is replaced whole.
  sorted ??= [...secrets].sort((a, b) => b.length - a.length);
  return [...sorted];
}

/** Replaces every known secret in a text. */
export function redactText(text: string): string {
  sorted ??= [...secrets].sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of sorted) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}
