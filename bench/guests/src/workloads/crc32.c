#include "bench.h"
/* Table-driven CRC-32 over a 1 MiB buffer, repeated. */
static u32 table[256];
u32 workload(u32 scale) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
    table[i] = c;
  }
  u8 *data = BIG_BUFFER;
  for (u32 i = 0; i < (1u << 20); i++) data[i] = (u8)(i * 2654435761u >> 24);
  u32 crc = 0;
  for (u32 round = 0; round < 12 * scale; round++) {
    crc = ~crc;
    for (u32 i = 0; i < (1u << 20); i++) crc = (crc >> 8) ^ table[(crc ^ data[i]) & 0xFF];
    crc = ~crc;
  }
  return crc;
}
