import { createStateSigner } from '../../../adapters/shared/signed-state';
import { httpUrl } from '../../../adapters/shared/safe-url';

describe('signed state', () => {
  const signer = createStateSigner(Buffer.alloc(32, 1));

  it('gives back exactly what it signed', () => {
    expect(signer.verify(signer.sign('draft-7 ünïcode'))).toBe('draft-7 ünïcode');
    expect(signer.verifyJson(signer.signJson({ form: 'a:b', state: null }))).toEqual({ form: 'a:b', state: null });
  });

  it('refuses a value changed on the way, a signature from another key, and garbage', () => {
    const signed = signer.sign('{"role":"staff"}');
    const forged = `${Buffer.from('{"role":"admin"}').toString('base64url')}.${signed.split('.')[1]}`;
    expect(signer.verify(forged)).toBeNull();
    expect(createStateSigner(Buffer.alloc(32, 2)).verify(signed)).toBeNull();
    for (const junk of ['', '.', 'abc', 'abc.', '.abc', 'a.b.c']) expect(signer.verify(junk)).toBeNull();
    expect(signer.verifyJson(signer.sign('not json'))).toBeNull();
  });
});

describe('links', () => {
  it('are http(s) only', () => {
    expect(httpUrl('https://intranet.example/policy#p1')?.href).toBe('https://intranet.example/policy#p1');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'ftp://x', 'not a url', '']) expect(httpUrl(bad)).toBeNull();
  });
});
