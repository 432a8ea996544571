/**
 * The one check every renderer makes before it turns text into a link: an http(s) URL that parses, or nothing.
 * `javascript:`, `data:` and anything unparsable stay plain text on every platform.
 */
export function httpUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
}
