/**
 * QUIC Initial packet protection (RFC 9001 §5, RFC 9369 §3.3): Initial keys are public — derived from the
 * client's first Destination Connection ID with a version-specific salt — so any observer can remove the
 * header protection and decrypt Initial packets to read the ClientHello. HKDF is built on node:crypto's
 * HMAC (TLS 1.3's HKDF-Expand-Label, RFC 8446 §7.1); AES-128-ECB gives the header-protection mask and
 * AES-128-GCM decrypts the payload.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

export const QUIC_V1 = 0x00000001;
export const QUIC_V2 = 0x6b3343cf;

const SALT_V1 = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
const SALT_V2 = Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex');

export interface PacketKeys {
  key: Buffer;
  iv: Buffer;
  hp: Buffer;
}

function hkdfExtract(salt: Buffer, ikm: Uint8Array): Buffer {
  return createHmac('sha256', salt).update(ikm).digest();
}

/** HKDF-Expand-Label with an empty context; every output here is ≤ 32 bytes, so one HMAC block suffices. */
function expandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.alloc(2 + 1 + full.length + 1);
  info.writeUInt16BE(length, 0);
  info[2] = full.length;
  full.copy(info, 3);
  info[3 + full.length] = 0;
  return createHmac('sha256', secret).update(info).update(Buffer.from([1])).digest().subarray(0, length);
}

export function isSupportedVersion(version: number): boolean {
  return version === QUIC_V1 || version === QUIC_V2;
}

/** Client (`server` false) or server Initial keys for a connection whose client first used `dcid`. */
export function initialKeys(version: number, dcid: Uint8Array, server: boolean): PacketKeys {
  const v2 = version === QUIC_V2;
  const initial = hkdfExtract(v2 ? SALT_V2 : SALT_V1, dcid);
  const secret = expandLabel(initial, server ? 'server in' : 'client in', 32);
  // RFC 9369 §3.3.2: version 2 renames the labels so v1 and v2 keys never coincide.
  const p = v2 ? 'quicv2 ' : 'quic ';
  return { key: expandLabel(secret, `${p}key`, 16), iv: expandLabel(secret, `${p}iv`, 12), hp: expandLabel(secret, `${p}hp`, 16) };
}

/** The 5 mask bytes of header protection for a 16-byte ciphertext sample (RFC 9001 §5.4.3). */
export function headerMask(hp: Buffer, sample: Uint8Array): Buffer {
  const c = createCipheriv('aes-128-ecb', hp, null);
  c.setAutoPadding(false);
  return c.update(sample).subarray(0, 5);
}

/** AEAD_AES_128_GCM open; null when authentication fails (wrong keys, or not an Initial at all). */
export function openPayload(keys: PacketKeys, pn: number, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  if (ciphertext.length < 16) return null;
  const nonce = Buffer.from(keys.iv);
  // RFC 9001 §5.3: the packet number, left-padded to the IV's length, XORed into the IV.
  for (let i = 0; i < 4; i++) nonce[11 - i] ^= (pn >>> (8 * i)) & 0xff;
  try {
    const dec = createDecipheriv('aes-128-gcm', keys.key, nonce);
    dec.setAAD(aad);
    dec.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    const a = dec.update(ciphertext.subarray(0, ciphertext.length - 16));
    const b = dec.final();
    return b.length === 0 ? new Uint8Array(a) : new Uint8Array(Buffer.concat([a, b]));
  } catch {
    return null;
  }
}
