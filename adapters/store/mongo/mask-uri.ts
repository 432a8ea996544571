/**
 * A MongoDB connection string made safe to print: the password becomes `****`, and so do query options that
 * carry secrets (`tlsCertificateKeyFilePassword`, `authMechanismProperties` with AWS session tokens, …).
 * Errors and logs show this form only; the real URI never leaves the driver.
 */
const SECRET_OPTION = /password|secret|token|authMechanismProperties/i;

export function maskMongoUri(uri: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri);
  const start = scheme ? scheme[0].length : 0;
  // The last `@` ends the credentials (an unescaped `@` or `/` in a password would otherwise leak part of it).
  const at = uri.lastIndexOf('@');
  let masked = uri;
  if (at > start) {
    const credentials = uri.slice(start, at);
    const colon = credentials.indexOf(':');
    const user = colon === -1 ? credentials : credentials.slice(0, colon);
    masked = `${uri.slice(0, start)}${colon === -1 ? user : `${user}:****`}@${uri.slice(at + 1)}`;
  }
  const query = masked.indexOf('?');
  if (query === -1) return masked;
  const options = masked
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq !== -1 && SECRET_OPTION.test(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=****` : pair;
    });
  return `${masked.slice(0, query)}?${options.join('&')}`;
}

/** Removes every occurrence of the URI's secrets from a message (a driver error may quote parts of the URI). */
export function scrubSecrets(message: string, uri: string): string {
  let out = message.split(uri).join(maskMongoUri(uri));
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri);
  const start = scheme ? scheme[0].length : 0;
  const at = uri.lastIndexOf('@');
  if (at > start) {
    const credentials = uri.slice(start, at);
    const colon = credentials.indexOf(':');
    const password = colon === -1 ? '' : credentials.slice(colon + 1);
    for (const secret of [password, safeDecode(password)]) {
      if (secret.length >= 3) out = out.split(secret).join('****');
    }
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
