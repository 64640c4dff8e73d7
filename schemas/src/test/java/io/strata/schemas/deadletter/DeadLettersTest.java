package io.strata.schemas.deadletter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  @Test
  void carriesEveryContractHeaderAndKeepsTheOriginalOnes() {
    RecordHeaders original = new RecordHeaders();
    original.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
    original.add("x", new byte[] {1, 2});
    Headers h = DeadLetters.headers(original, "streams", "BAD_MAGIC_BYTE", "first byte is 65",
        new DeadLetters.Source("metrics.samples", 3, 42, 1_767_225_600_000L));
    assertEquals("00-abc-01", DeadLetters.text(h, "traceparent"));
    assertArrayEquals(new byte[] {1, 2}, h.lastHeader("x").value());
    assertEquals("BAD_MAGIC_BYTE", DeadLetters.text(h, Topics.DLQ_REASON_HEADER));
    assertEquals("first byte is 65", DeadLetters.text(h, Topics.DLQ_MESSAGE_HEADER));
    assertEquals("streams", DeadLetters.text(h, Topics.DLQ_STAGE_HEADER));
    assertEquals("metrics.samples", DeadLetters.text(h, Topics.DLQ_TOPIC_HEADER));
    assertEquals("3", DeadLetters.text(h, Topics.DLQ_PARTITION_HEADER));
    assertEquals("42", DeadLetters.text(h, Topics.DLQ_OFFSET_HEADER));
    assertEquals("1767225600000", DeadLetters.text(h, Topics.DLQ_TIMESTAMP_HEADER));
  }

  @Test
  void aDeadLetterDeadLetteredAgainCarriesEachErrorHeaderOnce() {
    Headers first = DeadLetters.headers(List.of(), "sink", "BAD_AVRO", "m1", new DeadLetters.Source("a", 0, 1, 2));
    Headers second = DeadLetters.headers(first, "flink", "EMPTY", "m2", new DeadLetters.Source("b", 5, 6, 7));
    List<String> keys = new ArrayList<>();
    for (Header x : second) {
      keys.add(x.key());
    }
    assertEquals(List.of(Topics.DLQ_REASON_HEADER, Topics.DLQ_MESSAGE_HEADER, Topics.DLQ_STAGE_HEADER, Topics.DLQ_TOPIC_HEADER,
        Topics.DLQ_PARTITION_HEADER, Topics.DLQ_OFFSET_HEADER, Topics.DLQ_TIMESTAMP_HEADER), keys);
    assertEquals("flink", DeadLetters.text(second, Topics.DLQ_STAGE_HEADER));
  }
}
