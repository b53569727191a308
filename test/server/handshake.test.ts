import { describe, expect, it } from '@jest/globals';
import { handshakeReason } from '../../src/server/handshake.js';

const err = (code: string | undefined, message = 'x') => Object.assign(new Error(message), { code });

describe('handshakeReason', () => {
  it.each([
    // Go's crypto/tls client with a caBundle of another CA, or a certificate not naming the Service.
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'certificate_refused'],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'certificate_refused'],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'certificate_refused'],
    ['ECONNRESET', 'closed'],
    ['ERR_TLS_HANDSHAKE_TIMEOUT', 'timeout'],
    ['ERR_SSL_HTTP_REQUEST', 'protocol'],
    ['ERR_SSL_NO_SHARED_CIPHER', 'protocol'],
  ])('%s: %s', (code, reason) => {
    expect(handshakeReason(err(code))).toBe(reason);
  });

  it('a socket closed mid-handshake without a code', () => {
    expect(handshakeReason(err(undefined, 'socket hang up'))).toBe('closed');
  });
});
