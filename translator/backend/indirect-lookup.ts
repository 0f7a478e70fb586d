/**
 * Finding which entry point of a region a computed target (a switch's jump through a table) is,
 * when there are too many candidates to compare one after the other (wasm-builder.ts jump).
 */
import binaryen from "binaryen";

type Expression = number;

/**
 * A br_table on (target - lowest) >> 4 picks the 16-byte bucket, whose few candidates are then
 * compared (`test(eip)`: the branch taken when the target is `eip`): one indirect jump and about one
 * compare instead of a compare per candidate. A target outside every bucket falls out of the
 * returned block (to what the caller emits after it). `id` makes the labels unique.
 */
export function bucketLookup(m: binaryen.Module, target: () => Expression, candidates: readonly number[], test: (eip: number) => Expression, id: number): Expression {
  const sorted = [...candidates].sort((a, b) => (a >>> 0) - (b >>> 0));
  const lowest = sorted[0]!;
  const buckets = new Map<number, number[]>();
  for (const eip of sorted) {
    const bucket = ((eip - lowest) >>> 0) >>> 4;
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), eip]);
  }
  const miss = `miss${id}`;
  const used = [...buckets.keys()];
  const label = (bucket: number) => `bucket${id}_${bucket}`;
  const span = used[used.length - 1]! + 1;
  const table = Array.from({ length: span }, (_, bucket) => (buckets.has(bucket) ? label(bucket) : miss));
  const index = m.i32.shr_u(m.i32.sub(target(), m.i32.const(lowest)), m.i32.const(4));
  // block $miss { block $bucketN { … block $bucket0 { br_table } tests0; br $miss … } testsN }
  let nest = m.block(label(used[0]!), [m.switch(table, miss, index)], binaryen.none);
  for (let n = 1; n <= used.length; n++) {
    const tests = [...buckets.get(used[n - 1]!)!.map(test), m.br(miss)];
    nest = m.block(n < used.length ? label(used[n]!) : miss, [nest, ...tests], binaryen.none);
  }
  return nest;
}
