/**
 * A case's `source` strings as links a vendor can open. Every source has one of these forms:
 *
 *   <owner>/<repo> <path>@<tag or commit>[#L<line>] [<symbol and note>]   upstream file at a release
 *   <owner>/<repo>#<number> [<note>]                                        issue or pull request
 *   <owner>/<repo> commit <sha> [<note>]                                    upstream commit
 *   RFC <number> §<section> [<note>]                                        IETF RFC section
 *   <one of DOCUMENTS' titles> §<section>                                   the API document a case checks
 *   observed: … | engine/generate family …                                  plain text (PLAIN_SOURCES)
 *
 * Anything else comes back as a label without a URL; selftest/sources.test.ts keeps every case file in these forms.
 */

export interface SourceLink {
  /** Short text for a report: repository, release, file name and line, then the source's own note. */
  label: string;
  url?: string;
}

/** The public API documents the suites check, by the title their case sources cite. */
export const DOCUMENTS: Record<string, string> = {
  'Huawei Cloud CCE API "Updating a Specified Pod"': 'https://support.huaweicloud.com/intl/en-us/api-cce/cce_02_0041.html',
  'OpenStack Compute API "Update Server"': 'https://docs.openstack.org/api-ref/compute/#update-server',
};

/** Sources that are statements, not documents: what a run of the real server showed, and generated cases. */
export const PLAIN_SOURCES = ['observed: ', 'engine/generate family '] as const;

type Host = 'github' | 'opendev';
/** Where each upstream owner publishes its repositories. */
const HOSTS: Record<string, Host> = { kubernetes: 'github', emicklei: 'github', openstack: 'opendev' };

const FILE = /^([\w.-]+)\/([\w.-]+) (\S+)@([\w.-]+?)(?:#L(\d+))?(?: (.+))?$/;
const ISSUE = /^([\w.-]+)\/([\w.-]+)#(\d+)(?: .+)?$/;
const COMMIT = /^([\w.-]+)\/([\w.-]+) commit ([0-9a-f]{7,40})(?: .+)?$/;
const RFC = /^RFC (\d+)(?: §([\d.]+))?/;

function fileUrl(host: Host, owner: string, repo: string, path: string, ref: string, line?: string): string {
  if (host === 'github') return `https://github.com/${owner}/${repo}/blob/${ref}/${path}${line ? `#L${line}` : ''}`;
  // Gitea (opendev.org) takes releases under src/tag and hashes under src/commit; its line anchors are #L<n>.
  const kind = /^[0-9a-f]{7,40}$/.test(ref) ? 'commit' : 'tag';
  return `https://opendev.org/${owner}/${repo}/src/${kind}/${ref}/${path}${line ? `#L${line}` : ''}`;
}

function hostOf(owner: string): Host | undefined {
  return Object.hasOwn(HOSTS, owner) ? HOSTS[owner] : undefined;
}

export function sourceLink(source: string): SourceLink {
  const file = FILE.exec(source);
  const fileHost = file && hostOf(file[1] ?? '');
  if (file && fileHost) {
    const [, owner = '', repo = '', path = '', ref = '', line, note] = file;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const label = `${repo}@${ref} ${name}${line ? `:${line}` : ''}${note ? ` ${note}` : ''}`;
    return { label, url: fileUrl(fileHost, owner, repo, path, ref, line) };
  }
  const issue = ISSUE.exec(source);
  if (issue && hostOf(issue[1] ?? '') === 'github') {
    // GitHub redirects /issues/<n> to /pull/<n> when the number is a pull request.
    return { label: source, url: `https://github.com/${issue[1]}/${issue[2]}/issues/${issue[3]}` };
  }
  const commit = COMMIT.exec(source);
  const commitHost = commit && hostOf(commit[1] ?? '');
  if (commit && commitHost) {
    const [, owner = '', repo = '', sha = ''] = commit;
    const base = commitHost === 'github' ? 'https://github.com' : 'https://opendev.org';
    return { label: source, url: `${base}/${owner}/${repo}/commit/${sha}` };
  }
  const rfc = RFC.exec(source);
  if (rfc) {
    return { label: source, url: `https://www.rfc-editor.org/rfc/rfc${rfc[1]}${rfc[2] ? `#section-${rfc[2]}` : ''}` };
  }
  for (const [title, url] of Object.entries(DOCUMENTS)) {
    if (source === title || source.startsWith(`${title} §`)) return { label: source, url };
  }
  return { label: source };
}

/** True for the plain-text kinds of PLAIN_SOURCES, which have no URL by design. */
export function isPlainSource(source: string): boolean {
  return PLAIN_SOURCES.some((p) => source.startsWith(p));
}
