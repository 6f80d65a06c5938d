/** The proxy only ever talks to this machine: its upstream must be a loopback address. */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The upstream as a URL, or an error when it is not http(s) on a loopback address. */
export function loopbackUpstream(upstream: string): URL {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new Error(`fault-proxy: upstream "${upstream}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`fault-proxy: upstream ${upstream} must use http or https`);
  const host = url.hostname;
  if (!LOOPBACK_HOSTS.has(host) && !/^127(\.\d{1,3}){3}$/.test(host)) {
    throw new Error(`fault-proxy: upstream ${upstream} is not on loopback (127.0.0.0/8, ::1, localhost): refusing to proxy to another host`);
  }
  if (url.username || url.password) throw new Error('fault-proxy: credentials in the upstream URL are not supported');
  return url;
}
