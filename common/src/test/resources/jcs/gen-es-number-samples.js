// Regenerate with: node gen-es-number-samples.js > es-number-samples.txt  (used by CanonicalJsonTest)
// Generates "<ieee754 hex>,<Number.prototype.toString>" lines for the JCS number test.
const buf = new DataView(new ArrayBuffer(8));
let seed = 0x2545F4914F6CDD1Dn;
function next() { seed ^= seed << 13n; seed &= 0xFFFFFFFFFFFFFFFFn; seed ^= seed >> 7n; seed ^= seed << 17n; seed &= 0xFFFFFFFFFFFFFFFFn; return seed; }
const out = [];
while (out.length < 10000) {
  const kind = out.length % 4;
  let d;
  if (kind === 0) { buf.setBigUint64(0, next()); d = buf.getFloat64(0); }
  else if (kind === 1) { d = Number(next() % 100000000000000000n) * Math.pow(10, Number(next() % 60n) - 40); }
  else if (kind === 2) { d = Number(next() % 1000000n) / Math.pow(10, Number(next() % 12n)); }
  else { d = Number((next() % 2000000n)) - 1000000 + Number(next() % 1000n) / 1000; }
  if (!Number.isFinite(d)) continue;
  if (next() % 2n === 0n) d = -d;
  buf.setFloat64(0, d);
  out.push(buf.getBigUint64(0).toString(16).padStart(16, '0') + ',' + String(d));
}
console.log('# Generated with Node.js ' + process.version + ': IEEE-754 bits (hex), then String(number) (ECMAScript Number::toString).');
console.log(out.join('\n'));
