/** Size of the blocks text is encoded into; a longer value gets a block of its own size. */
const BLOCK_BYTES = 1024 * 1024;
/** Distinct values per row group that are encoded once and handed over as one shared view. */
const INTERNED_VALUES = 1024;

/**
 * One string column's values of a row group as UTF-8 byte arrays, which hyparquet-writer takes as they are for a
 * UTF8 column (given strings, it encodes each with its own TextEncoder call and ArrayBuffer). Views of a few blocks
 * that are reused row group after row group, so the text of a row group costs no allocation once the first is done.
 * Buffer's UTF-8 encoder gives TextEncoder's bytes (a lone surrogate is U+FFFD either way): the Parquet file is the
 * same. The first INTERNED_VALUES distinct values are encoded once each: a low-cardinality column hands over the
 * same view for a repeated value, which hyparquet-writer's dictionary finds by identity.
 */
export class Utf8Column {
  private readonly blocks: Buffer[] = [];
  /** Index of the block being filled, and its bytes used. */
  private block = -1;
  private used = BLOCK_BYTES;
  private readonly interned = new Map<string, Uint8Array>();

  encode(text: string): Uint8Array {
    // once full, the map is not asked: a column with that many distinct values gains nothing from it
    const interning = this.interned.size < INTERNED_VALUES;
    const known = interning ? this.interned.get(text) : undefined;
    if (known) return known;
    // a UTF-16 code unit is at most 3 bytes of UTF-8; only a value that may not fit is measured
    let block = this.blocks[this.block];
    if (!block || block.length - this.used < text.length * 3) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (!block || block.length - this.used < bytes) block = this.nextBlock(bytes);
    }
    const length = writeAscii(block, this.used, text) ? text.length : block.write(text, this.used, 'utf8');
    const view = new Uint8Array(block.buffer, block.byteOffset + this.used, length);
    this.used += length;
    if (interning) this.interned.set(text, view);
    return view;
  }

  /** After the row group was written (hyparquet-writer keeps none of its values): its bytes may be overwritten. */
  reuse(): void {
    this.block = -1;
    this.used = BLOCK_BYTES;
    this.interned.clear();
  }

  private nextBlock(bytes: number): Buffer {
    this.block++;
    this.used = 0;
    let block = this.blocks[this.block];
    if (!block || block.length < bytes) {
      block = Buffer.allocUnsafeSlow(Math.max(BLOCK_BYTES, bytes));
      this.blocks[this.block] = block;
    }
    return block;
  }
}

/**
 * ASCII text copied code unit by code unit: cheaper than a native call for the short values of a typical column.
 * False at the first non-ASCII character (the caller then encodes the whole value with Buffer#write).
 */
function writeAscii(target: Buffer, offset: number, text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) return false;
    target[offset + index] = code;
  }
  return true;
}
