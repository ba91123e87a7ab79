/** Growable typed column, doubling on demand: appends allocate only when capacity runs out. */
export class F64Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export class I64Column {
  data = new BigInt64Array(1024);
  length = 0;
  push(v: bigint): void {
    if (this.length === this.data.length) {
      const d = new BigInt64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): BigInt64Array {
    return this.data.subarray(0, this.length);
  }
}
