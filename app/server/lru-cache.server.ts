// A least-recently-used cache bounded by entry count and by total size, so memory stays bounded
// however many distinct values pass through it. A Map keeps insertion order: the first key is the oldest.
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private totalSize = 0;
  private readonly options: { maxEntries: number; maxBytes: number; sizeOf: (value: V) => number };

  constructor(options: { maxEntries: number; maxBytes: number; sizeOf: (value: V) => number }) {
    this.options = options;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalSize;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Re-inserting moves it to the newest end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const size = this.options.sizeOf(value);
    if (size > this.options.maxBytes) return;
    this.entries.set(key, { value, size });
    this.totalSize += size;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries && this.totalSize <= this.options.maxBytes) break;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalSize -= entry.size;
  }
}
