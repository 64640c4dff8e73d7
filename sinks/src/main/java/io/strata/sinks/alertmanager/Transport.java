package io.strata.sinks.alertmanager;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** POSTs a JSON body and returns the HTTP status. {@link HttpTransport} in production; fakes in unit tests. */
interface Transport {
  int post(URI url, byte[] json, Duration timeout) throws IOException, InterruptedException;
}
