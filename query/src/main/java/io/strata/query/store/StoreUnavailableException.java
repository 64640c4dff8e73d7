package io.strata.query.store;

import io.strata.promql.storage.StorageException;

/**
 * A store of a fan-out did not answer and the request does not accept a partial response: the API answers 503
 * {@code unavailable} with this message, which names the store.
 */
public final class StoreUnavailableException extends StorageException {
  public StoreUnavailableException(String message) {
    super(message);
  }
}
