/**
 * Contents of a vector's page: 4096 bytes of xorshift32 output from the page's seed. The oracle
 * (oracle/oracle.c) computes the same bytes, so vectors carry a seed instead of 4 KiB of data.
 */
export function pageContent(seed: number): Uint8Array {
  const bytes = new Uint8Array(4096);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < 4096; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    bytes[i] = s & 0xff;
  }
  return bytes;
}
