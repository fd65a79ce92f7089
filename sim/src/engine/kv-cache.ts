/**
 * sim/engine — the KV-cache block pool with automatic prefix caching, as vLLM V1 keeps it.
 *
 * Blocks hold `blockSize` tokens. A full prompt block is identified by a hash chained over every
 * token before it, so equal hashes mean equal prefixes. When its last user lets go, a cached block
 * is not wiped: it joins the free pool as "evictable" in LRU order and can be claimed back by the
 * next request with the same prefix. Fresh allocations take never-cached blocks first, then evict
 * the least recently freed cached block.
 */

interface CachedBlock {
  hash: string;
  refs: number;
}

/** Blocks a sequence holds: cached ones (shared by hash) and private ones (counted). */
export interface BlockTable {
  cached: CachedBlock[];
  privateBlocks: number;
}

/** Counters for the prefix cache, in tokens as vLLM reports them. */
export interface PrefixCacheStats {
  queriedTokens: number;
  hitTokens: number;
}

/** The pool of KV blocks of one replica. */
export class KvCache {
  readonly numBlocks: number;
  readonly blockSize: number;
  readonly prefixCaching: boolean;
  readonly stats: PrefixCacheStats = { queriedTokens: 0, hitTokens: 0 };
  #usedBlocks = 0;
  readonly #byHash = new Map<string, CachedBlock>();
  /** Cached blocks nobody holds, oldest first (Map keeps insertion order). */
  readonly #evictable = new Map<string, CachedBlock>();

  constructor(numBlocks: number, blockSize: number, prefixCaching = true) {
    this.numBlocks = numBlocks;
    this.blockSize = blockSize;
    this.prefixCaching = prefixCaching;
  }

  /** Blocks held by running sequences. */
  get usedBlocks(): number {
    return this.#usedBlocks;
  }

  /** Blocks that can be handed out (never-used plus evictable cached ones). */
  get freeBlocks(): number {
    return this.numBlocks - this.#usedBlocks;
  }

  /** Fraction of blocks in use, 0..1 (`vllm:kv_cache_usage_perc`). */
  get usage(): number {
    return this.#usedBlocks / this.numBlocks;
  }

  /** Cached blocks kept for reuse, held or not. */
  get cachedBlocks(): number {
    return this.#byHash.size;
  }

  /** A new, empty block table. */
  newTable(): BlockTable {
    return { cached: [], privateBlocks: 0 };
  }

  /** Blocks a table holds. */
  heldBlocks(table: BlockTable): number {
    return table.cached.length + table.privateBlocks;
  }

  /**
   * Claims the longest run of cached blocks matching `hashes` (full prompt blocks) into `table`;
   * returns the number of prompt tokens they cover. Counts the query in the prefix-cache stats.
   */
  claimPrefix(table: BlockTable, hashes: readonly string[], promptTokens: number): number {
    if (!this.prefixCaching) return 0;
    this.stats.queriedTokens += promptTokens;
    // vLLM always recomputes the last prompt token, so a fully cached prompt still runs one step.
    const maxBlocks = Math.floor((promptTokens - 1) / this.blockSize);
    let hits = 0;
    for (let i = 0; i < Math.min(maxBlocks, hashes.length); i++) {
      const block = this.#byHash.get(hashes[i]!);
      if (!block) break;
      if (block.refs === 0) {
        this.#evictable.delete(block.hash);
        this.#usedBlocks++;
      }
      block.refs++;
      table.cached.push(block);
      hits++;
    }
    const hitTokens = hits * this.blockSize;
    this.stats.hitTokens += hitTokens;
    return hitTokens;
  }

  /** True when `count` more blocks can be allocated. */
  canAllocate(count: number): boolean {
    return count <= this.freeBlocks;
  }

  /** Adds `count` private blocks to `table`; false (and nothing changed) when they do not fit. */
  allocate(table: BlockTable, count: number): boolean {
    if (count <= 0) return true;
    if (!this.canAllocate(count)) return false;
    let neverUsed = this.freeBlocks - this.#evictable.size;
    for (let need = count - neverUsed; need > 0; need--) {
      const oldest = this.#evictable.values().next().value;
      if (!oldest) break;
      this.#evictable.delete(oldest.hash);
      this.#byHash.delete(oldest.hash);
      neverUsed++;
    }
    this.#usedBlocks += count;
    table.privateBlocks += count;
    return true;
  }

  /**
   * Marks the table's next private block as the cached block `hash` once its tokens are computed,
   * so later requests with the same prefix can reuse it. A hash already cached keeps its first copy.
   */
  publish(table: BlockTable, hash: string): void {
    if (!this.prefixCaching || table.privateBlocks === 0 || this.#byHash.has(hash)) return;
    const block: CachedBlock = { hash, refs: 1 };
    this.#byHash.set(hash, block);
    table.privateBlocks--;
    table.cached.push(block);
  }

  /** Returns every block of `table` to the pool; cached ones become evictable, most recent last. */
  free(table: BlockTable): void {
    this.#usedBlocks -= table.privateBlocks;
    table.privateBlocks = 0;
    // Free in reverse so a prefix's tail is evicted before its head, as vLLM does.
    for (let i = table.cached.length - 1; i >= 0; i--) {
      const block = table.cached[i]!;
      block.refs--;
      if (block.refs === 0) {
        this.#usedBlocks--;
        this.#evictable.set(block.hash, block);
      }
    }
    table.cached = [];
  }

  /** Drops every cached block nobody holds (vLLM's `/reset_prefix_cache`). */
  resetPrefixCache(): void {
    for (const hash of this.#evictable.keys()) this.#byHash.delete(hash);
    this.#evictable.clear();
  }
}
