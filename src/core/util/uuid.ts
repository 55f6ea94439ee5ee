// Random (version 4) UUIDs, as crypto.randomUUID() makes them, for the local server's request ids: the random bytes
// come from a pool filled by randomFillSync() for 128 ids at a time (as Node's own entropy cache does), and the text is
// written as bytes into one scratch buffer, so an id is one string. crypto.randomUUID() builds it from 16 hex pieces
// joined together, several hundred bytes of garbage per id, which a server answering every request without an id pays
// on each of them.
import { randomFillSync } from 'node:crypto';

const IDS_PER_FILL = 128;
const pool = Buffer.allocUnsafe(16 * IDS_PER_FILL);
let nextId = IDS_PER_FILL;

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Where the two hex digits of each of the 16 bytes go in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
const DIGITS_AT = Uint8Array.from([0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]);
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');

/** A random version 4 UUID in lower-case hex (RFC 9562). */
export function randomUuid(): string {
  if (nextId === IDS_PER_FILL) {
    randomFillSync(pool);
    nextId = 0;
  }
  const from = 16 * nextId++;
  for (let i = 0; i < 16; i++) {
    let b = pool[from + i] as number;
    if (i === 6) b = (b & 0x0f) | 0x40; // version 4
    else if (i === 8) b = (b & 0x3f) | 0x80; // variant 10
    const at = DIGITS_AT[i] as number;
    text[at] = HEX[b >> 4] as number;
    text[at + 1] = HEX[b & 0x0f] as number;
  }
  return text.toString('latin1', 0, 36);
}
