/**
 * The rest of an iterator that was partly read by hand (to peek at the start of a stream), as an iterable: for-await
 * and yield* over it close the iterator on early exit, which releases the source stream.
 */
export function remaining<T>(iterator: AsyncIterator<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => iterator };
}
