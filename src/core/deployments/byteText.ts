// A growable byte buffer for JSON text written as bytes (the local server's prediction log lines and inference
// answers): the text is written piece by piece into one buffer reused from call to call, so no string is made for it.
/** A growable byte buffer reused from call to call (bytes in `[0, used)`). */
export class ByteText {
  buffer = Buffer.allocUnsafe(8192);
  used = 0;

  /** Room for `n` more bytes. */
  room(n: number): Buffer {
    if (this.used + n > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.used + n));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    return this.buffer;
  }

  text(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    this.used += this.room(3 * s.length).write(s, this.used);
  }

  byte(b: number): void {
    this.room(1)[this.used++] = b;
  }

  bytes(b: Uint8Array, start: number, end: number): void {
    // A subarray is a new object, one per column and row: a whole array (a column's key) is set as it is, and a
    // short run (one value's text, copied into the canonical JSON) byte by byte.
    const n = end - start;
    const room = this.room(n);
    if (start === 0 && end === b.length) room.set(b, this.used);
    else if (n <= 32) for (let i = start, at = this.used; i < end; i++, at++) room[at] = b[i] as number;
    else room.set(b.subarray(start, end), this.used);
    this.used += n;
  }

  /** Appends JSON.stringify(s); a string of printable ASCII without quotes or backslashes is copied as it is. */
  jsonString(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return this.text(JSON.stringify(s));
    }
    const room = this.room(s.length + 2);
    room[this.used] = 0x22;
    room.write(s, this.used + 1, 'latin1');
    room[this.used + s.length + 1] = 0x22;
    this.used += s.length + 2;
  }

  /** Appends String(n) of a whole number; one in the int32 range is written digit by digit. */
  integer(n: number): void {
    if ((n | 0) !== n) return this.text(String(n));
    const room = this.room(11);
    let v = n;
    if (v < 0) {
      room[this.used++] = 0x2d; // '-'
      v = -v;
    }
    let digits = 1;
    for (let t = 10; t <= v && digits < 10; t *= 10) digits++;
    const end = this.used + digits;
    for (let i = end - 1; i >= this.used; i--) {
      const q = Math.floor(v / 10);
      room[i] = 0x30 + v - q * 10;
      v = q;
    }
    this.used = end;
  }
}
