#include "bench.h"
/* Quicksort of 300,000 integers with the comparison through a function pointer. */
typedef int (*compare_fn)(const int *, const int *);
static int compare(const int *a, const int *b) { return (*a > *b) - (*a < *b); }
static void sort(int *v, int lo, int hi, compare_fn cmp) {
  while (lo < hi) {
    int pivot = v[(lo + hi) >> 1], i = lo, j = hi;
    while (i <= j) {
      while (cmp(&v[i], &pivot) < 0) i++;
      while (cmp(&v[j], &pivot) > 0) j--;
      if (i <= j) { int t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { sort(v, lo, j, cmp); lo = i; } else { sort(v, i, hi, cmp); hi = j; }
  }
}
u32 workload(u32 scale) {
  int *v = (int *)BIG_BUFFER;
  u32 sum = 0, seed = 12345;
  for (u32 round = 0; round < 2 * scale; round++) {
    const int n = 300000;
    for (int i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; v[i] = (int)(seed >> 1); }
    sort(v, 0, n - 1, compare);
    for (int i = 0; i < n; i += 1000) sum += (u32)v[i];
  }
  return sum;
}
