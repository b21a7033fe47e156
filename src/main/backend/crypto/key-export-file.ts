/**
 * The spec's passphrase-protected room key export file ("Key exports"): the JSON list of exported sessions,
 * encrypted with AES-256-CTR and authenticated with HMAC-SHA256 under keys derived from the passphrase with
 * PBKDF2-SHA512, then base64 between `-----BEGIN MEGOLM SESSION DATA-----` lines. The same file Element and other
 * clients write and read, so keys move between them and Lattice.
 */
import crypto from 'node:crypto';

const HEADER = '-----BEGIN MEGOLM SESSION DATA-----';
const FOOTER = '-----END MEGOLM SESSION DATA-----';
const VERSION = 1;
/** Element's choice for exports; a file states its own count, so reading accepts any. */
export const EXPORT_ITERATIONS = 500_000;
/** version + salt + iv + iteration count, then the ciphertext, then the MAC. */
const HEAD_BYTES = 1 + 16 + 16 + 4;
const MAC_BYTES = 32;

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

/** Encrypts the export's JSON text into the file's text. */
export async function encryptKeyFile(json: string, passphrase: string, iterations = EXPORT_ITERATIONS): Promise<string> {
  if (passphrase === '') throw new KeyFileError('A key export needs a passphrase: the file would otherwise hold every key in the clear.');
  const salt = crypto.randomBytes(16);
  const iv = crypto.randomBytes(16);
  // As in the spec: bit 63 cleared, so a 64-bit counter cannot wrap.
  iv[8] &= 0x7f;
  const { aesKey, hmacKey } = await deriveKeys(passphrase, salt, iterations);
  try {
    const cipher = crypto.createCipheriv('aes-256-ctr', aesKey, iv);
    const plain = Buffer.from(json, 'utf8');
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    plain.fill(0);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(iterations);
    const body = Buffer.concat([Buffer.from([VERSION]), salt, iv, count, ciphertext]);
    const mac = crypto.createHmac('sha256', hmacKey).update(body).digest();
    const b64 = Buffer.concat([body, mac]).toString('base64');
    return [HEADER, ...(b64.match(/.{1,76}/g) ?? []), FOOTER, ''].join('\n');
  } finally {
    aesKey.fill(0);
    hmacKey.fill(0);
  }
}

/** The export's JSON text; a wrong passphrase or a damaged file is an error in words. */
export async function decryptKeyFile(text: string, passphrase: string): Promise<string> {
  const data = unarmor(text);
  if (data.length < HEAD_BYTES + MAC_BYTES) throw new KeyFileError('The key file is too short: it is cut off or not a key export.');
  if (data[0] !== VERSION) throw new KeyFileError(`The key file has format version ${data[0]}; Lattice reads version ${VERSION}.`);
  const salt = data.subarray(1, 17);
  const iv = data.subarray(17, 33);
  const iterations = data.readUInt32BE(33);
  if (iterations < 1) throw new KeyFileError('The key file is damaged (it states zero rounds of key derivation).');
  const body = data.subarray(0, data.length - MAC_BYTES);
  const mac = data.subarray(data.length - MAC_BYTES);
  const { aesKey, hmacKey } = await deriveKeys(passphrase, salt, iterations);
  try {
    const expected = crypto.createHmac('sha256', hmacKey).update(body).digest();
    if (!crypto.timingSafeEqual(expected, mac)) {
      throw new KeyFileError('The passphrase is wrong, or the key file is damaged (its MAC does not match).');
    }
    const decipher = crypto.createDecipheriv('aes-256-ctr', aesKey, iv);
    return Buffer.concat([decipher.update(body.subarray(HEAD_BYTES)), decipher.final()]).toString('utf8');
  } finally {
    aesKey.fill(0);
    hmacKey.fill(0);
  }
}

/** The bytes between the header and footer lines (whitespace ignored, as clients wrap lines differently). */
function unarmor(text: string): Buffer {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const start = lines.indexOf(HEADER);
  const end = lines.indexOf(FOOTER, start + 1);
  if (start < 0) throw new KeyFileError(`This is not a key export: it lacks the line ${HEADER}.`);
  if (end < 0) throw new KeyFileError(`The key file is cut off: it lacks the line ${FOOTER}.`);
  const b64 = lines.slice(start + 1, end).join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new KeyFileError('The key file is damaged: its body is not base64.');
  return Buffer.from(b64, 'base64');
}

function deriveKeys(passphrase: string, salt: Uint8Array, iterations: number): Promise<{ aesKey: Buffer; hmacKey: Buffer }> {
  return new Promise((resolve, reject) => {
    crypto.pbkdf2(passphrase, salt, iterations, 64, 'sha512', (err, key) => {
      if (err) reject(err);
      else resolve({ aesKey: key.subarray(0, 32), hmacKey: key.subarray(32) });
    });
  });
}
