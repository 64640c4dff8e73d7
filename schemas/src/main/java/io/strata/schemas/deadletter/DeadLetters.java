package io.strata.schemas.deadletter;

import io.strata.schemas.Topics;
import io.strata.schemas.model.SampleBatchCheck;
import io.strata.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter contract, the same from every stage: the original key and value unchanged, the original
 * headers kept (in order), then {@code strata.error.reason} (a reason code), {@code .message}, {@code .stage},
 * {@code .topic}, {@code .partition}, {@code .offset} and {@code .timestamp} (ms) of the record as it was read,
 * all UTF-8 text. {@code strata.error.*} headers the original carried (a dead letter read back and
 * dead-lettered again) are replaced, so each name appears once.
 */
public final class DeadLetters {
  private DeadLetters() {}

  private static final String PREFIX = "strata.error.";

  /** Where a refused record was read and why it was refused. */
  public record Source(String topic, int partition, long offset, long timestamp) {}

  /**
   * Every reason code a stage reading {@code metrics.samples} puts on a dead letter: the wire-format ones
   * (undecodable bytes) and the {@link SampleBatchCheck} ones (decodable but refused). Stages show a counter
   * at 0 for each from the start.
   */
  public static List<String> sampleReasons() {
    List<String> out = new ArrayList<>();
    for (WireFormatException.Reason r : WireFormatException.Reason.values()) {
      out.add(r.name());
    }
    for (SampleBatchCheck.Reason r : SampleBatchCheck.Reason.values()) {
      out.add(r.name());
    }
    return out;
  }

  /** The headers of the dead letter of a record read from {@code source} with {@code original} headers. */
  public static Headers headers(Iterable<Header> original, String stage, String reason, String message, Source source) {
    RecordHeaders h = new RecordHeaders();
    if (original != null) {
      for (Header o : original) {
        if (!o.key().startsWith(PREFIX)) {
          h.add(o.key(), o.value());
        }
      }
    }
    add(h, Topics.DLQ_REASON_HEADER, reason);
    add(h, Topics.DLQ_MESSAGE_HEADER, message == null ? "" : message);
    add(h, Topics.DLQ_STAGE_HEADER, stage);
    add(h, Topics.DLQ_TOPIC_HEADER, source.topic());
    add(h, Topics.DLQ_PARTITION_HEADER, Integer.toString(source.partition()));
    add(h, Topics.DLQ_OFFSET_HEADER, Long.toString(source.offset()));
    add(h, Topics.DLQ_TIMESTAMP_HEADER, Long.toString(source.timestamp()));
    return h;
  }

  private static void add(RecordHeaders h, String key, String value) {
    h.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A header's value as text, or null when absent (for readers and tests of dead letters). */
  public static String text(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
