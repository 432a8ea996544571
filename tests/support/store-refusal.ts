import { StoreUnavailableError } from '../../src/store/ports';

/** The error a store refused to open with; fails the test when it opened instead. */
export async function refusal(promise: Promise<unknown>): Promise<StoreUnavailableError> {
  const error = await promise.then(
    () => new Error('expected StoreUnavailableError, but the store opened'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  return error as StoreUnavailableError;
}
