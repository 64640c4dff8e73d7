package io.strata.app;

import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends the same remote_write 1.0 requests (protobuf + snappy) to several receivers, as a Prometheus with
 * several {@code remote_write} entries does: each receiver has its own queue, a request it did not accept
 * (connection refused, 5xx) stays queued and is sent again, in order, before newer ones.
 */
final class RemoteWriter {
  /** Prometheus's staleness marker (value.StaleNaN): the series ended. */
  static final double STALE_NAN = Double.longBitsToDouble(0x7ff0000000000002L);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, Deque<byte[]>> queues = new LinkedHashMap<>();

  /** @param writeUrls each receiver's {@code .../api/v1/write} */
  RemoteWriter(List<String> writeUrls) {
    for (String u : writeUrls) {
      queues.put(u, new ArrayDeque<>());
    }
  }

  /** One sample per series, all at {@code timestampMs}; {@code series} maps labels to value. */
  void push(long timestampMs, Map<Labels, Double> series) {
    List<SeriesSamples> batch = new ArrayList<>();
    series.forEach((labels, value) -> batch.add(SeriesSamples.of(labels, timestampMs, value)));
    byte[] body = RemoteWriteV1Encoder.encode(batch);
    for (var e : queues.entrySet()) {
      e.getValue().addLast(body);
      drain(e.getKey(), e.getValue());
    }
  }

  /** Requests not yet accepted by the receiver at {@code writeUrl}. */
  int queued(String writeUrl) {
    return queues.get(writeUrl).size();
  }

  private void drain(String url, Deque<byte[]> queue) {
    while (!queue.isEmpty()) {
      int status;
      try {
        status = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(queue.peekFirst())).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (IOException e) {
        return; // receiver down: keep the queue, retry at the next push
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (status / 100 == 5 || status == 429) {
        return; // retryable, as Prometheus's queue manager retries
      }
      if (status / 100 != 2) {
        throw new AssertionError("remote_write to " + url + " answered " + status);
      }
      queue.pollFirst();
    }
  }
}
