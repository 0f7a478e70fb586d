#include "bench.h"
/* Integer matrix multiply, 160 x 160. */
#define N 160
static int a[N][N], b[N][N], c[N][N];
u32 workload(u32 scale) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) { a[i][j] = (i * 7 + j) & 31; b[i][j] = (i + j * 3) & 31; }
  u32 sum = 0;
  for (u32 round = 0; round < 24 * scale; round++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        int s = 0;
        for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
        c[i][j] = s;
      }
    sum += (u32)c[round % N][(round * 7) % N];
    a[round % N][0]++;
  }
  return sum;
}
